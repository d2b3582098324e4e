// The webhook envelope Meta POSTs and the `messages` field value (FACTS §1.1, 1.2, 1.6).
// Other fields' values are in webhook-field-types.ts, inbound messages in inbound-message-types.ts.
import type { InboundMessage } from './inbound-message-types.ts'
import type {
  AccountAlertsValue,
  AccountReviewUpdateValue,
  AccountUpdateValue,
  BusinessCapabilityUpdateValue,
  GroupsValue,
  MessageEchoesValue,
  PhoneNumberNameUpdateValue,
  PhoneNumberQualityUpdateValue,
  TemplateCategoryUpdateValue,
  TemplateComponentsUpdateValue,
  TemplateQualityUpdateValue,
  TemplateStatusUpdateValue,
  UserPreferencesValue,
} from './webhook-field-types.ts'
import type { OpenString, WebhookError } from './wire-common.ts'

export * from './inbound-message-types.ts'
export type * from './webhook-field-types.ts'

export type WebhookEnvelope = {
  object: OpenString<'whatsapp_business_account'>
  /** Process every entry and every change: Meta batches (FACTS §1.1). */
  entry: WebhookEntry[]
}

export type WebhookEntry = {
  /** The WABA id. */
  id: string
  /** Unix seconds as an INTEGER; usually absent on `messages`. */
  time?: number
  changes: WebhookChange[]
}

export type WebhookMetadata = { display_phone_number: string; phone_number_id: string }

/** `value.contacts[i]`: the customer. `wa_id` may be omitted for username users (2026, FACTS §1.2). */
export type WebhookContact = {
  profile?: { name?: string; username?: string }
  wa_id?: string
  /** Business-scoped user id (BSUID), 2026+: key contacts by it when present. */
  user_id?: string
  parent_user_id?: string
  identity_key_hash?: string
}

export type ConversationCategory =
  | 'authentication'
  | 'authentication_international'
  | 'marketing'
  | 'marketing_lite'
  | 'referral_conversion'
  | 'service'
  | 'utility'

/** v24+: omitted unless sent inside a free-entry-point window (M-STATUS). */
export type StatusConversation = {
  id: string
  /** Only on `sent`. */
  expiration_timestamp?: string
  origin?: { type: OpenString<ConversationCategory> }
}

/** CBP before 2025-07-01 (no `type`), PMP after (M-PRICE, FACTS §1.6). */
export type StatusPricing = {
  /** Slated for deprecation; use `type` + `category`. */
  billable?: boolean
  pricing_model: OpenString<'CBP' | 'PMP'>
  type?: OpenString<'regular' | 'free_customer_service' | 'free_entry_point'>
  /** M-STATUS spells `authentication-international`, WAJS `authentication_international`: both occur. */
  category: OpenString<ConversationCategory | 'authentication-international'>
}

export type StatusValue = 'sent' | 'delivered' | 'read' | 'played' | 'failed'

/** `value.statuses[i]` (M-STATUS). Order across webhooks is not guaranteed. */
export type MessageStatusUpdate = {
  /** The wamid we were given when sending. */
  id: string
  status: OpenString<StatusValue>
  /** Unix seconds as a STRING. */
  timestamp: string
  /** Phone or group id; may be omitted when sent to a BSUID. */
  recipient_id?: string
  recipient_user_id?: string
  recipient_parent_user_id?: string
  recipient_type?: OpenString<'individual' | 'group'>
  recipient_participant_id?: string
  recipient_identity_key_hash?: string
  biz_opaque_callback_data?: string
  conversation?: StatusConversation
  pricing?: StatusPricing
  /** Only on `failed`. */
  errors?: WebhookError[]
}

/** The value of field `messages`: one of messages / statuses / errors, plus contacts (FACTS §1.1). */
export type MessagesValue = {
  messaging_product: 'whatsapp'
  metadata: WebhookMetadata
  /** Absent on `system` messages and on `failed` statuses. */
  contacts?: WebhookContact[]
  messages?: InboundMessage[]
  statuses?: MessageStatusUpdate[]
  /** Value-level errors (e.g. an undecodable payload, 131000). */
  errors?: WebhookError[]
}

type Change<Field extends string, Value> = { field: Field; value: Value }

export type KnownWebhookChange =
  | Change<'messages', MessagesValue>
  | Change<'message_template_status_update', TemplateStatusUpdateValue>
  | Change<'message_template_quality_update', TemplateQualityUpdateValue>
  | Change<'message_template_components_update', TemplateComponentsUpdateValue>
  | Change<'template_category_update', TemplateCategoryUpdateValue>
  | Change<'phone_number_quality_update', PhoneNumberQualityUpdateValue>
  | Change<'phone_number_name_update', PhoneNumberNameUpdateValue>
  | Change<'account_update', AccountUpdateValue>
  | Change<'account_review_update', AccountReviewUpdateValue>
  | Change<'business_capability_update', BusinessCapabilityUpdateValue>
  | Change<'account_alerts', AccountAlertsValue>
  | Change<'user_preferences', UserPreferencesValue>
  | Change<'smb_message_echoes', MessageEchoesValue>
  | Change<'group_lifecycle_update' | 'group_settings_update' | 'group_participants_update', GroupsValue>

export type KnownWebhookField = KnownWebhookChange['field']

/** Fields without a typed value yet (history, security, calls, …) and fields Meta adds later. */
export type OtherWebhookChange = { field: string & {}; value: unknown }

export type WebhookChange = KnownWebhookChange | OtherWebhookChange

export const knownWebhookFields = [
  'messages',
  'message_template_status_update',
  'message_template_quality_update',
  'message_template_components_update',
  'template_category_update',
  'phone_number_quality_update',
  'phone_number_name_update',
  'account_update',
  'account_review_update',
  'business_capability_update',
  'account_alerts',
  'user_preferences',
  'smb_message_echoes',
  'group_lifecycle_update',
  'group_settings_update',
  'group_participants_update',
] as const satisfies readonly KnownWebhookField[]

// A union with an open `field` does not narrow on `change.field === 'messages'`; this guard does.
export function isKnownWebhookChange(change: WebhookChange): change is KnownWebhookChange {
  return (knownWebhookFields as readonly string[]).includes(change.field)
}
