import type { ColumnType, Generated } from 'kysely'

// Row types of every table, as the migrations create them. Conventions (docs/decisions/0003):
// ids are text (`newId(prefix)`, time-ordered) except serial job/event ids; times are epoch
// milliseconds (int8); flags are integers 0/1; JSON is stored as text and parsed by the
// owning repo; secrets are only ever vault ciphertext (`*_enc` columns).

type Millis = number
type Flag = number // 0 | 1
type Json = string
type Bytes = Uint8Array
/** Set by the database on insert, optional when inserting. */
type Defaulted<T> = ColumnType<T, T | undefined, T>

export type MetaAppsTable = {
  id: string
  app_id: string
  name: string | null
  app_secret_enc: string | null
  verify_token_enc: string
  created_at: Millis
  updated_at: Millis
}

export type WabasTable = {
  id: string
  waba_id: string
  meta_app_id: string | null
  tenant_id: string | null // a tenant that brought its own WABA (help-desk case)
  name: string | null
  access_token_enc: string
  token_last4: string
  token_type: string | null
  token_expires_at: Millis | null
  api_version: string | null
  graph_url: string | null
  is_sandbox: Defaulted<Flag>
  created_at: Millis
  updated_at: Millis
}

export type PhoneNumbersTable = {
  id: string
  phone_number_id: string
  waba_id: string
  tenant_id: string | null
  display_phone_number: string | null
  verified_name: string | null
  name_status: string | null
  quality_rating: string | null
  messaging_limit_tier: string | null
  throughput_level: string | null
  throughput_mps: number | null
  code_verification_status: string | null
  platform_type: string | null
  status: string | null
  account_mode: string | null
  registered: Flag | null
  is_sandbox: Defaulted<Flag>
  refreshed_at: Millis | null
  created_at: Millis
  updated_at: Millis
}

export type TenantsTable = {
  id: string
  name: string
  enabled: Defaulted<Flag>
  whatsapp_enabled: Defaulted<Flag>
  default_phone_number_id: string | null
  default_country: string | null
  callback_url: string | null
  callback_secret_enc: string | null
  /** Round-robin assignment of new and reopened conversations among available agents. */
  auto_assign: Defaulted<Flag>
  created_at: Millis
  updated_at: Millis
}

export type SettingsTable = {
  key: string
  value: Json
  updated_at: Millis
}

export type UsersTable = {
  id: string
  email: string
  password_hash: string
  role: 'admin' | 'agent'
  tenant_id: string | null
  must_change_password: Defaulted<Flag>
  disabled: Defaulted<Flag>
  created_at: Millis
  last_login_at: Millis | null
  /** Team inbox: 'available' agents take round-robin assignments. */
  presence: Defaulted<'available' | 'away'>
  last_assigned_at: Millis | null
}

export type SessionsTable = {
  id: string // sha256 of the session token
  user_id: string
  csrf_token_hash: string
  created_at: Millis
  expires_at: Millis
  last_seen_at: Millis
}

export type ApiKeysTable = {
  id: string
  tenant_id: string | null // null = operator key (admin scope across tenants)
  name: string | null
  prefix: string
  key_hash: string
  scopes: string // comma-separated: send,read,admin
  created_at: Millis
  last_used_at: Millis | null
  revoked_at: Millis | null
}

export type RateCountersTable = {
  key: string
  count: number
  reset_at: Millis
}

export type ContactsTable = {
  id: string
  tenant_id: string
  wa_id: string | null
  user_id: string | null // business-scoped user id (username users, 2026)
  profile_name: string | null
  /** Contact panel (0008): the team's name for them, custom attributes, blocked by the business. */
  name: ColumnType<string | null, string | null | undefined, string | null>
  attributes: ColumnType<Json | null, Json | null | undefined, Json | null>
  blocked_at: ColumnType<Millis | null, Millis | null | undefined, Millis | null>
  created_at: Millis
  updated_at: Millis
}

/** Full-text search of the inbox (0023): a message (`m:<id>`) or a contact (`c:<id>`). */
export type SearchDocsTable = {
  seq: Generated<number>
  doc: string
  tenant_id: string
  contact_id: string
  conversation_id: string | null
  message_id: string | null
  /** What a person reads (snippets are cut from it). */
  text: string
  /** Its words as inbox/search-text.ts makes them (what is indexed). */
  body: string
}

/** SPEC §13: pending = waiting on the customer; an inbound message reopens (open). */
export type ConversationStatus = 'open' | 'pending' | 'resolved'

export type ConversationsTable = {
  id: string
  tenant_id: string
  phone_number_id: string
  contact_id: string
  status: ConversationStatus
  assignee_user_id: string | null
  last_inbound_at: Millis | null
  last_message_at: Millis | null
  last_message_preview: string | null
  unread_count: Defaulted<number>
  created_at: Millis
  updated_at: Millis
}

export type MessagesTable = {
  id: string
  tenant_id: string
  conversation_id: string
  phone_number_id: string
  contact_id: string
  direction: 'in' | 'out'
  type: string
  content: Json
  wamid: string | null
  status: string // received | queued | sending | sent | delivered | read | failed | unknown
  status_at: Millis
  meta_timestamp: Millis | null
  error_code: number | null
  error_title: string | null
  error_details: string | null
  error_explanation: string | null
  pricing_model: string | null
  pricing_category: string | null
  pricing_type: string | null
  billable: Flag | null
  context_wamid: string | null
  source: string | null
  created_by: string | null
  created_at: Millis
  updated_at: Millis
}

export type MessageStatusEventsTable = {
  id: string
  phone_number_id: string // Meta's phone_number_id as received (may be unknown to us)
  wamid: string
  status: string
  message_id: string | null
  meta_timestamp: Millis | null
  recipient_id: string | null
  errors: Json | null
  pricing: Json | null
  conversation: Json | null
  webhook_event_id: string | null
  created_at: Millis
}

export type ReactionsTable = {
  id: string
  tenant_id: string
  message_id: string | null
  target_wamid: string
  phone_number_id: string
  from_contact_id: string | null
  direction: 'in' | 'out'
  emoji: string
  wamid: string | null
  created_at: Millis
}

export type MediaTable = {
  id: string
  tenant_id: string | null
  message_id: string | null
  phone_number_id: string
  meta_media_id: string | null
  direction: 'in' | 'out'
  mime_type: string | null
  sha256: string | null
  size_bytes: number | null
  filename: string | null
  storage_path: string | null
  state: 'pending' | 'ready' | 'failed'
  attempts: Defaulted<number>
  error: string | null
  created_at: Millis
  updated_at: Millis
}

export type TemplatesTable = {
  id: string
  waba_id: string
  meta_template_id: string | null
  name: string
  language: string
  category: string | null
  status: string
  quality_score: string | null
  rejected_reason: string | null
  parameter_format: string | null
  components: Json
  synced_at: Millis | null
  updated_at: Millis
  /** When a send of it was last queued (to the minute; migration 0017). */
  last_used_at: ColumnType<Millis | null, Millis | null | undefined, Millis | null>
}

export type WebhookEventsTable = {
  id: string
  received_at: Millis
  body: Bytes
  signature_ok: Flag
  headers: Json | null // the request headers that matter for diagnosis (content-type, user-agent, signature)
  meta_app_id: string | null
  outcome: string // pending | processed | unrouted | rejected | failed
  outcome_reason: string | null
  phone_number_ids: string | null // comma-separated ids seen in the payload
  processed_at: Millis | null
  attempts: Defaulted<number>
}

export type JobsTable = {
  id: Generated<number>
  kind: string
  payload: Json
  run_at: Millis
  attempts: Defaulted<number>
  max_attempts: Defaulted<number>
  lane: string | null
  locked_by: string | null
  locked_at: Millis | null
  last_error: string | null
  failed_at: Millis | null
  created_at: Millis
}

export type IdempotencyKeysTable = {
  tenant_id: string
  key: string
  request_hash: string
  response: Json
  created_at: Millis
  expires_at: Millis
}

export type EventsTable = {
  id: Generated<number>
  tenant_id: string | null
  kind: string
  subject_id: string | null
  payload: Json
  created_at: Millis
}

export type AuditLogTable = {
  id: string
  at: Millis
  actor: string
  action: string
  target_type: string | null
  target_id: string | null
  tenant_id: string | null
  details: Json | null
}

export type MessageTransitionsTable = {
  id: string
  message_id: string
  tenant_id: string
  status: string // queued | sending | sent | throttled | retrying | failed | unknown | requeued
  at: Millis
  detail: Json | null
}

export type RateLanesTable = {
  key: string // number:<phone_numbers.id> | pair:<phone_numbers.id>:<recipient>
  kind: 'number' | 'pair'
  tat_us: number // GCRA theoretical arrival time, epoch microseconds
  strikes: Defaulted<number> // consecutive 131056 of a pair
  slowed_until: Defaulted<Millis> // a number lane runs at half rate until then (after 130429)
  updated_at: Millis
}

export type TemplateSyncMarksTable = {
  waba_id: string
  attempted_at: Millis
  completed_at: Millis | null // null or older than attempted_at: a sync is running somewhere
}

export type CallbackCursorTable = {
  name: string
  last_event_id: number
  pending: Json // [{ id, seenAt }]: ids skipped while their transaction may still commit
  version: number
  updated_at: Millis
}

export type WebhookSubscriptionsTable = {
  id: string
  tenant_id: string
  url: string
  description: string | null
  events: Json // ["message.*", "template.status"…]
  secret_enc: string | null
  legacy: Defaulted<Flag> // the tenant's callback URL (also signed X-Wahub-Signature-256)
  enabled: Defaulted<Flag>
  disabled_reason: string | null
  failing_since: Millis | null
  created_at: Millis
  updated_at: Millis
}

export type WebhookDeliveriesTable = {
  id: string
  subscription_id: string
  tenant_id: string
  event_id: number
  event_kind: string
  status: string // pending | delivered | failed
  attempts: Defaulted<number>
  last_error: string | null
  created_at: Millis
  updated_at: Millis
}

export type WebhookAttemptsTable = {
  id: string
  subscription_id: string
  tenant_id: string
  delivery_id: string | null
  event_id: number | null
  event_kind: string
  webhook_id: string
  http_status: number | null
  ok: Flag
  latency_ms: number
  response_excerpt: string | null
  error: string | null
  at: Millis
}

export type WidgetSettingsTable = {
  tenant_id: string
  public_key: string // pk_…: publishable, names the tenant
  enabled: Flag
  allowed_origins: Json // ["https://www.example.com"]
  reply_mode: string // template | link
  template_name: string | null
  template_language: string | null
  captcha_verify_url: string | null
  updated_at: Millis
}

export type PriceTablesTable = {
  id: string
  effective_from: string // YYYY-MM-DD (UTC)
  currency: string
  source: string
  rates: Json // { market: { category: micros } }
  imported_at: Millis
  imported_by: string | null
  tiers: Defaulted<string | null> // migration 0019: JSON volume tiers
}

export type MessageCostsTable = {
  message_id: string
  tenant_id: string
  model: string // PMP | CBP | none
  category: string | null
  market: string | null
  currency: string | null
  amount_micros: number | null // millionths of the currency unit; null = not priced
  price_table: string | null
  delivered_at: Millis
  created_at: Millis
  volume_rank: Defaulted<number | null> // migration 0019: its place in the month's volume (tiered categories)
}

export type AnalyticsHourlyTable = {
  tenant_id: string
  hour: Millis
  phone_number_id: string
  template: string
  category: string
  country: string
  direction: string
  outcome: string
  error_code: number
  messages: number
  delivered: number
  read: number
  failed: number
  replies: number
  billable: number
  unpriced: number
  cbp: number
  opt_outs: number
  cost_micros: number
  first_responses: Defaulted<number>
  first_response_ms: Defaulted<number>
  resolutions: Defaulted<number>
  resolution_ms: Defaulted<number>
}

// Migration 0019: the daily marginals (one dimension's values per tenant × day × direction).
export type AnalyticsDailyTable = {
  tenant_id: string
  day: Millis
  direction: string
  dimension: string // '' (totals) | number | template | category | country | outcome | error
  value: string
  messages: Defaulted<number>
  delivered: Defaulted<number>
  read: Defaulted<number>
  failed: Defaulted<number>
  replies: Defaulted<number>
  billable: Defaulted<number>
  unpriced: Defaulted<number>
  cbp: Defaulted<number>
  opt_outs: Defaulted<number>
  cost_micros: Defaulted<number>
  first_responses: Defaulted<number>
  first_response_ms: Defaulted<number>
  resolutions: Defaulted<number>
  resolution_ms: Defaulted<number>
}

export type AnalyticsResolutionsTable = {
  activity_id: string
  tenant_id: string
  conversation_id: string
  opened_at: Millis | null
  first_response_at: Millis | null
  resolved_at: Millis
}

export type AnalyticsVolumeTable = {
  waba_id: string
  month: string
  market: string
  category: string
  count: number
}

export type AnalyticsFoldedTable = {
  message_id: string
  bucket: string // the analytics_hourly key, fields joined by \u001f
  counts: string // the counters it added, comma-separated
}

export type AnalyticsCursorTable = {
  name: string
  updated_after: Millis
  version: number
  updated_at: Millis
}

export type NumberHistoryTable = {
  id: string
  phone_number_id: string
  at: Millis
  quality_rating: string | null
  messaging_limit_tier: string | null
  throughput_level: string | null
  source: string
}

// Team inbox (migration 0007).
export type ConversationActivityTable = {
  id: string
  tenant_id: string
  conversation_id: string
  kind: 'status' | 'assigned' | 'note' | 'labels'
  actor: string // 'user:<id>', 'api_key:<id>' or 'system'
  actor_user_id: string | null
  body: string | null // the note's text
  data: Json | null
  created_at: Millis
}

export type NotificationsTable = {
  id: string
  tenant_id: string
  user_id: string
  kind: 'mention'
  conversation_id: string
  activity_id: string | null
  read_at: Millis | null
  created_at: Millis
}

export type LabelsTable = {
  id: string
  tenant_id: string
  name: string
  color: string
  created_at: Millis
  updated_at: Millis
}

export type ConversationLabelsTable = {
  conversation_id: string
  label_id: string
  tenant_id: string
  created_at: Millis
}

export type CannedRepliesTable = {
  id: string
  tenant_id: string
  shortcut: string
  body: string
  created_by: string | null
  created_at: Millis
  updated_at: Millis
}

export type ContactNumberChangesTable = {
  id: string
  tenant_id: string
  contact_id: string
  old_wa_id: string
  new_wa_id: string
  at: Millis
}

// Campaigns (migration 0025).
export type SuppressionsTable = {
  tenant_id: string
  wa_id: string
  source: string
  detail: string | null
  message_id: string | null
  created_at: Millis
}

export type SuppressionSettingsTable = {
  tenant_id: string
  keywords: Json
  updated_at: Millis
}

export type AudiencesTable = {
  id: string
  tenant_id: string
  name: string
  source: 'csv' | 'filter' | 'inline'
  size: number
  rejected: number
  duplicates: number
  errors: Json
  columns: Json
  created_at: Millis
}

export type AudienceMembersTable = {
  audience_id: string
  row: number
  contact_id: string
  wa_id: string
  attributes: Json
}

export type CampaignStatus = 'draft' | 'scheduled' | 'running' | 'paused' | 'cancelled' | 'completed'

export type CampaignsTable = {
  id: string
  tenant_id: string
  name: string
  audience_id: string
  phone_number_id: string
  template_name: string
  template_language: string
  parameters: Json
  status: CampaignStatus
  reason: string | null
  paused_by: string | null
  quality_guard: 'RED' | 'YELLOW'
  start_at: Millis | null
  time_zone: string
  quiet_hours: string | null
  rate_mps: number | null
  pace_at: Millis | null
  resume_at: Millis | null
  launched_at: Millis | null
  finished_at: Millis | null
  created_by: string | null
  created_at: Millis
  updated_at: Millis
}

export type CampaignRecipientsTable = {
  campaign_id: string
  seq: number
  contact_id: string
  wa_id: string
  params: Json
  /** queued: its message waits to leave; done: its message has left (its outcome is the message's status). */
  state: 'pending' | 'queued' | 'done' | 'skipped' | 'cancelled'
  reason: string | null
  message_id: string | null
  queued_at: Millis | null
}

/** Embedded Signup attempts (issue 21, migration 0031; owned by onboarding/). */
export type SignupAttemptsTable = {
  id: string
  tenant_id: string
  actor: string
  status: string // running | failed | done
  waba_id: string
  phone_number_id: string
  token_enc: string | null
  steps: string
  created_at: Millis
  updated_at: Millis
}

export type Database = {
  signup_attempts: SignupAttemptsTable
  meta_apps: MetaAppsTable
  wabas: WabasTable
  phone_numbers: PhoneNumbersTable
  tenants: TenantsTable
  settings: SettingsTable
  users: UsersTable
  sessions: SessionsTable
  api_keys: ApiKeysTable
  rate_counters: RateCountersTable
  contacts: ContactsTable
  search_docs: SearchDocsTable
  conversations: ConversationsTable
  messages: MessagesTable
  message_status_events: MessageStatusEventsTable
  reactions: ReactionsTable
  media: MediaTable
  templates: TemplatesTable
  webhook_events: WebhookEventsTable
  jobs: JobsTable
  idempotency_keys: IdempotencyKeysTable
  events: EventsTable
  audit_log: AuditLogTable
  message_transitions: MessageTransitionsTable
  rate_lanes: RateLanesTable
  template_sync_marks: TemplateSyncMarksTable
  callback_cursor: CallbackCursorTable
  webhook_subscriptions: WebhookSubscriptionsTable
  webhook_deliveries: WebhookDeliveriesTable
  webhook_attempts: WebhookAttemptsTable
  widget_settings: WidgetSettingsTable
  price_tables: PriceTablesTable
  message_costs: MessageCostsTable
  analytics_hourly: AnalyticsHourlyTable
  analytics_folded: AnalyticsFoldedTable
  analytics_cursor: AnalyticsCursorTable
  analytics_daily: AnalyticsDailyTable
  analytics_resolutions: AnalyticsResolutionsTable
  analytics_volume: AnalyticsVolumeTable
  number_history: NumberHistoryTable
  conversation_activity: ConversationActivityTable
  notifications: NotificationsTable
  labels: LabelsTable
  conversation_labels: ConversationLabelsTable
  canned_replies: CannedRepliesTable
  contact_number_changes: ContactNumberChangesTable
  suppressions: SuppressionsTable
  suppression_settings: SuppressionSettingsTable
  audiences: AudiencesTable
  audience_members: AudienceMembersTable
  campaigns: CampaignsTable
  campaign_recipients: CampaignRecipientsTable
}
