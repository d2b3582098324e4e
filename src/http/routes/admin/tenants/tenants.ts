import { Type } from 'typebox'
import { getTenant, listTenants, removeTenant } from '../../../../channels/tenants.ts'
import { addTenantWithCallback, updateTenantWithCallback } from '../../../../delivery/tenant-callback.ts'
import { actorOfRequest } from '../../../auth.ts'
import { IdParams, Nullable } from '../../../presenters/schema-helpers.ts'
import { presentTenant, TenantSchema } from '../../../presenters/tenant.ts'
import { routes } from '../../plugin.ts'
import { adminRoute, removeRoute } from '../context.ts'

const admin = adminRoute('admin: tenants')

const NumberRefs = Type.Array(Type.String({ minLength: 1 }), {
  description: "Phone numbers: Meta's phone_number_id or Wahub's id",
  maxItems: 1000,
})

const TenantFields = {
  enabled: Type.Optional(Type.Boolean()),
  whatsappEnabled: Type.Optional(Type.Boolean()),
  autoAssign: Type.Optional(
    Type.Boolean({
      description: "Round-robin assignment of conversations among the tenant's available agents",
    }),
  ),
  numbers: Type.Optional(NumberRefs),
  defaultNumber: Type.Optional(Nullable(Type.String({ minLength: 1 }))),
  callbackUrl: Type.Optional(Nullable(Type.String({ pattern: '^https?://', maxLength: 2000 }))),
}

export const adminTenantRoutes = routes(async (app, { handle: { db } }) => {
  app.get(
    '/tenants',
    admin({
      summary: 'List tenants',
      response: { 200: Type.Object({ tenants: Type.Array(TenantSchema) }) },
    }),
    async () => ({ tenants: (await listTenants(db)).map(presentTenant) }),
  )

  app.post(
    '/tenants',
    admin({
      summary: 'Add a tenant, optionally with numbers and a default number',
      body: Type.Object(
        { name: Type.String({ minLength: 1, maxLength: 100, examples: ['acme'] }), ...TenantFields },
        { additionalProperties: false },
      ),
      response: { 201: TenantSchema },
    }),
    async (req, reply) =>
      reply.code(201).send(presentTenant(await addTenantWithCallback(db, req.body, actorOfRequest(req)))),
  )

  app.get('/tenants/:id', admin.byId('One tenant', TenantSchema), async (req) =>
    presentTenant(await getTenant(db, req.params.id)),
  )

  app.patch(
    '/tenants/:id',
    admin({
      summary: 'Change a tenant: name, numbers, default number, enabled, WhatsApp on/off',
      params: IdParams,
      body: Type.Object(
        {
          name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
          ...TenantFields,
          numbers: Type.Optional(
            Type.Array(Type.String({ minLength: 1 }), {
              description:
                "Numbers to add (Meta's phone_number_id or Wahub's id); the tenant keeps its others. An empty list is refused (400 naming numbers): take numbers away with removeNumbers",
              maxItems: 1000,
            }),
          ),
          removeNumbers: Type.Optional(NumberRefs),
        },
        { additionalProperties: false },
      ),
      response: { 200: TenantSchema },
    }),
    async (req) =>
      presentTenant(await updateTenantWithCallback(db, req.params.id, req.body, actorOfRequest(req))),
  )

  removeRoute(
    app,
    admin,
    '/tenants/:id',
    'Remove a tenant (its numbers stay, unassigned)',
    (id, actor, options) => removeTenant(db, id, actor, options),
  )
})
