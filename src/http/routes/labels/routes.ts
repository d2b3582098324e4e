import { Type } from 'typebox'
import { createLabel, listLabels, removeLabel, updateLabel } from '../../../inbox/labels-repo.ts'
import { LabelSchema } from '../../presenters/label.ts'
import { commonErrors, IdParams, NoContent } from '../../presenters/schema-helpers.ts'
import { TenantQuery, tenantOf } from '../../tenant-scope.ts'
import { routes } from '../plugin.ts'

// A tenant's labels, managed by its agents and keys (and operators, naming the tenant).

const tags = ['inbox']
const read = { access: { scope: 'read', tenant: 'any' } } as const
const write = { access: { scope: 'send', tenant: 'any' } } as const
const Name = Type.String({ minLength: 1, maxLength: 50, examples: ['VIP'] })
const Color = Type.String({
  pattern: '^#[0-9a-fA-F]{6}$',
  description: 'Like #1e88e5',
  examples: ['#1e88e5'],
})

export const labelRoutes = routes(async (app, { handle: { db } }) => {
  app.get(
    '/labels',
    {
      config: read,
      schema: {
        tags,
        summary: "The tenant's labels",
        querystring: TenantQuery,
        response: { 200: Type.Object({ labels: Type.Array(LabelSchema) }), ...commonErrors },
      },
    },
    async (req) => ({ labels: await listLabels(db, tenantOf(req, req.query.tenant_id)) }),
  )

  app.post(
    '/labels',
    {
      config: write,
      schema: {
        tags,
        summary: 'Create a label',
        querystring: TenantQuery,
        body: Type.Object({ name: Name, color: Color }, { additionalProperties: false }),
        response: { 201: LabelSchema, ...commonErrors },
      },
    },
    async (req, reply) => {
      reply.code(201)
      return createLabel(db, tenantOf(req, req.query.tenant_id), req.body)
    },
  )

  app.patch(
    '/labels/:id',
    {
      config: write,
      schema: {
        tags,
        summary: 'Rename or recolour a label (by id or name)',
        params: IdParams,
        querystring: TenantQuery,
        body: Type.Object(
          { name: Type.Optional(Name), color: Type.Optional(Color) },
          { additionalProperties: false },
        ),
        response: { 200: LabelSchema, ...commonErrors },
      },
    },
    async (req) => updateLabel(db, tenantOf(req, req.query.tenant_id), req.params.id, req.body),
  )

  app.delete(
    '/labels/:id',
    {
      config: write,
      schema: {
        tags,
        summary: 'Remove a label (by id or name); it comes off every conversation',
        params: IdParams,
        querystring: TenantQuery,
        response: { 204: NoContent, ...commonErrors },
      },
    },
    async (req, reply) => {
      await removeLabel(db, tenantOf(req, req.query.tenant_id), req.params.id)
      return reply.code(204).send(null)
    },
  )
})
