import { Type } from 'typebox'
import { addApp, listApps, removeApp } from '../../../../channels/apps.ts'
import { actorOfRequest } from '../../../auth.ts'
import { AddAppResultSchema, AppSchema, presentAddApp, presentApp } from '../../../presenters/app.ts'
import { IdParams, NoContent } from '../../../presenters/schema-helpers.ts'
import { adminRoute, channelRoutes, localUrlOf } from '../context.ts'

const admin = adminRoute('admin: apps')

export const adminAppRoutes = channelRoutes(async (app, ctx, deps) => {
  app.get(
    '/apps',
    admin({
      summary: 'List Meta apps',
      response: { 200: Type.Object({ apps: Type.Array(AppSchema) }) },
    }),
    async () => ({ apps: (await listApps(ctx.db, ctx.vault)).map(presentApp) }),
  )

  app.post(
    '/apps',
    admin({
      summary: 'Add a Meta app (or replace its secret)',
      description:
        'Answers the callback URL and, when generated or given now, the verify token to paste into the App Dashboard. The verify token is never shown again.',
      body: Type.Object(
        {
          appId: Type.String({ pattern: '^\\d{5,25}$', examples: ['900000000000001'] }),
          appSecret: Type.String({
            minLength: 8,
            maxLength: 256,
            examples: ['0123456789abcdef0123456789abcdef'],
          }),
          verifyToken: Type.Optional(Type.String({ minLength: 8, maxLength: 256 })),
          name: Type.Optional(Type.String({ maxLength: 200 })),
        },
        { additionalProperties: false },
      ),
      response: { 200: AddAppResultSchema, 201: AddAppResultSchema },
    }),
    async (req, reply) => {
      const result = await addApp(ctx, req.body, actorOfRequest(req), localUrlOf(req))
      deps.secrets.invalidate() // the webhook receiver checks signatures with the new secret at once
      return reply.code(result.created ? 201 : 200).send(presentAddApp(result))
    },
  )

  app.delete(
    '/apps/:id',
    admin({
      summary: 'Remove a Meta app',
      params: IdParams,
      response: { 204: NoContent },
    }),
    async (req, reply) => {
      await removeApp(ctx, req.params.id, actorOfRequest(req))
      deps.secrets.invalidate()
      return reply.code(204).send(null)
    },
  )
})
