import { Type } from 'typebox'
import { explainMetaError } from '../../cloud-api/error-catalogue.ts'
import type { MediaRow } from '../../inbox/media-repo.ts'
import type { MessageRow } from '../../inbox/messages-repo.ts'
import type { ReactionView } from '../../inbox/reactions-repo.ts'
import type { MessageDetail } from '../../messaging/message-view.ts'
import type { QueuedMessage } from '../../messaging/send-service.ts'
import { Millis, Nullable } from './schema-helpers.ts'

// Every field of a message that leaves Wahub, in one place (the thread API, the message API,
// the dashboard). Content is Meta's message object as received or sent.

export const MessageErrorSchema = Type.Object({
  code: Type.Integer({ description: "Meta's error code" }),
  title: Nullable(Type.String()),
  details: Nullable(Type.String()),
  explanation: Nullable(Type.String({ description: 'What it means and what to do (Wahub catalogue)' })),
  fix: Type.Optional(Nullable(Type.String({ description: 'What to do about it (Wahub catalogue)' }))),
})

export const MessageMediaSchema = Type.Object({
  id: Type.String(),
  state: Type.Union([Type.Literal('pending'), Type.Literal('ready'), Type.Literal('failed')]),
  mimeType: Nullable(Type.String()),
  size: Nullable(Type.Integer()),
  filename: Nullable(Type.String()),
  error: Nullable(Type.String()),
  url: Nullable(Type.String({ description: 'GET it with the same credentials once ready' })),
})

export const MessageSchema = Type.Object({
  id: Type.String(),
  conversationId: Type.String(),
  direction: Type.Union([Type.Literal('in'), Type.Literal('out')]),
  type: Type.String(),
  content: Type.Unknown({ description: "Meta's message object" }),
  wamid: Nullable(Type.String()),
  status: Type.String({
    description: 'received (inbound) | queued | sending | sent | delivered | read | failed | unknown',
  }),
  statusAt: Millis,
  replyTo: Nullable(Type.String({ description: 'wamid of the message this one replies to' })),
  error: Nullable(MessageErrorSchema),
  pricing: Nullable(
    Type.Object({
      model: Nullable(Type.String()),
      category: Nullable(Type.String()),
      type: Nullable(Type.String()),
      billable: Nullable(Type.Boolean()),
    }),
  ),
  reactions: Type.Array(Type.Object({ emoji: Type.String(), direction: Type.String(), at: Millis })),
  media: Nullable(MessageMediaSchema),
  createdAt: Millis,
})

export type MessageView = ReturnType<typeof presentMessage>

export function presentMessage(
  row: MessageRow,
  extra: { reactions?: ReactionView[]; media?: MediaRow } = {},
) {
  const media = extra.media
  return {
    id: row.id,
    conversationId: row.conversation_id,
    direction: row.direction,
    type: row.type,
    content: JSON.parse(row.content) as unknown,
    wamid: row.wamid,
    status: row.status,
    statusAt: row.status_at,
    replyTo: row.context_wamid,
    error:
      row.error_code === null
        ? null
        : {
            code: row.error_code,
            title: row.error_title,
            details: row.error_details,
            explanation: row.error_explanation,
            fix: explainMetaError(row.error_code).fix,
          },
    pricing:
      row.pricing_model === null && row.pricing_category === null
        ? null
        : {
            model: row.pricing_model,
            category: row.pricing_category,
            type: row.pricing_type,
            billable: row.billable === null ? null : row.billable === 1,
          },
    reactions: extra.reactions ?? [],
    media: media
      ? {
          id: media.id,
          state: media.state,
          mimeType: media.mime_type,
          size: media.size_bytes,
          filename: media.filename,
          error: media.error,
          url: media.state === 'ready' ? `/api/v1/media/${media.id}` : null,
        }
      : null,
    createdAt: row.created_at,
  }
}

// --- Sending (issue 6): the answer to a send, the full view of one message, an upload. ---

export const SendAnswerSchema = Type.Object({
  id: Type.String({ description: "Wahub's message id: GET /api/v1/messages/{id}" }),
  status: Type.String({ description: 'queued, then (with ?wait) sending | sent | failed | unknown' }),
  from: Type.String({ description: "Meta's phone_number_id the message leaves from" }),
  to: Type.String({
    description: "The recipient in Meta's form (digits only), or a business-scoped user id",
  }),
  type: Type.String(),
  wamid: Nullable(Type.String({ description: "Meta's message id, once Meta accepted it" })),
  error: Nullable(MessageErrorSchema),
  statusReason: Nullable(Type.String()),
  createdAt: Millis,
})

export function presentSendAnswer(
  queued: QueuedMessage,
  now?: {
    status: string
    wamid: string | null
    error: ReturnType<typeof presentMessage>['error']
    statusReason: string | null
  },
) {
  return {
    id: queued.id,
    status: now?.status ?? queued.status,
    from: queued.from,
    to: queued.to,
    type: queued.type,
    wamid: now?.wamid ?? null,
    error: now?.error ?? null,
    statusReason: now?.statusReason ?? null,
    createdAt: queued.createdAt,
  }
}

export const HistoryEntrySchema = Type.Object({
  status: Type.String({
    description:
      "wahub: queued, sending, sent (Meta accepted it), throttled, retrying, unknown, failed, requeued; meta: Meta's status webhooks sent, delivered, read, failed",
  }),
  at: Millis,
  source: Type.Union([Type.Literal('wahub'), Type.Literal('meta')]),
  detail: Nullable(Type.Unknown()),
})

export const MessageDetailSchema = Type.Object({
  ...MessageSchema.properties,
  from: Nullable(
    Type.String({ description: "Sender: Meta's phone_number_id (outbound) or the customer's wa_id" }),
  ),
  to: Nullable(Type.String()),
  history: Type.Array(HistoryEntrySchema),
  statusReason: Nullable(Type.String({ description: 'What the current status means when it is not final' })),
  actions: Type.Array(
    Type.Object({
      name: Type.String(),
      method: Type.String(),
      href: Type.String(),
      description: Type.String(),
    }),
  ),
})

export function presentMessageDetail(d: MessageDetail) {
  return {
    ...presentMessage(d.row, { reactions: d.reactions, media: d.media }),
    from: d.from,
    to: d.to,
    history: d.history,
    statusReason: d.statusReason,
    actions: d.retryable
      ? [
          {
            name: 'retry',
            method: 'POST',
            href: `/api/v1/messages/${d.row.id}/retry`,
            description:
              d.row.status === 'unknown'
                ? 'Send it again: Meta may already have delivered it, so the customer may get it twice.'
                : 'Send it again once the cause of the failure is fixed.',
          },
        ]
      : [],
  }
}
