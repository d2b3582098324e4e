// Answers and bodies of the management endpoints Wahub calls (FACTS §6, §1.9).
import type { OpenString } from './wire-common.ts'

export type * from './template-types.ts'

export type QualityRating = OpenString<'GREEN' | 'YELLOW' | 'RED' | 'NA' | 'UNKNOWN'>

/** `GET /{phone-number-id}`. Defaults: id, display_phone_number, verified_name, quality_rating. */
export type PhoneNumber = {
  id: string
  /** Formatted for display, e.g. "+1 631-555-5555". */
  display_phone_number?: string
  verified_name?: string
  quality_rating?: QualityRating
  code_verification_status?: OpenString<'VERIFIED' | 'NOT_VERIFIED' | 'EXPIRED' | 'UNVERIFIED'>
  name_status?: OpenString<
    'APPROVED' | 'AVAILABLE_WITHOUT_REVIEW' | 'DECLINED' | 'EXPIRED' | 'PENDING_REVIEW' | 'NONE'
  >
  throughput?: { level: OpenString<'STANDARD' | 'HIGH' | 'NOT_APPLICABLE'> }
  /** e.g. "TIER_250" (M-LIM). */
  whatsapp_business_manager_messaging_limit?: string
  /** Deprecated. */
  messaging_limit_tier?: string
  platform_type?: OpenString<'CLOUD_API' | 'ON_PREMISE' | 'NOT_APPLICABLE'>
  status?: OpenString<'PENDING' | 'CONNECTED' | 'FLAGGED' | 'RESTRICTED' | 'BANNED' | 'DELETED' | 'MIGRATED'>
  account_mode?: OpenString<'SANDBOX' | 'LIVE'>
  is_official_business_account?: boolean
  is_pin_enabled?: boolean
  /** Where Meta sends this number's webhooks; `whatsapp_business_account` only when a WABA override is set. */
  webhook_configuration?: { phone_number?: string; whatsapp_business_account?: string; application?: string }
}

export type PhoneNumberField = Exclude<keyof PhoneNumber, 'id'> | (string & {})

/** `POST /{phone-number-id}/register`. PIN: 6 digits. */
export type RegisterRequest = {
  messaging_product: 'whatsapp'
  pin: string
  data_localization_region?: string
  backup?: Record<string, unknown>
}

/** Callback override at WABA or number level; `override_callback_uri: ""` removes it (M-OVR). */
export type CallbackOverride = { override_callback_uri: string; verify_token: string }

/** `POST /{phone-number-id}` to set a number-level override. */
export type NumberWebhookRequest = { webhook_configuration: CallbackOverride }

/** One item of `GET /{waba-id}/subscribed_apps`. */
export type SubscribedApp = {
  whatsapp_business_api_data: { id: string; link?: string; name?: string }
  override_callback_uri?: string
}

/** `GET /debug_token?input_token=` (`expires_at: 0` = never expires, e.g. a System User token). */
export type DebugTokenResponse = {
  data: {
    app_id?: string
    type?: OpenString<'SYSTEM_USER' | 'USER' | 'PAGE' | 'APP'>
    application?: string
    data_access_expires_at?: number
    expires_at?: number
    is_valid: boolean
    issued_at?: number
    scopes?: string[]
    granular_scopes?: { scope: string; target_ids?: string[] }[]
    user_id?: string
    error?: { code: number; message: string; subcode?: number }
  }
}

/** GET /{waba-id}?fields=… (the fields the go-live guide reads). */
export type WabaInfo = {
  id: string
  name?: string
  /** The owning business portfolio's verification: verified | pending | not_verified | rejected … */
  business_verification_status?: string
  account_review_status?: OpenString<'APPROVED' | 'PENDING' | 'REJECTED'>
  /** The WABA's payment method; absent when none was added (or not visible to this token). */
  primary_funding_id?: string
}

/** GET /{app-id}?fields=… with the app token "APP_ID|APP_SECRET". */
export type AppInfo = { id: string; name?: string; link?: string; privacy_policy_url?: string }

/** GET /oauth/access_token?client_id&client_secret&code (Embedded Signup's code exchange). */
export type OAuthTokenResponse = { access_token: string; token_type?: string; expires_in?: number }

export type BusinessVertical = OpenString<
  | 'OTHER'
  | 'AUTO'
  | 'BEAUTY'
  | 'APPAREL'
  | 'EDU'
  | 'ENTERTAIN'
  | 'EVENT_PLAN'
  | 'FINANCE'
  | 'GROCERY'
  | 'GOVT'
  | 'HOTEL'
  | 'HEALTH'
  | 'NONPROFIT'
  | 'PROF_SERVICES'
  | 'RETAIL'
  | 'TRAVEL'
  | 'RESTAURANT'
  | 'ALCOHOL'
  | 'ONLINE_GAMBLING'
  | 'PHYSICAL_GAMBLING'
  | 'OTC_DRUGS'
>

/** One item of `GET /{phone-number-id}/whatsapp_business_profile` (flat in `data`, per M-PROFILE). */
export type BusinessProfile = {
  messaging_product?: 'whatsapp'
  about?: string
  address?: string
  description?: string
  email?: string
  profile_picture_url?: string
  websites?: string[]
  vertical?: BusinessVertical
}

/** about 1–139, address ≤256, description ≤256, email ≤128, ≤2 websites of ≤256. */
export type UpdateBusinessProfileRequest = {
  about?: string
  address?: string
  description?: string
  email?: string
  profile_picture_handle?: string
  websites?: string[]
  vertical?: BusinessVertical
}

/** `GET /{media-id}`. The URL is valid 5 minutes and needs the bearer token. */
export type MediaInfo = {
  messaging_product?: 'whatsapp'
  url: string
  mime_type: string
  sha256: string
  /** A STRING in Meta's examples; a number in some answers. */
  file_size: string | number
  id: string
}

export type MediaUploadResponse = { id: string }
