// The JSON seed format (docs/EMULATOR.md "Seed format"). snake_case like Meta's own fields so a
// seed reads like the Graph objects it creates. Every top-level key is optional: a missing key
// takes the default seed's value.

export type SeedPhoneNumber = {
  id: string
  display_phone_number: string
  verified_name?: string
  quality_rating?: 'GREEN' | 'YELLOW' | 'RED' | 'NA'
  throughput_level?: 'STANDARD' | 'HIGH' | 'NOT_APPLICABLE'
  /** Messages per second; overrides the global `throughput` option for this number. */
  throughput_mps?: number
  messaging_limit_tier?: string
  registered?: boolean
  pin?: string
  account_mode?: 'LIVE' | 'SANDBOX'
  allowed_recipients?: string[]
  override_callback_uri?: string
}

export type SeedTemplate = {
  id?: string
  name: string
  language: string
  category: 'MARKETING' | 'UTILITY' | 'AUTHENTICATION'
  status?: string
  parameter_format?: 'POSITIONAL' | 'NAMED'
  /** Meta's creation shape: HEADER / BODY / FOOTER / BUTTONS (FACTS §6). */
  components: Record<string, unknown>[]
}

export type SeedWaba = {
  id: string
  name?: string
  currency?: string
  timezone_id?: string
  /** Whether the seeded app is subscribed (subscribed_apps). Default true. */
  subscribed?: boolean
  override_callback_uri?: string
  /** Default "verified". */
  business_verification_status?: string
  /** Default a funding id; null = no payment method. */
  primary_funding_id?: string | null
  phone_numbers?: SeedPhoneNumber[]
  templates?: SeedTemplate[]
}

export type SeedToken = {
  token: string
  kind?: 'valid' | 'expired' | 'no_permission' | 'revoked'
  type?: 'SYSTEM_USER' | 'USER'
  /** unix seconds; 0 = never expires. */
  expires_at?: number
  scopes?: string[]
}

export type SeedCustomer = {
  wa_id?: string
  user_id?: string
  username?: string
  name?: string
  language?: string
  undeliverable?: boolean
  /** ISO date or ms epoch; absent = never wrote (window closed). */
  last_inbound_at?: string | number
  auto_reply?: boolean
  reads?: boolean
  hide_profile?: boolean
}

export type EmulatorSeed = {
  app?: {
    id?: string
    name?: string
    secret?: string
    verify_token?: string
    callback_url?: string
    /** Default https://example.com/privacy; '' = not set. */
    privacy_policy_url?: string
    /** Default live. */
    mode?: 'development' | 'live'
  }
  wabas?: SeedWaba[]
  tokens?: SeedToken[]
  customers?: SeedCustomer[]
}
