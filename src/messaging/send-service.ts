import { resolveSenderNumber } from '../channels/sender.ts'
import { tenantById } from '../channels/tenants-repo.ts'
import type { Db } from '../db/connect.ts'
import { WahubError } from '../errors.ts'
import { upsertContact } from '../inbox/contacts-repo.ts'
import { getOrCreateConversation, touchConversation } from '../inbox/conversations-repo.ts'
import { previewOf } from '../inbox/preview.ts'
import { enqueueJob } from '../jobs/jobs-repo.ts'
import { noteTemplateUsed } from '../templates/templates-repo.ts'
import type { MessagingContext, SendSource } from './context.ts'
import { findAnswer, requestHash, type StoredAnswer, storeAnswer } from './idempotency.ts'
import { insertOutbound } from './outbound-repo.ts'
import { checkMedia, checkTemplate, checkWindow } from './policy.ts'
import { normaliseRecipient, type Recipient, recipientKey } from './recipient.ts'
import { checkSendRequest } from './send-checks.ts'
import type { MessageType, SendRequest } from './send-request.ts'

// `queueMessage`: the one way a message enters the outbox (API, CLI, dashboard). Order:
// shape → idempotency replay → sender number (403 when not the tenant's) → recipient (422
// invalid_recipient) → Meta's rules (window, template, media: 422s with a fix) → one
// transaction with the contact, the conversation, the message row, its `message.send` job
// and the idempotency key (SPEC §2 transactional outbox). The job's lane is number ×
// recipient, so one recipient's messages leave in order.

/** Send jobs: retryable errors are tried this many times in all, with exponential backoff. */
export const sendMaxAttempts = 8

export type QueuedMessage = {
  id: string
  status: string
  from: string
  to: string
  type: string
  createdAt: number
}

export type QueueResult = StoredAnswer & { body: QueuedMessage; replayed: boolean }

export type QueueInput = {
  tenantId: string
  request: SendRequest
  idempotencyKey?: string
  source: SendSource
}

export function sendLane(numberRowId: string, recipient: string): string {
  return `send:${numberRowId}:${recipient}`
}

/** The conversation of number × recipient, if the customer is known (read only). */
async function conversationState(
  db: Db,
  tenantId: string,
  numberRowId: string,
  recipient: Recipient,
): Promise<{ lastInboundAt: number | null }> {
  const row = await db
    .selectFrom('contacts as ct')
    .innerJoin('conversations as c', 'c.contact_id', 'ct.id')
    .select('c.last_inbound_at')
    .where('ct.tenant_id', '=', tenantId)
    .where('c.phone_number_id', '=', numberRowId)
    .where(recipient.kind === 'phone' ? 'ct.wa_id' : 'ct.user_id', '=', recipientKey(recipient))
    .executeTakeFirst()
  return { lastInboundAt: row?.last_inbound_at ?? null }
}

/** A reply or reaction may name the target by Wahub id; Meta needs its wamid. */
async function wamidOf(
  db: Db,
  tenantId: string,
  field: string,
  ref: string | undefined,
): Promise<string | null> {
  if (ref === undefined) return null
  if (!ref.startsWith('msg_')) return ref
  const row = await db
    .selectFrom('messages')
    .select('wamid')
    .where('tenant_id', '=', tenantId)
    .where('id', '=', ref)
    .executeTakeFirst()
  if (!row?.wamid) {
    throw new WahubError(
      'validation_failed',
      `${field}: message ${ref} has no wamid (unknown, or not accepted by Meta yet).`,
      [{ field, problem: 'names no message with a wamid' }],
    )
  }
  return row.wamid
}

type Obj = Record<string, unknown>

function templateBody(t: NonNullable<SendRequest['template']>): Obj {
  return {
    name: t.name,
    language: typeof t.language === 'string' ? { code: t.language } : t.language,
    ...(t.components
      ? {
          components: t.components.map((c) => ({
            ...c,
            type: c.type.toLowerCase(),
            ...(c.sub_type !== undefined ? { sub_type: c.sub_type.toLowerCase() } : {}),
            ...(c.index !== undefined ? { index: String(c.index) } : {}),
          })),
        }
      : {}),
  }
}

/** The exact body Meta receives (FACTS §2). */
export function metaBody(
  request: SendRequest,
  type: MessageType,
  recipient: Recipient,
  refs: { contextWamid: string | null; reactionWamid: string | null },
): Obj {
  const body: Obj = {
    messaging_product: 'whatsapp',
    recipient_type: 'individual',
    ...(recipient.kind === 'phone' ? { to: recipient.waId } : { recipient: recipient.userId }),
    type,
  }
  if (type === 'template' && request.template) body.template = templateBody(request.template)
  else if (type === 'reaction' && request.reaction)
    body.reaction = { ...request.reaction, message_id: refs.reactionWamid ?? request.reaction.message_id }
  else body[type] = request[type]
  if (refs.contextWamid) body.context = { message_id: refs.contextWamid }
  if (request.biz_opaque_callback_data !== undefined)
    body.biz_opaque_callback_data = request.biz_opaque_callback_data
  return body
}

class AlreadyAnswered extends Error {}

export async function queueMessage(ctx: MessagingContext, input: QueueInput): Promise<QueueResult> {
  const { db } = ctx
  const { tenantId, request } = input
  const type = checkSendRequest(request)
  const key = input.idempotencyKey
  const hash = key ? requestHash(request) : ''
  if (key) {
    const prior = await findAnswer(db, tenantId, key, hash)
    if (prior) return { ...(prior as StoredAnswer & { body: QueuedMessage }), replayed: true }
  }

  const sender = await resolveSenderNumber(db, tenantId, request.from)
  const tenant = await tenantById(db, tenantId)
  const recipient = normaliseRecipient(request.to, tenant?.default_country ?? null)
  const to = recipientKey(recipient)
  const { lastInboundAt } = await conversationState(db, tenantId, sender.numberRowId, recipient)
  const policy = { tenantId, wabaRowId: sender.wabaRowId, type, request, lastInboundAt }
  await checkWindow(ctx, policy)
  const templateId = await checkTemplate(ctx, policy)
  await checkMedia(db, policy)
  const contextWamid = await wamidOf(db, tenantId, 'context.message_id', request.context?.message_id)
  const reactionWamid = await wamidOf(db, tenantId, 'reaction.message_id', request.reaction?.message_id)
  const body = metaBody(request, type, recipient, { contextWamid, reactionWamid })

  const now = Date.now()
  let answer: QueueResult | undefined
  try {
    await db.transaction().execute(async (trx) => {
      const contact = await upsertContact(
        trx,
        tenantId,
        recipient.kind === 'phone'
          ? { waId: recipient.waId, userId: null, profileName: null }
          : { waId: null, userId: recipient.userId, profileName: null },
        now,
      )
      const conversationId = await getOrCreateConversation(trx, tenantId, sender.numberRowId, contact.id, now)
      const id = await insertOutbound(
        trx,
        {
          tenantId,
          conversationId,
          numberRowId: sender.numberRowId,
          contactId: contact.id,
          type,
          body,
          contextWamid,
          source: input.source.source,
          createdBy: input.source.createdBy,
        },
        now,
      )
      await enqueueJob(
        trx,
        'message.send',
        { messageId: id },
        { lane: sendLane(sender.numberRowId, to), maxAttempts: sendMaxAttempts, runAt: now },
      )
      // The thread shows it at once; an outbound message never opens the window.
      await touchConversation(trx, conversationId, {
        at: now,
        preview: previewOf(body),
        inbound: false,
        opensWindow: false,
      })
      const queued: QueuedMessage = {
        id,
        status: 'queued',
        from: sender.phoneNumberId,
        to,
        type,
        createdAt: now,
      }
      answer = { statusCode: 202, body: queued, replayed: false }
      if (key && !(await storeAnswer(trx, tenantId, key, hash, { statusCode: 202, body: queued }, now)))
        throw new AlreadyAnswered()
    })
  } catch (err) {
    if (!(err instanceof AlreadyAnswered) || !key) throw err
    // A concurrent request with the same key committed first: its answer is the answer.
    const prior = await findAnswer(db, tenantId, key, hash)
    if (!prior) throw err
    return { ...(prior as StoredAnswer & { body: QueuedMessage }), replayed: true }
  }
  ctx.nudge?.()
  // Queued already: a failure to note "last used" must not turn the answer into an error.
  if (templateId)
    await noteTemplateUsed(db, templateId, now).catch((err) =>
      ctx.log.warn({ err, templateId }, 'template last use not recorded'),
    )
  return answer as QueueResult
}
