import type {
  MessageStatusUpdate,
  PhoneNumberQualityUpdateValue,
  TemplateStatusUpdateValue,
  WebhookContact,
  WebhookMetadata,
} from '../cloud-api/webhook-types.ts'
import type { Customer, JsonObject, PhoneNumber, Template } from './types.ts'

// The `value` objects of Meta's webhooks (FACTS §1.2–§1.7), built from the emulator's state.

export function metadataOf(number: PhoneNumber): WebhookMetadata {
  // Webhooks carry the display number as digits only (FACTS §1.2 example).
  return { display_phone_number: number.digits, phone_number_id: number.id }
}

/** contacts[] entry: wa_id may be absent for username users, user_id present for BSUIDs. */
export function contactOf(customer: Customer): WebhookContact {
  const contact: WebhookContact = {}
  if (!customer.hideProfile) {
    const profile: WebhookContact['profile'] = { name: customer.name ?? '' }
    if (customer.username) profile.username = customer.username
    contact.profile = profile
  }
  if (customer.waId) contact.wa_id = customer.waId
  if (customer.userId) contact.user_id = customer.userId
  return contact
}

export function inboundValue(
  number: PhoneNumber,
  customer: Customer,
  message: JsonObject,
  withContacts: boolean,
): JsonObject {
  const value: JsonObject = { messaging_product: 'whatsapp', metadata: metadataOf(number) }
  // system messages carry no contacts (M-SYSTEM); Meta sometimes omits them otherwise too.
  if (withContacts && message.type !== 'system') value.contacts = [contactOf(customer)]
  value.messages = [message]
  return value
}

export function statusValue(
  number: PhoneNumber,
  status: MessageStatusUpdate,
  contact: WebhookContact | undefined,
): JsonObject {
  const value: JsonObject = { messaging_product: 'whatsapp', metadata: metadataOf(number) }
  if (contact) value.contacts = [contact]
  value.statuses = [status]
  return value
}

/** message_template_status_update (M-TPL-STATUS); the template id is an integer here. */
export function templateStatusValue(
  template: Template,
  event: string,
  reason: string | null,
  /** PAUSED: other_info.title (FIRST_PAUSE, SECOND_PAUSE, RATE_LIMITING_PAUSE). */
  pauseTitle = 'FIRST_PAUSE',
): TemplateStatusUpdateValue {
  const value: TemplateStatusUpdateValue = {
    event,
    message_template_id: Number(template.id),
    message_template_name: template.name,
    message_template_language: template.language,
    reason,
    message_template_category: template.category,
  }
  if (event === 'PAUSED') {
    value.other_info = {
      title: pauseTitle,
      description: 'Your template has been paused for 3 hours because of low quality (emulated).',
    }
  }
  if (event === 'REINSTATED')
    value.other_info = { title: 'UNPAUSE', description: 'Template unpaused (emulated).' }
  if (event === 'DISABLED') value.disable_info = { disable_date: String(Math.floor(Date.now() / 1000)) }
  if (event === 'REJECTED' && reason === 'INVALID_FORMAT') {
    value.rejection_info = {
      reason: 'The template has an invalid format (emulated).',
      recommendation: 'Check the placeholders and the examples.',
    }
  }
  return value
}

/** phone_number_quality_update (M-PNQ); events are open strings (legacy UPGRADE/DOWNGRADE kept). */
export function qualityValue(number: PhoneNumber, event: string): PhoneNumberQualityUpdateValue {
  return {
    display_phone_number: number.digits,
    event,
    current_limit: number.messagingLimitTier,
    max_daily_conversations_per_business: number.messagingLimitTier,
  }
}
