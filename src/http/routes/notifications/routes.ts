import type { FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import { WahubError } from '../../../errors.ts'
import { listNotifications, markNotificationsRead } from '../../../inbox/notifications-repo.ts'
import { principalOf } from '../../auth.ts'
import { NotificationSchema, presentNotification } from '../../presenters/notification.ts'
import { commonErrors, IdParams, NoContent } from '../../presenters/schema-helpers.ts'
import { routes } from '../plugin.ts'

// The signed-in agent's own notifications (mentions in notes).

const tags = ['inbox']
const own = { access: { scope: 'read' } } as const

function userOf(req: FastifyRequest): string {
  const principal = principalOf(req)
  if (principal.kind !== 'user') {
    throw new WahubError('forbidden', 'Notifications belong to a signed-in agent, not to an API key.')
  }
  return principal.id
}

export const notificationRoutes = routes(async (app, { handle: { db } }) => {
  app.get(
    '/notifications',
    {
      config: own,
      schema: {
        tags,
        summary: "The signed-in agent's notifications, newest first, with the unread count",
        querystring: Type.Object({
          unread: Type.Optional(Type.Boolean()),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
        }),
        response: {
          200: Type.Object({ notifications: Type.Array(NotificationSchema), unread: Type.Integer() }),
          ...commonErrors,
        },
      },
    },
    async (req) => {
      const page = await listNotifications(db, userOf(req), {
        unread: req.query.unread,
        limit: req.query.limit ?? 50,
      })
      return { notifications: page.notifications.map(presentNotification), unread: page.unread }
    },
  )

  app.post(
    '/notifications/:id/read',
    {
      config: own,
      schema: {
        tags,
        summary: 'Mark one notification read',
        params: IdParams,
        response: { 204: NoContent, ...commonErrors },
      },
    },
    async (req, reply) => {
      if (!(await markNotificationsRead(db, userOf(req), req.params.id))) {
        throw new WahubError('not_found', `No notification ${req.params.id}.`)
      }
      return reply.code(204).send(null)
    },
  )

  app.post(
    '/notifications/read',
    {
      config: own,
      schema: {
        tags,
        summary: 'Mark every notification read',
        response: { 204: NoContent, ...commonErrors },
      },
    },
    async (req, reply) => {
      await markNotificationsRead(db, userOf(req))
      return reply.code(204).send(null)
    },
  )
})
