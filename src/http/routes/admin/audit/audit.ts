import { Type } from 'typebox'
import { listAudit } from '../../../../channels/audit-repo.ts'
import { commonErrors, Millis, Nullable } from '../../../presenters/schema-helpers.ts'
import { routes } from '../../plugin.ts'

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

export const adminAuditRoutes = routes(async (app, deps) => {
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
})
