import { Type } from 'typebox'
import { createApiKey, listApiKeys, revokeApiKey } from '../../../../accounts/api-keys.ts'
import { actorOfRequest } from '../../../auth.ts'
import { ApiKeySchema, presentApiKey } from '../../../presenters/api-key.ts'
import { routes } from '../../plugin.ts'
import { adminRoute } from '../context.ts'

const admin = adminRoute('admin: API keys')

export const adminApiKeyRoutes = routes(async (app, { handle: { db } }) => {
  app.get(
    '/api-keys',
    admin({
      summary: 'List API keys (never the keys themselves)',
      querystring: Type.Object({
        tenantId: Type.Optional(Type.String()),
        includeRevoked: Type.Optional(Type.Boolean()),
      }),
      response: { 200: Type.Object({ apiKeys: Type.Array(ApiKeySchema) }) },
    }),
    async (req) => ({ apiKeys: (await listApiKeys(db, req.query)).map(presentApiKey) }),
  )

  app.post(
    '/api-keys',
    admin({
      summary: 'Create an API key: a tenant key (send, read) or, without tenantId, an operator key (admin)',
      description: 'The key is in this answer only; Wahub keeps a hash of it.',
      body: Type.Object(
        {
          tenantId: Type.Optional(Type.String({ minLength: 1, description: 'Tenant id or name' })),
          scopes: Type.Optional(
            Type.Array(Type.Union([Type.Literal('send'), Type.Literal('read'), Type.Literal('admin')]), {
              minItems: 1,
              maxItems: 3,
            }),
          ),
          name: Type.Optional(Type.String({ maxLength: 200 })),
        },
        { additionalProperties: false },
      ),
      response: {
        201: Type.Object({ key: Type.String({ description: 'wh_…: shown once' }), apiKey: ApiKeySchema }),
      },
    }),
    async (req, reply) => {
      const { tenantId, ...rest } = req.body
      const r = await createApiKey(db, { ...rest, tenant: tenantId }, actorOfRequest(req))
      return reply.code(201).send({ key: r.key, apiKey: presentApiKey(r.apiKey) })
    },
  )

  app.delete(
    '/api-keys/:id',
    admin.byId('Revoke an API key (at once, on every instance)', ApiKeySchema),
    async (req) => presentApiKey(await revokeApiKey(db, req.params.id, actorOfRequest(req))),
  )
})
