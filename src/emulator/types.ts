// The emulator's in-memory model of Meta's side: apps, WABAs, numbers, tokens, templates, media,
// customers and the messages exchanged. Field names follow Meta's meaning (FACTS §6) but are
// camelCase here; the Graph routes present them in Meta's snake_case spelling.

export type QualityRating = 'GREEN' | 'YELLOW' | 'RED' | 'NA'
export type ThroughputLevel = 'STANDARD' | 'HIGH' | 'NOT_APPLICABLE'
export type AccountMode = 'LIVE' | 'SANDBOX'
export type TemplateCategory = 'MARKETING' | 'UTILITY' | 'AUTHENTICATION'
export type TemplateStatus =
  | 'APPROVED'
  | 'PENDING'
  | 'REJECTED'
  | 'PAUSED'
  | 'DISABLED'
  | 'IN_APPEAL'
  | 'PENDING_DELETION'
  | 'DELETED'
  | 'ARCHIVED'
  | 'LIMIT_EXCEEDED'
export type TokenType = 'SYSTEM_USER' | 'USER'
export type JsonObject = Record<string, unknown>

export type App = {
  id: string
  name: string
  secret: string
  verifyToken: string
  /** The app-level callback ("Configuration" page of the Meta app). */
  callbackUrl: string | undefined
  /** App settings > Basic > Privacy Policy URL (a Live-mode prerequisite); '' = not set. */
  privacyPolicyUrl: string
  /** The App Mode toggle; 'development' puts every number in SANDBOX account mode. */
  mode: 'development' | 'live'
}

export type Waba = {
  id: string
  name: string
  currency: string
  timezoneId: string
  namespace: string
  /** verified | pending | not_verified | rejected (the owning business portfolio's). */
  businessVerificationStatus: string
  /** The WABA's payment method (a funding source id); undefined = none added. */
  primaryFundingId: string | undefined
  /** appId → subscription; an app receives this WABA's webhooks only while subscribed (M-WH). */
  subscriptions: Map<string, { overrideCallbackUri?: string; verifyToken?: string }>
}

export type BusinessProfile = {
  about: string
  address: string
  description: string
  email: string
  profile_picture_url: string
  websites: string[]
  vertical: string
}

export type PhoneNumber = {
  id: string
  wabaId: string
  /** As Meta shows it, e.g. "+1 555-010-0001". */
  displayPhoneNumber: string
  /** Digits only: what webhooks carry in metadata.display_phone_number. */
  digits: string
  verifiedName: string
  nameStatus: string
  codeVerificationStatus: string
  qualityRating: QualityRating
  throughputLevel: ThroughputLevel
  /** Messages per second; Infinity = unlimited. M-THR: 80 by default, 1,000 when HIGH. */
  throughputMps: number
  messagingLimitTier: string
  registered: boolean
  /** Two-step verification PIN; undefined until the first register sets it. */
  pin: string | undefined
  accountMode: AccountMode
  /** Development-mode numbers may only message these wa_ids (131030 otherwise). */
  allowedRecipients: string[]
  webhookOverride: { uri: string; verifyToken: string } | undefined
  businessProfile: BusinessProfile
}

export type Token = {
  token: string
  appId: string
  type: TokenType
  userId: string
  scopes: string[]
  /** WABAs the token's granular scopes reach. */
  wabaIds: string[]
  issuedAt: number // unix seconds
  expiresAt: number // unix seconds; 0 = never (system user tokens)
  revoked: boolean
}

export type TemplateComponent = JsonObject & { type: string }

export type Template = {
  id: string
  wabaId: string
  name: string
  language: string
  category: TemplateCategory
  status: TemplateStatus
  parameterFormat: 'POSITIONAL' | 'NAMED'
  components: TemplateComponent[]
  rejectedReason: string
  qualityScore: string
  createdAt: number
  /** ms epochs of edits made while APPROVED (Meta's limits: 1 a day, 10 in 30 days). */
  approvedEdits?: number[]
}

export type Media = {
  id: string
  phoneNumberId: string
  mimeType: string
  bytes: Buffer
  sha256Hex: string
  filename: string | undefined
  createdAt: number
  deleted: boolean
}

export type Customer = {
  /** Phone-number identity; absent for username-only users (BSUID rollout, FACTS §1.2). */
  waId: string | undefined
  /** Business-scoped user id ("US.…"), 2026+. */
  userId: string | undefined
  username: string | undefined
  name: string | undefined
  language: string
  undeliverable: boolean
  /** ms epoch of the last message the customer sent: the 24-hour window starts here. */
  lastInboundAt: number | undefined
  /** Phone number the customer last wrote to (default target of their next message). */
  lastPhoneNumberId: string | undefined
  /** Click-to-WhatsApp: a reply before this time opens a 72 h free entry point window (M-PRICE). */
  fepEligibleUntil: number | undefined
  fepOpenUntil: number | undefined
  autoReply: boolean | undefined
  /** When false the customer never reads (no `read` status). */
  reads: boolean
  /** Omit `contacts[].profile` in webhooks for this customer (it happens at Meta). */
  hideProfile: boolean
}

export type StatusName = 'accepted' | 'sent' | 'delivered' | 'read' | 'failed'

export type OutboundMessage = {
  wamid: string
  phoneNumberId: string
  customerKey: string
  type: string
  body: JsonObject
  templateCategory: TemplateCategory | undefined
  apiVersion: number
  createdAt: number
  status: StatusName
  statusHistory: { status: StatusName; at: number; errorCode?: number }[]
  pricing: PricingInfo | undefined
  conversation: ConversationInfo | undefined
  bizOpaqueCallbackData: string | undefined
  /** Template quick-reply buttons (text, payload): what a customer can tap (auto-reply). */
  quickReplies: { text: string; payload: string }[]
}

export type InboundMessage = {
  wamid: string
  phoneNumberId: string
  customerKey: string
  type: string
  at: number
  read: boolean
}

export type PricingInfo = {
  billable: boolean
  pricing_model: 'PMP'
  type: 'regular' | 'free_customer_service' | 'free_entry_point'
  category: string
}

export type ConversationInfo = { id: string; expiration_timestamp?: string; origin: { type: string } }

export type EmulatorState = {
  app: App
  wabas: Map<string, Waba>
  numbers: Map<string, PhoneNumber>
  tokens: Map<string, Token>
  templates: Map<string, Template>
  media: Map<string, Media>
  /** Keyed by wa_id, or by user_id for username-only customers. */
  customers: Map<string, Customer>
  outbound: Map<string, OutboundMessage>
  inbound: Map<string, InboundMessage>
}
