import type { InboundMessage, WebhookContact } from '../cloud-api/webhook-types.ts'
import type { WebhookError } from '../cloud-api/wire-common.ts'
import { wireInteger, wireText } from '../cloud-api/wire-values.ts'
import type { Db } from '../db/connect.ts'
import {
  type ContactRow,
  changeContactNumber,
  contactChanges,
  mergedContact,
  upsertContact,
} from './contacts-repo.ts'
import { afterInboundMessage, inboundChangesWorkflow } from './conversation-workflow.ts'
import { conversationForInbound, touchConversation } from './conversations-repo.ts'
import { InboundBatch } from './inbound-batch.ts'
import { createInboundMedia, mediaTypes } from './media-repo.ts'
import { inboundRow, insertInbound } from './messages-repo.ts'
import { previewOf } from './preview.ts'
import { applyReaction } from './reactions-repo.ts'

// Places one inbound message in its tenant's inbox: contact (by wa_id or business-scoped user
// id), conversation and its 24-hour window, the message with its type-specific content and
// reply context, media (pending download), reactions on their target. Idempotent: a message
// already stored changes nothing, so replays and Meta's re-deliveries are harmless.
// The webhook job places a transaction's messages through one InboundBatch (inbound-batch.ts):
// contacts and conversations read together, the writes nothing reads back sent together.

type Obj = Record<string, unknown>
const s = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null)

export type InboundResult =
  | { kind: 'stored'; messageId: string; conversationId: string; inserted: boolean; type: string }
  | { kind: 'reaction'; conversationId: string }
  | { kind: 'skipped'; reason: string }

type InboundTarget = { tenantId: string; numberRowId: string }
type InboundInput = {
  message: InboundMessage
  contact: WebhookContact | undefined
  valueErrors: WebhookError[]
  at: number
}

/** The sender's keys as recordInbound reads them (InboundBatch.prefetch reads their contacts). */
export function senderOf(input: Pick<InboundInput, 'message' | 'contact'>): {
  waId: string | null
  userId: string | null
} {
  const m = input.message as InboundMessage & Obj
  return {
    waId: s(input.contact?.wa_id) ?? s(m.from),
    userId: s(input.contact?.user_id) ?? s(m.from_user_id),
  }
}

/**
 * Places one message. With `batch`, part of its writes wait for the batch's next flush (the
 * caller flushes before the transaction ends); without, they are written before this returns.
 */
export async function recordInbound(
  db: Db,
  target: InboundTarget,
  input: InboundInput,
  batch?: InboundBatch,
): Promise<InboundResult> {
  if (batch) return placeInbound(db, target, input, batch)
  const own = new InboundBatch()
  const result = await placeInbound(db, target, input, own)
  await own.flush(db)
  return result
}

async function placeInbound(
  db: Db,
  target: InboundTarget,
  input: InboundInput,
  batch: InboundBatch,
): Promise<InboundResult> {
  const m = input.message as InboundMessage & Obj
  const type = String(m.type)
  const sender = senderOf(input)
  let waId = sender.waId
  const userId = sender.userId
  if (!waId && !userId)
    return { kind: 'skipped', reason: `message ${m.id} has neither from nor from_user_id` }

  const system = type === 'system' ? (m.system as Obj | undefined) : undefined
  const systemType = s(system?.type)
  if (system && waId && (systemType === 'user_changed_number' || systemType === 'customer_changed_number')) {
    const newWaId = s(system.wa_id) ?? s(system.new_wa_id)
    if (newWaId && newWaId !== waId) {
      await batch.flush(db)
      batch.dropContacts()
      await changeContactNumber(db, target.tenantId, waId, newWaId)
      waId = newWaId
    }
  }

  const identity = { waId, userId, profileName: s(input.contact?.profile?.name) }
  // A known customer whose keys and name are unchanged (most messages): nothing to read or write.
  const known = batch.contactFor(target.tenantId, identity)
  let contact: ContactRow
  if (known && Object.keys(contactChanges(known, identity)).length === 0)
    contact = mergedContact(known, identity)
  else {
    await batch.flush(db)
    contact = await upsertContact(db, target.tenantId, identity, undefined, known)
    batch.dropContacts()
  }
  const conversation =
    batch.takeConversation(target.numberRowId, contact.id) ??
    (await conversationForInbound(db, target.tenantId, target.numberRowId, contact.id))
  const conversationId = conversation.id

  if (type === 'reaction') {
    await batch.flush(db)
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
  const row = {
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
  }
  let stored = batch.message(inboundRow(row))
  if (!stored) {
    await batch.flush(db)
    stored = await insertInbound(db, row)
  }
  if (!stored.inserted) return { kind: 'stored', messageId: stored.id, conversationId, inserted: false, type }
  batch.index({
    id: stored.id,
    tenantId: target.tenantId,
    conversationId,
    contactId: contact.id,
    content: m,
  })
  batch.touch(conversationId, {
    at: input.at,
    preview: previewOf(m),
    inbound: true,
    opensWindow: type !== 'system',
  })
  if (inboundChangesWorkflow(conversation)) {
    await batch.flush(db)
    await afterInboundMessage(db, conversation)
  }
  if (mediaTypes.includes(type)) {
    const media = (m[type] ?? {}) as Obj
    const mediaId = s(media.id)
    if (mediaId) {
      await batch.flush(db) // the media row refers to the message
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
  batch.link(target.numberRowId, String(m.id))
  batch.event({
    tenantId: target.tenantId,
    kind: 'message.received',
    subjectId: stored.id,
    payload: { messageId: stored.id, conversationId, type },
  })
  return { kind: 'stored', messageId: stored.id, conversationId, inserted: true, type }
}
