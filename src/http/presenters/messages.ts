import { Type } from 'typebox'
import type { MediaRow } from '../../inbox/media-repo.ts'
import type { MessageRow } from '../../inbox/messages-repo.ts'
import type { ReactionView } from '../../inbox/reactions-repo.ts'
import { Millis, Nullable } from './schema-helpers.ts'

// Every field of a message that leaves Wahub, in one place (the thread API, the message API,
// the dashboard). Content is Meta's message object as received or sent.

export const MessageErrorSchema = Type.Object({
  code: Type.Integer({ description: "Meta's error code" }),
  title: Nullable(Type.String()),
  details: Nullable(Type.String()),
  explanation: Nullable(Type.String({ description: 'What it means and what to do (Wahub catalogue)' })),
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
