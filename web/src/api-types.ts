// The API's JSON shapes as the dashboard reads them (src/http/presenters/*, the inbox query).
// Written out here rather than imported: the server's modules do not type-check against the
// browser's libraries. test-browser/api-types.check.ts (root type-check) asserts that every
// server presenter still fits these, so a change on either side fails `npm run typecheck`.

export type Millis = number

export type MessageError = {
  code: number
  title: string | null
  details: string | null
  explanation: string | null
}

export type MessageMedia = {
  id: string
  state: 'pending' | 'ready' | 'failed'
  mimeType: string | null
  size: number | null
  filename: string | null
  error: string | null
  url: string | null
}

export type Message = {
  id: string
  conversationId: string
  direction: 'in' | 'out'
  type: string
  content: unknown
  wamid: string | null
  status: string
  statusAt: Millis
  replyTo: string | null
  error: MessageError | null
  reactions: { emoji: string; direction: string; at: Millis }[]
  media: MessageMedia | null
  createdAt: Millis
}

export type Conversation = {
  id: string
  tenantId: string
  numberId: string
  phoneNumberId: string
  displayPhoneNumber: string | null
  contact: { id: string; waId: string | null; userId: string | null; name: string | null }
  status: ConversationStatus
  assigneeUserId: string | null
  unreadCount: number
  lastMessageAt: Millis | null
  lastMessagePreview: string | null
  lastInboundAt: Millis | null
  window: { open: boolean; closesAt: Millis | null }
  labels: Label[]
  /** False once the business number left the tenant: read-only. */
  numberInTenant: boolean
  /** With a search (`q`): why it was found. Render snippet parts as text; mark the `hit` ones. */
  match?: SearchMatch
}

export type SearchMatch = { messageId: string | null; snippet: { text: string; hit: boolean }[] }

export type ConversationStatus = 'open' | 'pending' | 'resolved'

// The team inbox (docs/TEAM-INBOX.md).
export type Label = { id: string; name: string; color: string }

export type Agent = {
  id: string
  email: string
  presence: 'available' | 'away'
  lastAssignedAt: Millis | null
}

/** A line of a conversation's activity: a status change, an assignment, labels, a private note. */
export type Activity = {
  id: string
  conversationId: string
  kind: 'status' | 'assigned' | 'note' | 'labels'
  actor: string
  actorUserId: string | null
  body: string | null
  data: Record<string, unknown>
  createdAt: Millis
}

export type AppNotification = {
  id: string
  kind: 'mention'
  conversationId: string
  activityId: string | null
  noteBody: string | null
  byUserId: string | null
  readAt: Millis | null
  createdAt: Millis
}

export type CannedReply = {
  id: string
  shortcut: string
  body: string
  rendered?: string
  createdAt: Millis
  updatedAt: Millis
}

export type Contact = {
  id: string
  tenantId: string
  name: string | null
  profileName: string | null
  waId: string | null
  userId: string | null
  attributes: Record<string, string>
  blockedAt: Millis | null
  numberHistory: { oldWaId: string; newWaId: string; at: Millis }[]
  conversations: {
    id: string
    numberId: string
    displayPhoneNumber: string | null
    status: string
    assigneeUserId: string | null
    lastMessageAt: Millis | null
    lastMessagePreview: string | null
  }[]
}

export type BlockResult = { numberId: string; phoneNumberId: string; ok: boolean; error: string | null }

export type User = {
  id: string
  email: string
  role: 'admin' | 'agent'
  tenantId: string | null
  mustChangePassword: boolean
  disabled: boolean
  createdAt: Millis
  lastLoginAt: Millis | null
}

export type PhoneNumber = {
  id: string
  phoneNumberId: string
  wabaRowId: string
  tenantId: string | null
  displayPhoneNumber: string | null
  verifiedName: string | null
  nameStatus: string | null
  qualityRating: string | null
  messagingLimitTier: string | null
  throughputLevel: string | null
  throughputMps: number | null
  codeVerificationStatus: string | null
  status: string | null
  accountMode: string | null
  registered: boolean | null
  isSandbox: boolean
  refreshedAt: Millis | null
}

export type Tenant = {
  id: string
  name: string
  enabled: boolean
  whatsappEnabled: boolean
  defaultNumberId: string | null
  numbers: { id: string; phoneNumberId: string; displayPhoneNumber: string | null }[]
  callbackUrl: string | null
}

/** GET /api/v1/admin/settings: what applies to every tenant (seed 001). */
export type ChannelSettings = {
  defaultNumberId: string | null
  defaultPhoneNumberId: string | null
  whatsappEnabled: boolean
}

/** GET /api/v1/admin/audit: one admin action. */
export type AuditEntry = {
  id: string
  at: Millis
  actor: string
  action: string
  targetType: string | null
  targetId: string | null
  tenantId: string | null
  details: Record<string, unknown> | null
}

export type ApiKey = {
  id: string
  tenantId: string | null
  name: string | null
  hint: string
  scopes: ('send' | 'read' | 'admin')[]
  createdAt: Millis
  lastUsedAt: Millis | null
  revokedAt: Millis | null
}

export type MetaApp = {
  id: string
  appId: string
  name: string | null
  appSecretLast4: string | null
  verifyTokenLast4: string
}

export type AddAppResult = {
  app: MetaApp
  created: boolean
  callbackUrl: string
  verifyToken?: string
  warnings: string[]
}

export type Waba = {
  id: string
  wabaId: string
  name: string | null
  tenantId: string | null
  tokenLast4: string
  tokenType: string | null
  tokenExpiresAt: Millis | null
  isSandbox: boolean
  numberCount: number
}

export type Template = {
  id: string
  wabaRowId: string
  name: string
  language: string
  category: string | null
  status: string
  qualityScore: string | null
  rejectedReason: string | null
  parameterFormat: string | null
  components: unknown[]
  syncedAt: Millis | null
  updatedAt: Millis
  lastUsedAt: Millis | null
  preview: TemplatePreview
}

/** A template as WhatsApp shows it, rendered by the server (POST /api/v1/templates/preview). */
export type TemplatePreview = {
  header: { format: string; text?: string } | null
  body: string
  footer: string | null
  buttons: { type: string; text: string; url?: string; phone_number?: string }[]
  text: string
}

export type WebhookStatus = {
  callbackUrl: string
  subscribed: boolean
  wabaOverride: string | null
  numbers: {
    phoneNumberId: string
    displayPhoneNumber: string | null
    numberOverride: string | null
    effective: { level: 'number' | 'waba' | 'application'; url: string } | null
    pointsToUs: boolean
  }[]
  ok: boolean
  problems: { problem: string; fix: string }[]
}

export type Session = { user: User; csrfToken: string }

/** One event of GET /api/v1/live (src/http/routes/live.ts). */
export type LiveEvent = {
  id: number
  kind: string
  tenantId: string | null
  subjectId: string | null
  payload: Record<string, unknown> | null
  createdAt: Millis
}

/** A raw webhook of GET /api/v1/admin/events. */
export type WebhookEvent = {
  id: string
  receivedAt: Millis
  outcome: string
  outcomeReason: string | null
  phoneNumberIds: string[]
  processedAt: Millis | null
  attempts: number
  size: number
  /** message:<type>, status:<status>, field:<field> or errors, once each. */
  types: string[]
}

/** One finding of the doctor (GET /api/v1/admin/diagnostics): status, what was seen, the fix. */
export type DoctorCheck = {
  id: string
  title: string
  subject: string | null
  status: 'pass' | 'warn' | 'fail'
  seen: string
  fix: string | null
}

export type DoctorReport = {
  generatedAt: Millis
  checks: DoctorCheck[]
  summary: { pass: number; warn: number; fail: number }
  ok: boolean
}

// Analytics (src/http/routes/analytics/schema.ts).
export type AnalyticsFigures = {
  sent: number
  received: number
  delivered: number
  read: number
  failed: number
  replies: number
  billable: number
  unpriced: number
  cbp: number
  optOuts: number
  cost: number
  deliveryRate: number | null
  readRate: number | null
  firstResponses: number
  avgFirstResponseSeconds: number | null
  resolutions: number
  avgResolutionSeconds: number | null
}

export type AnalyticsSummary = {
  from: number
  to: number
  currency: string | null
  figures: AnalyticsFigures
}
export type AnalyticsSeries = {
  interval: string
  currency: string | null
  points: ({ at: number } & AnalyticsFigures)[]
}
export type AnalyticsBreakdown = {
  by: string
  currency: string | null
  rows: ({ key: string } & AnalyticsFigures)[]
}
export type AnalyticsFailures = {
  failures: { code: number; count: number; title: string; meaning: string; fix: string; category: string }[]
}
type NumberValues = {
  quality_rating: string | null
  messaging_limit_tier: string | null
  throughput_level: string | null
}
export type AnalyticsNumbers = {
  numbers: {
    numberId: string
    phoneNumberId: string
    displayPhoneNumber: string | null
    tenantId: string | null
    current: NumberValues
    history: ({ at: number } & NumberValues)[]
  }[]
}

/** GET /api/v1/admin/golive (src/http/presenters/golive.ts). */
export type GoliveStepState = 'done' | 'todo' | 'failing' | 'manual' | 'unknown'
export type GoliveStep = {
  id: string
  title: string
  state: GoliveStepState
  seen: string
  fix: string | null
  doctorCheckId: string | null
  metaUiPlace: string | null
}
export type GoliveGuide = {
  generatedAt: Millis
  waba: { id: string; wabaId: string; name: string | null } | null
  number: { id: string; phoneNumberId: string; display: string | null; isSandbox: boolean } | null
  steps: GoliveStep[]
  summary: Record<GoliveStepState, number>
  live: boolean
  next: string | null
  sandbox: SandboxCarryOver | null
}

/** GET /api/v1/admin/golive/sandbox: what "Go live" carries over from the Sandbox (decision 0083). */
export type CarriedTemplate = {
  name: string
  language: string
  category: string
  origin: 'authored' | 'sample'
  carry: 'offered' | 'submitted' | 'not_carried'
  status: string | null
  rejectedReason: string | null
  reason: string | null
}
export type SandboxCarryOver = {
  tenant: { id: string; name: string; defaultNumberId: string | null } | null
  numbers: { phoneNumberId: string; display: string | null }[]
  target: { id: string; wabaId: string; name: string | null } | null
  templates: CarriedTemplate[]
}
export type CarryResult = {
  tenant: { name: string; number: string } | null
  templates: {
    name: string
    language: string
    outcome: 'submitted' | 'skipped' | 'failed'
    status: string | null
    error: { code: string; message: string; fix: string } | null
  }[]
  carryOver: SandboxCarryOver
}

/** POST /api/v1/admin/wabas/{id}/token/check (src/http/presenters/token-info.ts). */
export type TokenCheck = {
  type: string | null
  expiresAt: Millis | null
  scopes: string[]
  wabaIds: string[]
  warnings: string[]
  refusal: { code: string; message: string; fix: string } | null
}

/** GET /api/v1/admin/golive/alerts. */
export type TokenAlert = {
  id: string
  wabaId: string
  name: string | null
  tokenType: string | null
  expiresAt: Millis
  expired: boolean
  fix: string
}

/** GET /api/v1/signup/config and the signup attempts (src/http/presenters/signup.ts). */
export type SignupConfig = {
  available: boolean
  reason: string | null
  appId: string | null
  configId: string | null
  graphVersion: string
  standInUrl: string | null
  /** The Facebook JavaScript SDK to load (Meta's, or the emulator's stand-in); null = the stand-in page. */
  sdkUrl: string | null
}
export type SignupAttempt = {
  id: string
  status: 'running' | 'failed' | 'done'
  wabaId: string
  phoneNumberId: string
  steps: {
    step: string
    state: 'pending' | 'done' | 'failed'
    at: Millis | null
    error?: { code: string; message: string; fix: string }
  }[]
  createdAt: Millis
  updatedAt: Millis
}

// Campaigns, audiences and the suppression list (src/http/presenters/campaign.ts, docs/CAMPAIGNS.md).

export type CampaignStatus = 'draft' | 'scheduled' | 'running' | 'paused' | 'cancelled' | 'completed'

export type CampaignParameter = {
  component?: 'body' | 'header'
  name?: string
  attribute?: string
  text?: string
}

export type Campaign = {
  id: string
  name: string
  audienceId: string
  numberId: string
  template: { name: string; language: string }
  parameters: CampaignParameter[]
  status: CampaignStatus
  reason: string | null
  pausedBy: string | null
  qualityGuard: 'RED' | 'YELLOW'
  startAt: Millis | null
  timeZone: string
  quietHours: string | null
  rateMps: number | null
  resumeAt: Millis | null
  launchedAt: Millis | null
  finishedAt: Millis | null
  createdAt: Millis
  updatedAt: Millis
}

export type CampaignProgress = {
  recipients: number
  pending: number
  queued: number
  sending: number
  sent: number
  delivered: number
  read: number
  failed: number
  unknown: number
  cancelled: number
  skipped: { optedOut: number; invalid: number }
  failedByCode: Record<string, number>
  replied: number
  optedOut: number
  costMicros: number
  currency: string | null
}

export type CampaignDryRun = {
  audience: number
  wouldSend: number
  skipped: { optedOut: number; invalid: number; duplicate: number; overLimit: number }
  messagingLimit: { tier: string | null; cap: number | null; usedToday: number; available: number | null }
  throughputMps: number
  estimatedCost: {
    currency: string | null
    totalMicros: number
    unpriced: number
    byCountry: { country: string; category: string; recipients: number; micros: number }[]
  }
}

export type AudienceRowError = { row: number; field: string; problem: string }

export type Audience = {
  id: string
  name: string
  source: 'csv' | 'filter' | 'inline'
  size: number
  rejected: number
  duplicates: number
  columns: string[]
  errors: AudienceRowError[]
  createdAt: Millis
}

export type Suppression = {
  waId: string
  source: string
  detail: string | null
  messageId: string | null
  createdAt: Millis
}

// Integrations: webhook subscriptions, their delivery log and the website widget
// (src/http/presenters/webhook-subscription.ts, widget-settings.ts; docs/INTEGRATIONS.md).

export type WebhookSubscription = {
  id: string
  url: string
  description: string | null
  events: string[]
  legacy: boolean
  enabled: boolean
  disabledReason: string | null
  failingSince: Millis | null
  hasSecret: boolean
  createdAt: Millis
  updatedAt: Millis
}

export type WebhookAttempt = {
  id: string
  deliveryId: string | null
  eventId: number | null
  eventKind: string
  webhookId: string
  httpStatus: number | null
  ok: boolean
  latencyMs: number
  responseExcerpt: string | null
  error: string | null
  at: Millis
  attempt: number | null
}

export type WebhookDelivery = {
  id: string
  eventId: number
  eventKind: string
  status: 'pending' | 'delivered' | 'failed'
  attempts: number
  lastError: string | null
  createdAt: Millis
  updatedAt: Millis
}

export type WidgetSettings = {
  publicKey: string
  enabled: boolean
  allowedOrigins: string[]
  replyMode: 'template' | 'link'
  template: { name: string; language: string } | null
  captchaVerifyUrl: string | null
  embed: string
  updatedAt: Millis
}
