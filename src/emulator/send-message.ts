import { maxKeptMessages, trimOldest } from './bounded.ts'
import type { EmulatorContext } from './context.ts'
import { GraphError, invalidParam } from './graph-errors.ts'
import { newWamid } from './ids.ts'
import { priceMessage, windowOpen } from './pricing.ts'
import { buildCustomer, customerKey } from './seed.ts'
import { type SendOutcome, scheduleStatuses } from './statuses.ts'
import { checkTemplateSend } from './template-send.ts'
import type { Customer, JsonObject, OutboundMessage, PhoneNumber, TemplateCategory } from './types.ts'
import { fieldPath, isObject, oneOf, requireObject, requireString } from './validate-helpers.ts'
import { validateSend } from './validate-message.ts'

// POST /{phone-number-id}/messages after auth. Order of checks: shape (100), registration
// (133010), template (132xxx), recipient (131021, 131030 development mode), throughput (130429),
// pair rate (131056). Then accepted with a wamid; 131026 (undeliverable) and 131047 (window)
// arrive later as a `failed` status webhook — Meta's usual tendency (FACTS §3.2 "sync vs async").

const undeliverableDetails =
  'Message failed to send because the recipient is not a WhatsApp user, has not accepted the latest Terms of Service, or uses an unsupported client.'
const windowDetails =
  'Message failed to send because more than 24 hours have passed since the customer last replied to this number.'

/** Brazil: a 13-digit mobile (with the 9th digit) may belong to a 12-digit wa_id. */
function brazilianAlias(digits: string): string | undefined {
  const m = /^55(\d{2})9(\d{8})$/.exec(digits)
  return m ? `55${m[1]}${m[2]}` : undefined
}

function resolveRecipient(
  ctx: EmulatorContext,
  to: string | undefined,
  recipient: string | undefined,
): Customer {
  if (recipient !== undefined && to === undefined) {
    for (const c of ctx.state.customers.values()) if (c.userId === recipient) return c
    throw invalidParam(`Param recipient ${recipient} is not a user of this business.`)
  }
  const digits = (to ?? '').replace(/\D/g, '')
  const known = ctx.state.customers.get(digits)
  if (known) return known
  const alias = brazilianAlias(digits)
  const aliased = alias ? ctx.state.customers.get(alias) : undefined
  if (aliased) return aliased
  // Any well-formed number is a WhatsApp user who never wrote (window closed).
  const customer = buildCustomer({ wa_id: digits })
  ctx.state.customers.set(digits, customer)
  return customer
}

function markRead(ctx: EmulatorContext, number: PhoneNumber, body: JsonObject): JsonObject {
  if (body.messaging_product === undefined) throw invalidParam('The parameter messaging_product is required.')
  oneOf(body.messaging_product, 'messaging_product', ['whatsapp'])
  const id = requireString(body.message_id, 'message_id')
  if (body.typing_indicator !== undefined) {
    const indicator = requireObject(body.typing_indicator, 'typing_indicator')
    oneOf(indicator.type, fieldPath('typing_indicator', 'type'), ['text'])
  }
  const target = ctx.state.inbound.get(id)
  if (!target || target.phoneNumberId !== number.id) {
    throw invalidParam(`Param message_id ${id} is not a message received by this phone number.`)
  }
  // Marking a message read also marks the earlier ones of that chat read.
  for (const m of ctx.state.inbound.values()) {
    if (m.customerKey === target.customerKey && m.phoneNumberId === number.id && m.at <= target.at)
      m.read = true
  }
  return { success: true }
}

export function sendMessage(
  ctx: EmulatorContext,
  number: PhoneNumber,
  input: unknown,
  apiVersion: number,
): { response: JsonObject; wamid?: string } {
  if (isObject(input) && input.status !== undefined) {
    oneOf(input.status, 'status', ['read'])
    return { response: markRead(ctx, number, input) }
  }
  const send = validateSend(ctx, input)
  if (!number.registered) {
    throw new GraphError(
      133010,
      `Phone number ${number.displayPhoneNumber} is not registered. Register it with POST /${number.id}/register.`,
    )
  }
  let templateCategory: TemplateCategory | undefined
  let quickReplies: { text: string; payload: string }[] = []
  if (send.type === 'template') {
    const checked = checkTemplateSend(ctx, number, send.body.template)
    templateCategory = checked.template.category
    quickReplies = checked.quickReplies
  }
  const customer = resolveRecipient(ctx, send.to, send.recipient)
  if (customer.waId && customer.waId === number.digits) {
    throw new GraphError(131021, 'The recipient is the sending phone number itself.')
  }
  if (number.accountMode === 'SANDBOX' && !number.allowedRecipients.includes(customer.waId ?? '')) {
    throw new GraphError(
      131030,
      'Recipient phone number not in allowed list: add it in the API Setup page (up to 5 numbers).',
      {
        subcode: 2655733,
      },
    )
  }
  if (!ctx.throughput.take(number.id, number.throughputMps)) {
    throw new GraphError(130429, 'Cloud API message throughput has been reached.', { subcode: 2494055 })
  }
  const key = customerKey(customer)
  if (!ctx.pair.take(`${number.id}:${key}`, ctx.options.pairRateLimit)) {
    throw new GraphError(
      131056,
      'Message failed to send because there were too many messages sent from this phone number to the same phone number in a short period of time.',
    )
  }
  const now = Date.now()
  let outcome: SendOutcome
  if (customer.undeliverable) outcome = { failCode: 131026, failDetails: undeliverableDetails }
  else if (send.type !== 'template' && !windowOpen(customer, now)) {
    outcome = { failCode: 131047, failDetails: windowDetails }
  }
  const priced = outcome ? undefined : priceMessage(customer, templateCategory, apiVersion, now)
  const wamid = newWamid(customer.waId ?? '0')
  const msg: OutboundMessage = {
    wamid,
    phoneNumberId: number.id,
    customerKey: key,
    type: send.type,
    body: send.body,
    templateCategory,
    apiVersion,
    createdAt: now,
    status: 'accepted',
    statusHistory: [{ status: 'accepted', at: now }],
    pricing: priced?.pricing,
    conversation: priced?.conversation,
    bizOpaqueCallbackData: send.bizOpaqueCallbackData,
    quickReplies,
  }
  ctx.state.outbound.set(wamid, msg)
  trimOldest(ctx.state.outbound, maxKeptMessages)
  scheduleStatuses(ctx, msg, outcome)
  const contact: JsonObject = { input: send.to ?? send.recipient }
  if (customer.waId && send.to !== undefined) contact.wa_id = customer.waId
  if (customer.userId && send.recipient !== undefined) contact.user_id = customer.userId
  const message: JsonObject = { id: wamid }
  // message_status is returned for template sends (template pacing, FACTS §2).
  if (send.type === 'template') message.message_status = 'accepted'
  return { response: { messaging_product: 'whatsapp', contacts: [contact], messages: [message] }, wamid }
}
