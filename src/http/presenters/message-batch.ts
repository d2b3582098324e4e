import { Type } from 'typebox'
import type { QueuedMessage } from '../../messaging/send-service.ts'
import { Millis, Nullable } from './schema-helpers.ts'

// Every field of a bulk send's answer (POST /api/v1/messages/batch): one result per element,
// in order, queued or refused.

const QueuedItemSchema = Type.Object({
  index: Type.Integer({ description: 'Position in `messages`' }),
  ok: Type.Literal(true),
  id: Type.String({ description: "Wahub's message id: GET /api/v1/messages/{id}" }),
  status: Type.String({ description: 'queued' }),
  from: Type.String({ description: "Meta's phone_number_id the message leaves from" }),
  to: Type.String({ description: "The recipient in Meta's form, or a business-scoped user id" }),
  type: Type.String(),
  createdAt: Millis,
  replayed: Type.Boolean({ description: 'True when its idempotency key had been answered before' }),
})

const RefusedItemSchema = Type.Object({
  index: Type.Integer({ description: 'Position in `messages`' }),
  ok: Type.Literal(false),
  field: Nullable(Type.String({ description: 'The field to fix, e.g. messages[3].to' })),
  error: Type.Object({
    code: Type.String(),
    message: Type.String(),
    fix: Type.String(),
    details: Type.Optional(Type.Unknown()),
  }),
})

export const BatchResultSchema = Type.Object({
  queued: Type.Integer({ description: 'Elements queued (or replayed)' }),
  refused: Type.Integer({ description: 'Elements refused: nothing written for them' }),
  results: Type.Array(Type.Union([QueuedItemSchema, RefusedItemSchema])),
})

export type BatchItemResult =
  | {
      index: number
      ok: true
      id: string
      status: string
      from: string
      to: string
      type: string
      createdAt: number
      replayed: boolean
    }
  | {
      index: number
      ok: false
      field: string | null
      error: { code: string; message: string; fix: string; details?: unknown }
    }

export function presentBatchQueued(index: number, q: QueuedMessage, replayed: boolean): BatchItemResult {
  return {
    index,
    ok: true,
    id: q.id,
    status: q.status,
    from: q.from,
    to: q.to,
    type: q.type,
    createdAt: q.createdAt,
    replayed,
  }
}

export function presentBatchError(
  index: number,
  error: { code: string; message: string; fix: string; details?: unknown },
  field: string | undefined,
): BatchItemResult {
  return {
    index,
    ok: false,
    field: field ?? null,
    error: {
      code: error.code,
      message: error.message,
      fix: error.fix,
      ...(error.details !== undefined ? { details: error.details } : {}),
    },
  }
}
