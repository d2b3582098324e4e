import { Type } from 'typebox'
import type { Activity } from '../../inbox/activity-repo.ts'
import { Millis, Nullable } from './schema-helpers.ts'

// A line of a conversation's activity: a status change, an assignment, labels, a private note.

export const ActivitySchema = Type.Object({
  id: Type.String(),
  conversationId: Type.String(),
  kind: Type.Union([
    Type.Literal('status'),
    Type.Literal('assigned'),
    Type.Literal('note'),
    Type.Literal('labels'),
  ]),
  actor: Type.String({
    description: "'user:<id>', 'api_key:<id>' or 'system' (an inbound message, round robin)",
  }),
  actorUserId: Nullable(Type.String()),
  body: Nullable(Type.String({ description: "A note's text (never sent to WhatsApp)" })),
  data: Type.Record(Type.String(), Type.Unknown(), {
    description:
      'status: {status, previous, reason}; assigned: {assigneeUserId, previous, reason}; note: {mentions}; labels: {added, removed}',
  }),
  createdAt: Millis,
})

export function presentActivity(a: Activity) {
  return {
    id: a.id,
    conversationId: a.conversationId,
    kind: a.kind,
    actor: a.actor,
    actorUserId: a.actorUserId,
    body: a.body,
    data: a.data,
    createdAt: a.createdAt,
  }
}
