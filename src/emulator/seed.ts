import { readFileSync } from 'node:fs'
import { buildDefaultSeed } from './default-seed.ts'
import { newObjectId } from './ids.ts'
import type { ResolvedOptions } from './options.ts'
import type { EmulatorSeed, SeedCustomer, SeedPhoneNumber, SeedTemplate, SeedToken } from './seed-types.ts'
import type {
  Customer,
  EmulatorState,
  PhoneNumber,
  Template,
  TemplateCategory,
  TemplateStatus,
  Token,
  Waba,
} from './types.ts'

const allScopes = ['whatsapp_business_management', 'whatsapp_business_messaging', 'business_management']
const templateStatuses = new Set<string>([
  'APPROVED',
  'PENDING',
  'REJECTED',
  'PAUSED',
  'DISABLED',
  'IN_APPEAL',
  'PENDING_DELETION',
  'DELETED',
  'ARCHIVED',
  'LIMIT_EXCEEDED',
])

/** Reads a seed file or takes the object; a broken file stops the start with its path named. */
export function loadSeed(seed: EmulatorSeed | string | undefined, now: number): EmulatorSeed {
  const defaults = buildDefaultSeed(now)
  if (seed === undefined) return defaults
  let given: unknown = seed
  if (typeof seed === 'string') {
    try {
      given = JSON.parse(readFileSync(seed, 'utf8'))
    } catch (err) {
      throw new Error(`emulator seed ${seed} could not be read as JSON: ${(err as Error).message}`)
    }
  }
  if (given === null || typeof given !== 'object' || Array.isArray(given)) {
    throw new Error('emulator seed must be a JSON object with optional keys app, wabas, tokens, customers')
  }
  const s = given as EmulatorSeed
  for (const key of ['wabas', 'tokens', 'customers'] as const) {
    if (s[key] !== undefined && !Array.isArray(s[key]))
      throw new Error(`emulator seed: "${key}" must be an array`)
  }
  return {
    app: { ...defaults.app, ...(s.app ?? {}) },
    wabas: s.wabas ?? defaults.wabas,
    tokens: s.tokens ?? defaults.tokens,
    customers: s.customers ?? defaults.customers,
  }
}

export function digitsOf(display: string): string {
  return display.replace(/\D/g, '')
}

export function buildNumber(p: SeedPhoneNumber, wabaId: string, options: ResolvedOptions): PhoneNumber {
  if (typeof p?.id !== 'string' || typeof p.display_phone_number !== 'string') {
    throw new Error('emulator seed: each phone number needs string "id" and "display_phone_number"')
  }
  const level = p.throughput_level ?? 'STANDARD'
  const mps = p.throughput_mps ?? (level === 'HIGH' ? 1000 : options.throughput)
  return {
    id: p.id,
    wabaId,
    displayPhoneNumber: p.display_phone_number,
    digits: digitsOf(p.display_phone_number),
    verifiedName: p.verified_name ?? 'Emulated Business',
    nameStatus: 'APPROVED',
    codeVerificationStatus: 'VERIFIED',
    qualityRating: p.quality_rating ?? 'GREEN',
    throughputLevel: level,
    throughputMps: mps === 0 || !Number.isFinite(mps) ? Infinity : mps,
    messagingLimitTier: p.messaging_limit_tier ?? 'TIER_2K',
    registered: p.registered ?? true,
    pin: p.pin,
    accountMode: p.account_mode ?? 'LIVE',
    allowedRecipients: [...(p.allowed_recipients ?? [])],
    webhookOverride: p.override_callback_uri ? { uri: p.override_callback_uri, verifyToken: '' } : undefined,
    businessProfile: {
      about: 'Hello from the Wahub emulator',
      address: '',
      description: '',
      email: '',
      profile_picture_url: '',
      websites: [],
      vertical: 'OTHER',
    },
  }
}

export function buildTemplate(t: SeedTemplate, wabaId: string, now: number): Template {
  if (typeof t?.name !== 'string' || typeof t.language !== 'string' || !Array.isArray(t.components)) {
    throw new Error('emulator seed: each template needs "name", "language" and "components"')
  }
  const status = String(t.status ?? 'APPROVED').toUpperCase()
  return {
    id: t.id ?? newObjectId(),
    wabaId,
    name: t.name,
    language: t.language,
    category: (['MARKETING', 'UTILITY', 'AUTHENTICATION'].includes(t.category)
      ? t.category
      : 'UTILITY') as TemplateCategory,
    status: (templateStatuses.has(status) ? status : 'APPROVED') as TemplateStatus,
    parameterFormat: t.parameter_format === 'NAMED' ? 'NAMED' : 'POSITIONAL',
    components: t.components.map((c) => ({ ...c, type: String(c.type ?? '').toUpperCase() })),
    rejectedReason: 'NONE',
    qualityScore: 'UNKNOWN',
    createdAt: now,
  }
}

function buildToken(t: SeedToken, appId: string, wabaIds: string[], now: number): Token {
  if (typeof t?.token !== 'string' || t.token === '')
    throw new Error('emulator seed: each token needs "token"')
  const nowS = Math.floor(now / 1000)
  const kind = t.kind ?? 'valid'
  const expiresAt = kind === 'expired' ? nowS - 3600 : (t.expires_at ?? 0)
  return {
    token: t.token,
    appId,
    type: t.type ?? 'SYSTEM_USER',
    userId: newObjectId(),
    // A token without WhatsApp permissions answers 10 / 200 (FACTS §3.2).
    scopes: kind === 'no_permission' ? ['public_profile'] : (t.scopes ?? allScopes),
    wabaIds,
    issuedAt: kind === 'expired' ? nowS - 2 * 86400 : nowS - 86400,
    expiresAt,
    revoked: kind === 'revoked',
  }
}

export function customerKey(c: { waId?: string; userId?: string }): string {
  return c.waId ?? c.userId ?? ''
}

export function languageForWaId(waId: string | undefined): string {
  if (!waId) return 'en'
  if (waId.startsWith('34') || waId.startsWith('52') || waId.startsWith('54')) return 'es'
  if (waId.startsWith('55') || waId.startsWith('351')) return 'pt'
  if (waId.startsWith('33')) return 'fr'
  if (waId.startsWith('49')) return 'de'
  return 'en'
}

function toMs(value: string | number | undefined): number | undefined {
  if (value === undefined) return undefined
  const ms = typeof value === 'number' ? value : Date.parse(value)
  return Number.isFinite(ms) ? ms : undefined
}

export function buildCustomer(c: SeedCustomer): Customer {
  if (typeof c?.wa_id !== 'string' && typeof c?.user_id !== 'string') {
    throw new Error('emulator: a customer needs "wa_id" or "user_id"')
  }
  const waId = typeof c.wa_id === 'string' ? c.wa_id.replace(/\D/g, '') : undefined
  return {
    waId: waId || undefined,
    userId: c.user_id,
    username: c.username,
    name: c.name,
    language: c.language ?? languageForWaId(waId),
    undeliverable: c.undeliverable ?? false,
    lastInboundAt: toMs(c.last_inbound_at),
    lastPhoneNumberId: undefined,
    fepEligibleUntil: undefined,
    fepOpenUntil: undefined,
    autoReply: c.auto_reply,
    reads: c.reads ?? true,
    hideProfile: c.hide_profile ?? false,
  }
}

/** The whole state from a seed; options fill what the seed leaves open (secret, throughput…). */
export function buildState(
  seed: EmulatorSeed,
  options: ResolvedOptions,
  overrides: { appSecret?: string; verifyToken?: string; webhookUrl?: string },
  now: number,
): EmulatorState {
  const app = {
    id: seed.app?.id ?? '900000000000001',
    name: seed.app?.name ?? 'Wahub Emulator App',
    secret: overrides.appSecret ?? seed.app?.secret ?? 'emulator-app-secret',
    verifyToken: overrides.verifyToken ?? seed.app?.verify_token ?? 'emulator-verify-token',
    callbackUrl: overrides.webhookUrl ?? seed.app?.callback_url,
    privacyPolicyUrl: seed.app?.privacy_policy_url ?? 'https://example.com/privacy',
    mode: seed.app?.mode === 'development' ? ('development' as const) : ('live' as const),
  }
  const state: EmulatorState = {
    app,
    wabas: new Map(),
    numbers: new Map(),
    tokens: new Map(),
    templates: new Map(),
    media: new Map(),
    customers: new Map(),
    outbound: new Map(),
    inbound: new Map(),
  }
  for (const w of seed.wabas ?? []) {
    if (typeof w?.id !== 'string') throw new Error('emulator seed: each WABA needs a string "id"')
    const waba: Waba = {
      id: w.id,
      name: w.name ?? 'Emulated WABA',
      currency: w.currency ?? 'USD',
      timezoneId: w.timezone_id ?? '1',
      namespace: `emulator_${w.id}`,
      businessVerificationStatus: w.business_verification_status ?? 'verified',
      primaryFundingId:
        w.primary_funding_id === null ? undefined : (w.primary_funding_id ?? `fund_${w.id.slice(-6)}`),
      subscriptions: new Map(),
    }
    if (w.subscribed !== false) {
      waba.subscriptions.set(
        app.id,
        w.override_callback_uri ? { overrideCallbackUri: w.override_callback_uri, verifyToken: '' } : {},
      )
    }
    state.wabas.set(waba.id, waba)
    for (const p of w.phone_numbers ?? []) state.numbers.set(p.id, buildNumber(p, waba.id, options))
    for (const t of w.templates ?? []) {
      const template = buildTemplate(t, waba.id, now)
      state.templates.set(template.id, template)
    }
  }
  const wabaIds = [...state.wabas.keys()]
  for (const t of seed.tokens ?? []) state.tokens.set(t.token, buildToken(t, app.id, wabaIds, now))
  for (const c of seed.customers ?? []) {
    const customer = buildCustomer(c)
    state.customers.set(customerKey(customer), customer)
  }
  return state
}
