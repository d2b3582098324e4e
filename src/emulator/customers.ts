import { maxKeptMessages, trimOldest } from './bounded.ts'
import type { EmulatorContext } from './context.ts'
import { chance } from './faults.ts'
import { GraphError, invalidParam } from './graph-errors.ts'
import { newWamid } from './ids.ts'
import { kindOfMime, type MediaKind, mediaDownloadUrl, placeholderMedia, storeMedia } from './media-store.ts'
import { buildCustomer, customerKey } from './seed.ts'
import type { SeedCustomer } from './seed-types.ts'
import type { Customer, JsonObject, PhoneNumber } from './types.ts'
import { inboundValue } from './webhook-payloads.ts'

const mediaTypes = new Set<string>(['image', 'audio', 'video', 'document', 'sticker'])
const dayMs = 24 * 60 * 60_000

function notFound(details: string): GraphError {
  return new GraphError(100, details, { httpStatus: 404 })
}

/** A customer by wa_id (digits, any formatting) or by business-scoped user id. */
export function findCustomer(ctx: EmulatorContext, id: string): Customer | undefined {
  const direct = ctx.state.customers.get(id)
  if (direct) return direct
  const digits = id.replace(/\D/g, '')
  if (digits && /^[+\d\s().-]+$/.test(id)) {
    const byDigits = ctx.state.customers.get(digits)
    if (byDigits) return byDigits
  }
  for (const c of ctx.state.customers.values()) if (c.userId === id) return c
  return undefined
}

export function addCustomer(ctx: EmulatorContext, input: unknown): Customer {
  if (!input || typeof input !== 'object' || Array.isArray(input)) {
    throw invalidParam('The body must be a JSON object like {"wa_id": "34600000000", "name": "Ana"}')
  }
  const seed = input as SeedCustomer
  const digits = typeof seed.wa_id === 'string' ? seed.wa_id.replace(/\D/g, '') : ''
  const wellFormed = typeof seed.wa_id === 'string' && /^\+?[\d\s().-]+$/.test(seed.wa_id)
  if (seed.wa_id !== undefined && (!wellFormed || digits.length < 6 || digits.length > 15)) {
    throw invalidParam('Param wa_id must be a phone number in international format (digits)')
  }
  if (seed.user_id !== undefined && typeof seed.user_id !== 'string')
    throw invalidParam('Param user_id must be a string')
  if (seed.wa_id === undefined && seed.user_id === undefined)
    throw invalidParam('The parameter wa_id is required.')
  if (seed.name !== undefined && typeof seed.name !== 'string')
    throw invalidParam('Param name must be a string')
  const customer = buildCustomer(seed)
  ctx.state.customers.set(customerKey(customer), customer)
  return customer
}

/** Control update of a customer: undeliverable, last inbound time, auto-reply, name… */
export function updateCustomer(ctx: EmulatorContext, id: string, input: unknown): Customer {
  const customer = findCustomer(ctx, id)
  if (!customer) throw notFound(`No customer with wa_id or user_id ${id}`)
  const body = (input && typeof input === 'object' ? input : {}) as Record<string, unknown>
  if (typeof body.name === 'string') customer.name = body.name
  if (typeof body.undeliverable === 'boolean') customer.undeliverable = body.undeliverable
  if (typeof body.auto_reply === 'boolean') customer.autoReply = body.auto_reply
  if (typeof body.reads === 'boolean') customer.reads = body.reads
  if (typeof body.hide_profile === 'boolean') customer.hideProfile = body.hide_profile
  if (typeof body.language === 'string') customer.language = body.language
  if (body.last_inbound_at === null) customer.lastInboundAt = undefined
  else if (typeof body.last_inbound_at === 'number' || typeof body.last_inbound_at === 'string') {
    const ms =
      typeof body.last_inbound_at === 'number'
        ? body.last_inbound_at
        : Date.parse(String(body.last_inbound_at))
    if (!Number.isFinite(ms)) throw invalidParam('Param last_inbound_at must be an ISO date or ms epoch')
    customer.lastInboundAt = ms
  }
  return customer
}

function defaultNumber(ctx: EmulatorContext, customer: Customer): PhoneNumber | undefined {
  const last = customer.lastPhoneNumberId ? ctx.state.numbers.get(customer.lastPhoneNumberId) : undefined
  if (last) return last
  const numbers = [...ctx.state.numbers.values()]
  return numbers.find((n) => n.registered && n.accountMode === 'LIVE') ?? numbers[0]
}

/** Fills what Meta adds to a user's media: id, mime_type, sha256 (base64 in webhooks), url. */
function fillMedia(
  ctx: EmulatorContext,
  kind: MediaKind,
  number: PhoneNumber,
  given: JsonObject,
): JsonObject {
  const existing = typeof given.id === 'string' ? ctx.state.media.get(given.id) : undefined
  const mime =
    typeof given.mime_type === 'string' && kindOfMime(given.mime_type) ? given.mime_type : undefined
  const media =
    existing ??
    storeMedia(ctx, {
      phoneNumberId: number.id,
      ...placeholderMedia(kind, mime),
      filename: typeof given.filename === 'string' ? given.filename : undefined,
    })
  const filled: JsonObject = { ...given }
  if (kind === 'document' && filled.filename === undefined) filled.filename = media.filename ?? 'document.pdf'
  filled.mime_type = media.mimeType
  filled.sha256 = Buffer.from(media.sha256Hex, 'hex').toString('base64')
  filled.id = media.id
  filled.url = mediaDownloadUrl(ctx, media)
  if (kind === 'audio' && filled.voice === undefined) filled.voice = false
  if (kind === 'sticker' && filled.animated === undefined) filled.animated = false
  return filled
}

/**
 * A simulated customer sends a message (POST /_emulator/customers/{id}/messages): the emulator
 * adds from/id/timestamp, opens the 24-hour window and delivers the `messages` webhook.
 */
export function customerSends(
  ctx: EmulatorContext,
  id: string,
  input: unknown,
  options: { phoneNumberId?: string } = {},
): { id: string; phone_number_id: string; from: string | undefined } {
  const customer = findCustomer(ctx, id)
  if (!customer) throw notFound(`No customer with wa_id or user_id ${id}`)
  if (!input || typeof input !== 'object' || Array.isArray(input)) {
    throw invalidParam('The body must be a message object like {"type": "text", "text": {"body": "hi"}}')
  }
  const body = input as JsonObject
  if (typeof body.type !== 'string' || !/^[a-z_]{1,40}$/.test(body.type)) {
    throw invalidParam('The parameter type is required (text, image, interactive, reaction, …).')
  }
  const number = options.phoneNumberId
    ? ctx.state.numbers.get(options.phoneNumberId)
    : defaultNumber(ctx, customer)
  if (!number) throw notFound(`No phone number ${options.phoneNumberId ?? ''} to receive the message`)
  const type = body.type
  const now = Date.now()
  const wamid = newWamid(customer.waId ?? '0')
  const { from: _f, id: _i, timestamp: _t, context, ...rest } = body
  const message: JsonObject = {}
  if (context && typeof context === 'object') {
    const c = { ...(context as JsonObject) }
    if (typeof c.id === 'string' && c.from === undefined) c.from = number.digits
    message.context = c
  }
  if (customer.waId) message.from = customer.waId
  if (customer.userId) message.from_user_id = customer.userId
  message.id = wamid
  message.timestamp = String(Math.floor(now / 1000))
  Object.assign(message, rest)
  if (mediaTypes.has(type)) {
    const given = body[type] && typeof body[type] === 'object' ? (body[type] as JsonObject) : {}
    message[type] = fillMedia(ctx, type as MediaKind, number, given)
  }
  if (type === 'unsupported' && message.errors === undefined) {
    message.errors = [
      {
        code: 131051,
        title: 'Message type unknown',
        message: 'Message type unknown',
        error_data: { details: 'Message type is currently not supported.' },
      },
    ]
  }
  const referral = body.referral as JsonObject | undefined
  if (referral && typeof referral === 'object' && referral.source_type === 'ad') {
    // Click-to-WhatsApp: a reply within 24 h opens a free entry point window (M-PRICE).
    customer.fepEligibleUntil = now + dayMs
  }
  if (type === 'system') {
    changeNumberIfAsked(ctx, customer, body.system)
  } else {
    customer.lastInboundAt = now
  }
  customer.lastPhoneNumberId = number.id
  ctx.state.inbound.set(wamid, {
    wamid,
    phoneNumberId: number.id,
    customerKey: customerKey(customer),
    type,
    at: now,
    read: false,
  })
  trimOldest(ctx.state.inbound, maxKeptMessages)
  ctx.webhooks.emit({
    wabaId: number.wabaId,
    field: 'messages',
    phoneNumberId: number.id,
    value: inboundValue(number, customer, message, !chance(ctx.options.omitContactsRate)),
  })
  return { id: wamid, phone_number_id: number.id, from: customer.waId }
}

/** system.type user_changed_number moves the customer to the new wa_id (M-SYSTEM). */
function changeNumberIfAsked(ctx: EmulatorContext, customer: Customer, system: unknown): void {
  const s = (system && typeof system === 'object' ? system : {}) as JsonObject
  if (s.type !== 'user_changed_number' || typeof s.wa_id !== 'string') return
  const next = s.wa_id.replace(/\D/g, '')
  if (!next || ctx.state.customers.has(next)) return
  ctx.state.customers.delete(customerKey(customer))
  customer.waId = next
  ctx.state.customers.set(next, customer)
}
