// Values of the webhook fields other than `messages` (FACTS §1.7). None of them carry
// `metadata`; events and reasons are open strings because Meta keeps adding them.
import type { WebhookContact } from './webhook-types.ts'
import type { OpenString } from './wire-common.ts'

export type TemplateStatusEvent =
  | 'APPROVED'
  | 'ARCHIVED'
  | 'UNARCHIVED'
  | 'DELETED'
  | 'DISABLED'
  | 'FLAGGED'
  | 'IN_APPEAL'
  | 'LIMIT_EXCEEDED'
  | 'LOCKED'
  | 'PAUSED'
  | 'PENDING'
  | 'REINSTATED'
  | 'PENDING_DELETION'
  | 'REJECTED'

export type TemplateRejectReason =
  | 'ABUSIVE_CONTENT'
  | 'CATEGORY_NOT_AVAILABLE'
  | 'INCORRECT_CATEGORY'
  | 'INVALID_FORMAT'
  | 'NONE'
  | 'PROMOTIONAL'
  | 'SCAM'
  | 'TAG_CONTENT_MISMATCH'

/** `message_template_status_update` (M-TPL-STATUS). */
export type TemplateStatusUpdateValue = {
  event: OpenString<TemplateStatusEvent>
  /** An INTEGER here, a string everywhere else (FACTS §1.7). */
  message_template_id: number
  message_template_name: string
  message_template_language: string
  /** `null` when scheduled for deletion. */
  reason?: OpenString<TemplateRejectReason> | null
  message_template_category?: OpenString<'MARKETING' | 'UTILITY' | 'AUTHENTICATION'>
  /** DISABLED only. */
  disable_info?: { disable_date: string }
  /** Pause / unpause. */
  other_info?: {
    title: OpenString<'FIRST_PAUSE' | 'SECOND_PAUSE' | 'RATE_LIMITING_PAUSE' | 'UNPAUSE' | 'DISABLED'>
    description?: string
  }
  /** REJECTED with INVALID_FORMAT. */
  rejection_info?: { reason: string; recommendation?: string }
}

export type TemplateQualityScore = 'GREEN' | 'YELLOW' | 'RED' | 'UNKNOWN'

/** `message_template_quality_update` (M-TPL-QUAL). */
export type TemplateQualityUpdateValue = {
  previous_quality_score: OpenString<TemplateQualityScore>
  new_quality_score: OpenString<TemplateQualityScore>
  message_template_id: number
  message_template_name: string
  message_template_language: string
}

/**
 * `template_category_update` (M-TPL-CAT). Two shapes: the impending change (24 h notice:
 * `new_category` is the CURRENT category, `correct_category` the coming one) and the completed
 * change (`previous_category` → `new_category`).
 */
export type TemplateCategoryUpdateValue = {
  message_template_id: number
  message_template_name: string
  message_template_language: string
  new_category: string
  correct_category?: string
  category_update_timestamp?: number
  previous_category?: string
}

/** `message_template_components_update` (PYWA fixture; title/footer/buttons not verified). */
export type TemplateComponentsUpdateValue = {
  message_template_id: number
  message_template_name: string
  message_template_language: string
  message_template_element?: string
  message_template_title?: string
  message_template_footer?: string
  message_template_buttons?: unknown[]
}

export type MessagingLimitTier = OpenString<
  | 'TIER_50'
  | 'TIER_250'
  | 'TIER_1K'
  | 'TIER_2K'
  | 'TIER_10K'
  | 'TIER_100K'
  | 'TIER_NOT_SET'
  | 'TIER_UNLIMITED'
>

/** `phone_number_quality_update` (M-PNQ). Legacy events UPGRADE/DOWNGRADE/FLAGGED/UNFLAGGED still occur. */
export type PhoneNumberQualityUpdateValue = {
  display_phone_number: string
  event: OpenString<'ONBOARDING' | 'THROUGHPUT_UPGRADE' | 'UPGRADE' | 'DOWNGRADE' | 'FLAGGED' | 'UNFLAGGED'>
  /** Removed Feb 2026. */
  old_limit?: MessagingLimitTier
  /** Removed Feb 2026. */
  current_limit?: MessagingLimitTier
  max_daily_conversations_per_business?: MessagingLimitTier
}

/**
 * `phone_number_name_update`. FACTS names the field but not its shape; these fields are from
 * Meta's reference and all optional.
 */
export type PhoneNumberNameUpdateValue = {
  display_phone_number?: string
  decision?: OpenString<'APPROVED' | 'DEFERRED' | 'PENDING' | 'REJECTED'>
  requested_verified_name?: string
  rejection_reason?: string | null
}

export type AccountUpdateEvent =
  | 'ACCOUNT_DELETED'
  | 'ACCOUNT_RESTRICTION'
  | 'ACCOUNT_VIOLATION'
  | 'AD_ACCOUNT_LINKED'
  | 'AUTH_INTL_PRICE_ELIGIBILITY_UPDATE'
  | 'BUSINESS_PRIMARY_LOCATION_COUNTRY_UPDATE'
  | 'DISABLED_UPDATE'
  | 'MM_LITE_TERMS_SIGNED'
  | 'PARTNER_ADDED'
  | 'PARTNER_APP_INSTALLED'
  | 'PARTNER_APP_UNINSTALLED'
  | 'PARTNER_REMOVED'
  | 'PARTNER_CLIENT_CERTIFICATION_STATUS_UPDATE'
  | 'VOLUME_BASED_PRICING_TIER_UPDATE'
  | 'ACCOUNT_OFFBOARDED'
  | 'ACCOUNT_RECONNECTED'
  | 'VERIFIED_ACCOUNT'

/** `account_update` (M-ACCT): `event` plus event-specific objects; older payloads differ. */
export type AccountUpdateValue = {
  event: OpenString<AccountUpdateEvent>
  phone_number?: string
  restriction_info?: {
    restriction_type: OpenString<
      | 'RESTRICTED_ADD_PHONE_NUMBER_ACTION'
      | 'RESTRICTED_BIZ_INITIATED_MESSAGING'
      | 'RESTRICTED_CUSTOMER_INITIATED_MESSAGING'
      | 'RESTRICTED_DIRECT_SEND_UTILITY_TEMPLATES'
      | 'RESTRICTED_UTILITY_TEMPLATES'
    >
    expiration?: number | string
    remediation?: string
  }[]
  violation_info?: { violation_type: string }
  auth_international_rate_eligibility?: {
    exception_countries?: { country_code: string; start_time: number }[]
    start_time?: number
  }
  country?: string
  ban_info?: {
    waba_ban_state: OpenString<'DISABLE' | 'REINSTATE' | 'SCHEDULE_FOR_DISABLE'>
    waba_ban_date?: string
  }
  waba_info?: {
    waba_id: string
    owner_business_id?: string
    partner_app_id?: string
    solution_id?: string
    solution_partner_business_ids?: string[]
  }
  disconnection_info?: { reason?: string; initiated_by?: OpenString<'USER' | 'SYSTEM'> }
  /** Duplicates possible: keep the smallest `tier_update_time` (FACTS §5). */
  volume_tier_info?: {
    tier_update_time: number
    pricing_category: string
    /** e.g. "25000001:50000000" */
    tier: string
    /** e.g. "2025-11" */
    effective_month: string
    region?: string
  }
}

/** `account_review_update` (M-ARU). */
export type AccountReviewUpdateValue = {
  decision: OpenString<'APPROVED' | 'REJECTED' | 'PENDING' | 'DEFERRED'>
}

/** `business_capability_update` (M-BCU): integers, or TIER_* strings in some payloads: accept both. */
export type BusinessCapabilityUpdateValue = {
  /** -1 = unlimited. Removed Feb 2026. */
  max_daily_conversation_per_phone?: number
  max_daily_conversations_per_business?: number | MessagingLimitTier
  max_phone_numbers_per_business?: number
  max_phone_numbers_per_waba?: number
}

/** `account_alerts`. FACTS names the field only; these fields are from Meta's reference, all optional. */
export type AccountAlertsValue = {
  entity_type?: OpenString<'WABA' | 'PHONE_NUMBER' | 'BUSINESS'>
  entity_id?: string
  alert_severity?: OpenString<'CRITICAL' | 'WARNING' | 'INFORMATIONAL'>
  alert_status?: OpenString<'ACTIVE' | 'NONE'>
  alert_type?: string
  alert_description?: string
}

/** `user_preferences` (PYWA): marketing opt-out / resume. */
export type UserPreferencesValue = {
  messaging_product?: 'whatsapp'
  metadata?: { display_phone_number: string; phone_number_id: string }
  contacts?: WebhookContact[]
  user_preferences: {
    wa_id?: string
    user_id?: string
    detail?: string
    category: OpenString<'marketing_messages'>
    value: OpenString<'stop' | 'resume' | 'signup'>
    /** Unix seconds, INTEGER. */
    timestamp: number
  }[]
}

/** `smb_message_echoes` (coexistence): messages the business sent from the WhatsApp Business app. */
export type MessageEchoesValue = {
  messaging_product?: 'whatsapp'
  metadata?: { display_phone_number: string; phone_number_id: string }
  message_echoes: {
    from: string
    to: string
    id: string
    timestamp: string
    type: string
    [field: string]: unknown
  }[]
}

/** Group fields (OAS): `group_lifecycle_update`, `group_settings_update`, `group_participants_update`. */
export type GroupsValue = {
  messaging_product?: 'whatsapp'
  metadata?: { display_phone_number: string; phone_number_id: string }
  groups: {
    timestamp: number
    group_id: string
    type: OpenString<
      | 'group_create'
      | 'group_delete'
      | 'group_settings_update'
      | 'group_add_participants'
      | 'group_remove_participants'
    >
    request_id?: string
    subject?: string
    description?: string
    added_participants?: { input?: string; wa_id?: string }[]
    removed_participants?: { input?: string; wa_id?: string }[]
    profile_picture?: { mime_type: string; sha256: string }
  }[]
}
