import type { InboundMessage, WebhookContact } from '../cloud-api/webhook-types.ts'
import type { WebhookError } from '../cloud-api/wire-common.ts'
import { wireInteger, wireText } from '../cloud-api/wire-values.ts'
import type { Db } from '../db/connect.ts'
import { recordEvent } from '../events/events-repo.ts'
import { changeContactNumber, upsertContact } from './contacts-repo.ts'
import { afterInboundMessage } from './conversation-workflow.ts'
import { conversationForInbound, touchConversation } from './conversations-repo.ts'
import { createInboundMedia, mediaTypes } from './media-repo.ts'
import { insertInbound } from './messages-repo.ts'
import { previewOf } from './preview.ts'
import { applyReaction, linkReactions } from './reactions-repo.ts'
import { indexMessage } from './search-repo.ts'

// Places one inbound message in its tenant's inbox: contact (by wa_id or business-scoped user
// id), conversation and its 24-hour window, the message with its type-specific content and
// reply context, media (pending download), reactions on their target. Idempotent: a message
// already stored changes nothing, so replays and Meta's re-deliveries are harmless.

type Obj = Record<string, unknown>
const s = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null)

export type InboundResult =
  | { kind: 'stored'; messageId: string; conversationId: string; inserted: boolean; type: string }
  | { kind: 'reaction'; conversationId: string }
  | { kind: 'skipped'; reason: string }

export async function recordInbound(
  db: Db,
  target: { tenantId: string; numberRowId: string },
  input: {
    message: InboundMessage
    contact: WebhookContact | undefined
    valueErrors: WebhookError[]
    at: number
  },
): Promise<InboundResult> {
  const m = input.message as InboundMessage & Obj
  const type = String(m.type)
  let waId = s(input.contact?.wa_id) ?? s(m.from)
  const userId = s(input.contact?.user_id) ?? s(m.from_user_id)
  if (!waId && !userId)
    return { kind: 'skipped', reason: `message ${m.id} has neither from nor from_user_id` }

  const system = type === 'system' ? (m.system as Obj | undefined) : undefined
  const systemType = s(system?.type)
  if (system && waId && (systemType === 'user_changed_number' || systemType === 'customer_changed_number')) {
    const newWaId = s(system.wa_id) ?? s(system.new_wa_id)
    if (newWaId && newWaId !== waId) {
      await changeContactNumber(db, target.tenantId, waId, newWaId)
      waId = newWaId
    }
  }

  const contact = await upsertContact(db, target.tenantId, {
    waId,
    userId,
    profileName: s(input.contact?.profile?.name),
  })
  const conversation = await conversationForInbound(db, target.tenantId, target.numberRowId, contact.id)
  const conversationId = conversation.id

  if (type === 'reaction') {
    const reaction = (m.reaction ?? {}) as Obj
    const targetWamid = s(reaction.message_id)
    if (!targetWamid) return { kind: 'skipped', reason: `reaction ${m.id} names no message` }
    await applyReaction(db, {
      tenantId: target.tenantId,
      numberRowId: target.numberRowId,
      targetWamid,
      fromContactId: contact.id,
      direction: 'in',
      emoji: s(reaction.emoji) ?? '', // Meta omits emoji on removal
      wamid: String(m.id),
      at: input.at,
    })
    // A reaction is a customer action: it keeps the customer-service window open.
    await touchConversation(db, conversationId, {
      at: input.at,
      preview: previewOf(m),
      inbound: false,
      opensWindow: true,
    })
    return { kind: 'reaction', conversationId }
  }

  const errors = (Array.isArray(m.errors) ? (m.errors as WebhookError[]) : []).concat(input.valueErrors)
  const context = m.context as Obj | undefined
  const stored = await insertInbound(db, {
    tenantId: target.tenantId,
    conversationId,
    numberRowId: target.numberRowId,
    contactId: contact.id,
    type,
    content: m,
    wamid: String(m.id),
    metaTimestamp: input.at,
    contextWamid: s(context?.id),
    errorCode: wireInteger(errors[0]?.code),
    errorTitle: wireText(errors[0]?.title),
    errorDetails: wireText(errors[0]?.error_data?.details),
  })
  if (!stored.inserted) return { kind: 'stored', messageId: stored.id, conversationId, inserted: false, type }
  await indexMessage(db, {
    id: stored.id,
    tenantId: target.tenantId,
    conversationId,
    contactId: contact.id,
    content: m,
  })

  await touchConversation(db, conversationId, {
    at: input.at,
    preview: previewOf(m),
    inbound: true,
    opensWindow: type !== 'system',
  })
  await afterInboundMessage(db, conversation)
  if (mediaTypes.includes(type)) {
    const media = (m[type] ?? {}) as Obj
    const mediaId = s(media.id)
    if (mediaId) {
      await createInboundMedia(db, {
        tenantId: target.tenantId,
        messageId: stored.id,
        numberRowId: target.numberRowId,
        metaMediaId: mediaId,
        mimeType: s(media.mime_type),
        sha256: s(media.sha256),
        filename: s(media.filename),
      })
    }
  }
  await linkReactions(db, target.numberRowId, String(m.id), stored.id)
  await recordEvent(db, {
    tenantId: target.tenantId,
    kind: 'message.received',
    subjectId: stored.id,
    payload: { messageId: stored.id, conversationId, type },
  })
  return { kind: 'stored', messageId: stored.id, conversationId, inserted: true, type }
}
