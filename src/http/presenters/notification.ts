import { Type } from 'typebox'
import type { Notification } from '../../inbox/notifications-repo.ts'
import { Millis, Nullable } from './schema-helpers.ts'

export const NotificationSchema = Type.Object({
  id: Type.String(),
  kind: Type.Literal('mention', { description: 'A teammate mentioned you in a note' }),
  conversationId: Type.String(),
  activityId: Nullable(Type.String()),
  noteBody: Nullable(Type.String()),
  byUserId: Nullable(Type.String()),
  readAt: Nullable(Millis),
  createdAt: Millis,
})

export function presentNotification(n: Notification) {
  return {
    id: n.id,
    kind: n.kind,
    conversationId: n.conversationId,
    activityId: n.activityId,
    noteBody: n.noteBody,
    byUserId: n.byUserId,
    readAt: n.readAt,
    createdAt: n.createdAt,
  }
}
