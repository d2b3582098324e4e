import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyPluginAsync } from 'fastify'
import { Type } from 'typebox'
import { listAudit } from '../../../../channels/audit-repo.ts'
import type { AppDeps } from '../../../app.ts'
import { commonErrors, Millis, Nullable } from '../../../presenters/schema-helpers.ts'

const admin = { access: { scope: 'admin' } } as const

const AuditSchema = Type.Object({
  id: Type.String(),
  at: Millis,
  actor: Type.String(),
  action: Type.String(),
  targetType: Nullable(Type.String()),
  targetId: Nullable(Type.String()),
  tenantId: Nullable(Type.String()),
  details: Nullable(Type.Record(Type.String(), Type.Unknown())),
})

export const adminAuditRoutes: FastifyPluginAsync<AppDeps> = async (base, deps) => {
  const app = base.withTypeProvider<TypeBoxTypeProvider>()
  app.get(
    '/audit',
    {
      config: admin,
      schema: {
        tags: ['admin: audit'],
        summary: 'Admin actions, newest first',
        querystring: Type.Object({
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
          before: Type.Optional(Type.String({ description: 'An audit id: entries older than it' })),
          tenantId: Type.Optional(Type.String()),
        }),
        response: { 200: Type.Object({ entries: Type.Array(AuditSchema) }), ...commonErrors },
      },
    },
    async (req) => ({ entries: await listAudit(deps.handle.db, req.query) }),
  )
}
