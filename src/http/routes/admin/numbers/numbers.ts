import { Type } from 'typebox'
import {
  addNumber,
  getNumber,
  listNumbers,
  refreshNumber,
  removeNumber,
} from '../../../../channels/numbers.ts'
import { deregisterNumber, registerNumber } from '../../../../channels/phone-registration.ts'
import { getWaba } from '../../../../channels/wabas.ts'
import { actorOfRequest } from '../../../auth.ts'
import { NumberSchema, presentNumber } from '../../../presenters/number.ts'
import { IdParams } from '../../../presenters/schema-helpers.ts'
import { adminRoute, channelRoutes, removeRoute } from '../context.ts'

const admin = adminRoute('admin: numbers')

export const adminNumberRoutes = channelRoutes(async (app, ctx) => {
  app.get(
    '/numbers',
    admin({
      summary: 'List phone numbers',
      querystring: Type.Object({
        tenantId: Type.Optional(Type.String()),
        wabaId: Type.Optional(Type.String({ description: "Meta's WABA id or Wahub's" })),
        unassigned: Type.Optional(Type.Boolean()),
      }),
      response: { 200: Type.Object({ numbers: Type.Array(NumberSchema) }) },
    }),
    async (req) => {
      const wabaRowId = req.query.wabaId ? (await getWaba(ctx.db, req.query.wabaId)).id : undefined
      const numbers = await listNumbers(ctx.db, {
        tenantId: req.query.tenantId,
        wabaRowId,
        unassigned: req.query.unassigned,
      })
      return { numbers: numbers.map(presentNumber) }
    },
  )

  app.post(
    '/numbers',
    admin({
      summary: 'Add one phone number by id (it must belong to the WABA)',
      body: Type.Object(
        {
          phoneNumberId: Type.String({ pattern: '^\\d{5,25}$', examples: ['110000000000001'] }),
          wabaId: Type.String({ minLength: 1, examples: ['100000000000001'] }),
        },
        { additionalProperties: false },
      ),
      response: { 201: NumberSchema },
    }),
    async (req, reply) =>
      reply.code(201).send(presentNumber(await addNumber(ctx, req.body, actorOfRequest(req)))),
  )

  app.get('/numbers/:id', admin.byId('One phone number', NumberSchema), async (req) =>
    presentNumber(await getNumber(ctx.db, req.params.id)),
  )

  app.post('/numbers/:id/refresh', admin.byId('Refresh the number from Graph', NumberSchema), async (req) =>
    presentNumber(await refreshNumber(ctx, req.params.id)),
  )

  app.post(
    '/numbers/:id/register',
    admin({
      summary: 'Register the number for the Cloud API with its two-step PIN',
      description: 'A wrong PIN is answered with meta_error and Meta code 133005, explained.',
      params: IdParams,
      body: Type.Object(
        { pin: Type.String({ pattern: '^\\d{6}$', examples: ['123456'] }) },
        { additionalProperties: false },
      ),
      response: { 200: NumberSchema },
    }),
    async (req) => presentNumber(await registerNumber(ctx, req.params.id, req.body.pin, actorOfRequest(req))),
  )

  app.post('/numbers/:id/deregister', admin.byId('Deregister the number', NumberSchema), async (req) =>
    presentNumber(await deregisterNumber(ctx, req.params.id, actorOfRequest(req))),
  )

  removeRoute(app, admin, '/numbers/:id', 'Remove a phone number', (id, actor, options) =>
    removeNumber(ctx, id, actor, options),
  )
})
