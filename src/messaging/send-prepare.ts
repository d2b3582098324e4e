import { resolveSenderNumber, type SenderNumber } from '../channels/sender.ts'
import { tenantById } from '../channels/tenants-repo.ts'
import type { Db } from '../db/connect.ts'
import { WahubError } from '../errors.ts'
import { type ContactKey, contactKeyString } from '../inbox/contacts-repo.ts'
import type { MessagingContext } from './context.ts'
import { checkMedia, checkTemplate, checkWindow, memoTemplateFinder, type TemplateFinder } from './policy.ts'
import { normaliseRecipient, type Recipient, recipientKey } from './recipient.ts'
import type { MessageType, SendRequest } from './send-request.ts'
import { templateForSend } from './template-lookup.ts'

// The checks and lookups before a message is queued (send-service.ts): one send asks the
// database for each; a bulk call (enqueueMany) asks once per distinct sender and template and
// reads every recipient's window in one query per number. Both run the same checkOne, so a
// message is judged the same either way.

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

export type Obj = Record<string, unknown>

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

/** What queueing one message needs, each part memoised across a bulk call. */
export type Lookups = {
  tenant: () => Promise<{ default_country: string | null } | undefined>
  sender: (from: string | undefined) => Promise<SenderNumber>
  lastInboundAt: (numberRowId: string, recipient: Recipient) => Promise<number | null>
  template: TemplateFinder
}

export function singleLookups(ctx: MessagingContext, tenantId: string): Lookups {
  return {
    tenant: () => tenantById(ctx.db, tenantId),
    sender: (from) => resolveSenderNumber(ctx.db, tenantId, from),
    lastInboundAt: async (numberRowId, recipient) =>
      (await conversationState(ctx.db, tenantId, numberRowId, recipient)).lastInboundAt,
    template: (waba, name, language) => templateForSend(ctx, waba, name, language),
  }
}

export type Checked = {
  type: MessageType
  sender: SenderNumber
  recipient: Recipient
  to: string
  body: Obj
  contextWamid: string | null
  templateId: string | undefined
  /** A template's text as the customer reads it (the inbox's search indexes it). */
  templateText: string | undefined
}

/** Every check of a send, in the order queueMessage promises; nothing written. */
export async function checkOne(
  ctx: MessagingContext,
  tenantId: string,
  request: SendRequest,
  type: MessageType,
  look: Lookups,
): Promise<Checked> {
  const { db } = ctx
  const sender = await look.sender(request.from)
  const tenant = await look.tenant()
  const recipient = normaliseRecipient(request.to, tenant?.default_country ?? null)
  const to = recipientKey(recipient)
  const lastInboundAt = await look.lastInboundAt(sender.numberRowId, recipient)
  const policy = { tenantId, wabaRowId: sender.wabaRowId, type, request, lastInboundAt }
  await checkWindow(ctx, policy)
  const template = await checkTemplate(ctx, policy, look.template)
  await checkMedia(db, policy)
  const contextWamid = await wamidOf(db, tenantId, 'context.message_id', request.context?.message_id)
  const reactionWamid = await wamidOf(db, tenantId, 'reaction.message_id', request.reaction?.message_id)
  const body = metaBody(request, type, recipient, { contextWamid, reactionWamid })
  return {
    type,
    sender,
    recipient,
    to,
    body,
    contextWamid,
    templateId: template?.id,
    templateText: template?.text,
  }
}

export function contactKeyOf(recipient: Recipient): ContactKey {
  return recipient.kind === 'phone'
    ? { waId: recipient.waId, userId: null }
    : { waId: null, userId: recipient.userId }
}

/** The advisory-lock subject of a customer, as webhook processing names it (decision 0020). */
export function customerSubject(recipient: Recipient): string {
  return recipient.kind === 'phone' ? `customer:${recipient.waId}` : `customer-user:${recipient.userId}`
}

/** Lookups answered once per call: the sender per `from`, the window of every recipient in one query per number. */
export async function bulkLookups(
  ctx: MessagingContext,
  tenantId: string,
  items: readonly { request: SendRequest }[],
  /** Items already answered or refused: not looked up. */
  skip: (index: number) => boolean,
  types: readonly (MessageType | undefined)[],
): Promise<Lookups> {
  const single = singleLookups(ctx, tenantId)
  const tenant = single.tenant()
  tenant.catch(() => {})
  const senders = new Map<string, Promise<SenderNumber>>()
  const sender = (from: string | undefined) => {
    const k = from ?? ''
    let p = senders.get(k)
    if (!p) {
      p = single.sender(from)
      p.catch(() => {})
      senders.set(k, p)
    }
    return p
  }
  // Which recipients each number will be asked about, read in one query per number.
  const wanted = new Map<string, Recipient[]>()
  const country = (await tenant.catch(() => undefined))?.default_country ?? null
  for (const [i, item] of items.entries()) {
    if (skip(i) || !types[i] || types[i] === 'template') continue
    let s: SenderNumber
    let r: Recipient
    try {
      s = await sender(item.request.from)
      r = normaliseRecipient(item.request.to, country)
    } catch {
      continue // refused later, by checkOne
    }
    const list = wanted.get(s.numberRowId) ?? []
    list.push(r)
    wanted.set(s.numberRowId, list)
  }
  const windows = new Map<string, number | null>()
  for (const [numberRowId, recipients] of wanted) {
    const waIds = recipients.flatMap((r) => (r.kind === 'phone' ? [r.waId] : []))
    const userIds = recipients.flatMap((r) => (r.kind === 'phone' ? [] : [r.userId]))
    for (let i = 0; i < Math.max(waIds.length, userIds.length); i += 1000) {
      const w = waIds.slice(i, i + 1000)
      const u = userIds.slice(i, i + 1000)
      const rows = await ctx.db
        .selectFrom('contacts as ct')
        .innerJoin('conversations as c', 'c.contact_id', 'ct.id')
        .select(['ct.wa_id', 'ct.user_id', 'c.last_inbound_at'])
        .where('ct.tenant_id', '=', tenantId)
        .where('c.phone_number_id', '=', numberRowId)
        .where((eb) =>
          eb.or([
            ...(w.length ? [eb('ct.wa_id', 'in', w)] : []),
            ...(u.length ? [eb('ct.user_id', 'in', u)] : []),
          ]),
        )
        .execute()
      for (const row of rows) {
        if (row.wa_id !== null) windows.set(`${numberRowId}|wa:${row.wa_id}`, row.last_inbound_at)
        if (row.user_id !== null) windows.set(`${numberRowId}|user:${row.user_id}`, row.last_inbound_at)
      }
    }
  }
  return {
    tenant: () => tenant,
    sender,
    // A template needs no window (checkWindow returns before reading it).
    lastInboundAt: async (numberRowId, recipient) =>
      windows.get(`${numberRowId}|${contactKeyString(contactKeyOf(recipient))}`) ?? null,
    template: memoTemplateFinder(ctx),
  }
}

/** The request field a refusal is about (`to`, `template`…), for a bulk answer's `messages[i].field`. */
export function refusedField(err: WahubError): string | undefined {
  const details = err.details as { field?: unknown } | { field: string }[] | undefined
  if (Array.isArray(details)) return typeof details[0]?.field === 'string' ? details[0].field : undefined
  if (details && typeof details.field === 'string') return details.field
  switch (err.code) {
    case 'number_not_allowed':
      return 'from'
    case 'invalid_recipient':
      return 'to'
    case 'window_closed':
      return 'type'
    case 'template_not_found':
    case 'template_not_approved':
    case 'template_params_mismatch':
      return 'template'
    case 'idempotency_key_reused':
      return 'idempotency_key'
    default:
      return undefined
  }
}
