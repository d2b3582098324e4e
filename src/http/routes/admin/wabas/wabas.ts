import { Type } from 'typebox'
import { importNumbers, refreshNumbers } from '../../../../channels/numbers.ts'
import {
  addWaba,
  checkReplacementToken,
  getWaba,
  listWabas,
  removeWaba,
  replaceWabaToken,
} from '../../../../channels/wabas.ts'
import { webhookSubscribe } from '../../../../channels/webhook-config.ts'
import { syncTemplates } from '../../../../templates/sync.ts'
import { actorOfRequest } from '../../../auth.ts'
import { ImportResultSchema, presentImport } from '../../../presenters/number.ts'
import { IdParams } from '../../../presenters/schema-helpers.ts'
import {
  presentTokenCheck,
  presentTokenInfo,
  TokenCheckSchema,
  TokenInfoSchema,
} from '../../../presenters/token-info.ts'
import { presentWaba, WabaSchema } from '../../../presenters/waba.ts'
import { presentWebhookStatus, WebhookStatusSchema } from '../../../presenters/webhook-status.ts'
import { adminRoute, channelRoutes, localUrlOf, removeRoute } from '../context.ts'

const admin = adminRoute('admin: WABAs')

const AddWabaResult = Type.Object({ waba: WabaSchema, created: Type.Boolean(), token: TokenInfoSchema })
const TokenField = Type.String({ minLength: 16, maxLength: 2048, examples: ['EAAW-emulator-valid-token'] })
const AcceptTemporary = Type.Optional(
  Type.Boolean({
    description:
      'Take a temporary (expiring) token even though the WABA has numbers in production (refused with token_temporary otherwise)',
  }),
)
const TokenBody = Type.Object(
  { token: TokenField, acceptTemporary: AcceptTemporary },
  { additionalProperties: false },
)
const CheckBody = Type.Object({ token: TokenField }, { additionalProperties: false })

export const adminWabaRoutes = channelRoutes(async (app, ctx) => {
  app.get(
    '/wabas',
    admin({
      summary: 'List WABAs',
      response: { 200: Type.Object({ wabas: Type.Array(WabaSchema) }) },
    }),
    async () => ({ wabas: (await listWabas(ctx.db)).map(presentWaba) }),
  )

  app.post(
    '/wabas',
    admin({
      summary: 'Add a WABA (or replace its token)',
      description:
        'The token is checked against Graph first: a token Meta refuses (190 invalid or expired, 10/200 missing permission) is not saved, and the answer says how to fix it. Adding a WABA that exists replaces its token; sends use the new token from their next request.',
      body: Type.Object(
        {
          wabaId: Type.String({ pattern: '^\\d{5,25}$', examples: ['100000000000001'] }),
          token: TokenField,
          acceptTemporary: AcceptTemporary,
          appId: Type.Optional(Type.String({ description: "Meta's app id or Wahub's app id" })),
          apiVersion: Type.Optional(Type.String({ pattern: '^v\\d+\\.\\d+$' })),
          graphUrl: Type.Optional(Type.String({ pattern: '^https?://' })),
          name: Type.Optional(Type.String({ maxLength: 200 })),
          tenantId: Type.Optional(Type.String({ description: 'A tenant that brought its own WABA' })),
        },
        { additionalProperties: false },
      ),
      response: { 200: AddWabaResult, 201: AddWabaResult },
    }),
    async (req, reply) => {
      const { tenantId, ...rest } = req.body
      const r = await addWaba(ctx, { ...rest, tenant: tenantId }, actorOfRequest(req))
      return reply
        .code(r.created ? 201 : 200)
        .send({ waba: presentWaba(r.waba), created: r.created, token: presentTokenInfo(r.token) })
    },
  )

  app.get(
    '/wabas/:id',
    admin({ summary: 'One WABA', params: IdParams, response: { 200: WabaSchema } }),
    async (req) => presentWaba(await getWaba(ctx.db, req.params.id)),
  )

  app.put(
    '/wabas/:id/token',
    admin({
      summary: "Replace a WABA's access token",
      description:
        'Checked against Graph first; takes effect for the next send on every instance, without a restart.',
      params: IdParams,
      body: TokenBody,
      response: { 200: AddWabaResult },
    }),
    async (req) => {
      const r = await replaceWabaToken(ctx, req.params.id, req.body.token, actorOfRequest(req), {
        acceptTemporary: req.body.acceptTemporary,
      })
      return { waba: presentWaba(r.waba), created: r.created, token: presentTokenInfo(r.token) }
    },
  )

  app.post(
    '/wabas/:id/token/check',
    admin({
      summary: "Check a new token before it replaces the WABA's (nothing is saved)",
      description:
        "debug_token's type, expiry, permissions and the WABAs the token reaches, a read of the WABA with it, and the refusal saving it would give (a temporary token for a WABA with numbers in production). Meta refusing the token is 422 token_invalid.",
      params: IdParams,
      body: CheckBody,
      response: { 200: TokenCheckSchema },
    }),
    async (req) => presentTokenCheck(await checkReplacementToken(ctx, req.params.id, req.body.token)),
  )

  removeRoute(
    app,
    admin,
    '/wabas/:id',
    'Remove a WABA with its numbers and templates',
    (id, actor, options) => removeWaba(ctx, id, actor, options),
  )

  app.post(
    '/wabas/:id/numbers/import',
    admin.byId('Import every number of the WABA from Graph', ImportResultSchema),
    async (req) => presentImport(await importNumbers(ctx, req.params.id, actorOfRequest(req))),
  )

  app.post(
    '/wabas/:id/numbers/refresh',
    admin.byId(
      "Refresh the WABA's numbers (quality, messaging limit, throughput) from Graph",
      ImportResultSchema,
    ),
    async (req) => {
      const { results } = await refreshNumbers(ctx, { waba: req.params.id })
      return presentImport(results[0])
    },
  )

  app.post(
    '/wabas/:id/webhook/subscribe',
    admin.byId('Subscribe the app to the WABA (also removes a WABA-level override)', WebhookStatusSchema),
    async (req) =>
      presentWebhookStatus(await webhookSubscribe(ctx, req.params.id, actorOfRequest(req), localUrlOf(req))),
  )

  app.post(
    '/wabas/:id/templates/sync',
    admin({
      summary: "Sync the WABA's templates from Graph",
      params: IdParams,
      response: {
        200: Type.Object({
          wabaId: Type.String(),
          synced: Type.Integer(),
          deleted: Type.Integer(),
          byStatus: Type.Record(Type.String(), Type.Integer()),
        }),
      },
    }),
    async (req) => syncTemplates(ctx, req.params.id, actorOfRequest(req)),
  )
})
