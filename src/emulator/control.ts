import { randomBytes } from 'node:crypto'
import type { EmulatorContext } from './context.ts'
import { addCustomer, customerSends, findCustomer, updateCustomer } from './customers.ts'
import { applyFaults, type Faults, noFaults } from './faults.ts'
import { GraphError, invalidParam } from './graph-errors.ts'
import { newObjectId } from './ids.ts'
import type { LedgerEntry, LedgerFilter } from './ledger.ts'
import { presentCustomer, snapshotState } from './state-snapshot.ts'
import { setTemplateStatus } from './templates-admin.ts'
import type { JsonObject, PhoneNumber, QualityRating, Template, TemplateStatus } from './types.ts'
import { isObject, oneOf } from './validate-helpers.ts'
import { qualityValue } from './webhook-payloads.ts'

// The control commands behind /_emulator/* (docs/EMULATOR.md), also handed to in-process users
// as `emulator.control`. Errors use Meta's envelope with code 100 (404 for unknown objects).

function notFound(what: string): GraphError {
  return new GraphError(100, `${what} was not found`, { httpStatus: 404 })
}

function numberOf(ctx: EmulatorContext, id: string): PhoneNumber {
  const n = ctx.state.numbers.get(id)
  if (!n) throw notFound(`Phone number ${id}`)
  return n
}

const qualityOrder: Record<QualityRating, number> = { NA: 0, RED: 1, YELLOW: 2, GREEN: 3 }
const templateStatuses = [
  'APPROVED',
  'REJECTED',
  'PAUSED',
  'DISABLED',
  'REINSTATED',
  'PENDING',
  'IN_APPEAL',
] as const

export type Control = ReturnType<typeof createControl>

export function createControl(ctx: EmulatorContext) {
  return {
    state: (): JsonObject => snapshotState(ctx),
    addCustomer: (input: unknown): JsonObject => presentCustomer(addCustomer(ctx, input)),
    updateCustomer: (id: string, input: unknown): JsonObject =>
      presentCustomer(updateCustomer(ctx, id, input)),
    customer: (id: string): JsonObject => {
      const c = findCustomer(ctx, id)
      if (!c) throw notFound(`Customer ${id}`)
      return presentCustomer(c)
    },
    setUndeliverable: (id: string, undeliverable = true): JsonObject =>
      presentCustomer(updateCustomer(ctx, id, { undeliverable })),
    /** The customer sends `message` (Meta's inbound shape minus from/id/timestamp); returns the wamid. */
    customerSends: (id: string, message: unknown, options: { phoneNumberId?: string } = {}) =>
      customerSends(ctx, id, message, options),

    setWebhookUrl: (url: string | null, appSecret?: string): JsonObject => {
      if (url !== null && typeof url !== 'string') throw invalidParam('Param url must be a string or null.')
      if (url) {
        try {
          const u = new URL(url)
          if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('not http')
        } catch {
          throw invalidParam('Param url must be an http(s) URL.')
        }
      }
      ctx.state.app.callbackUrl = url || undefined
      if (typeof appSecret === 'string' && appSecret !== '') ctx.state.app.secret = appSecret
      return { callback_url: ctx.state.app.callbackUrl ?? null }
    },

    expireToken: (token: string): JsonObject => {
      const t = ctx.state.tokens.get(token)
      if (!t) throw notFound('Token')
      t.expiresAt = Math.floor(Date.now() / 1000) - 1
      return { success: true }
    },
    revokeToken: (token: string): JsonObject => {
      const t = ctx.state.tokens.get(token)
      if (!t) throw notFound('Token')
      t.revoked = true
      return { success: true }
    },
    /** A new token; `expires_in` seconds (e.g. 86400 for a temporary 24 h token), 0 = never. */
    addToken: (input: unknown): JsonObject => {
      const body = isObject(input) ? input : {}
      const token =
        typeof body.token === 'string' && body.token ? body.token : `EAAW${randomBytes(24).toString('hex')}`
      const expiresIn = typeof body.expires_in === 'number' && body.expires_in > 0 ? body.expires_in : 0
      const now = Math.floor(Date.now() / 1000)
      const noPermission = body.kind === 'no_permission'
      ctx.state.tokens.set(token, {
        token,
        appId: ctx.state.app.id,
        type: body.type === 'USER' ? 'USER' : 'SYSTEM_USER',
        userId: newObjectId(),
        scopes: noPermission
          ? ['public_profile']
          : ['whatsapp_business_management', 'whatsapp_business_messaging', 'business_management'],
        wabaIds: [...ctx.state.wabas.keys()],
        issuedAt: now,
        expiresAt: expiresIn ? now + expiresIn : 0,
        revoked: false,
      })
      return { token, expires_at: expiresIn ? now + expiresIn : 0 }
    },

    /** mps: a number, or 0 / null for unlimited. Level HIGH sends THROUGHPUT_UPGRADE (M-THR). */
    setThroughput: (id: string, mps: number | null, level?: string): JsonObject => {
      const n = numberOf(ctx, id)
      if (mps !== null && (typeof mps !== 'number' || !Number.isFinite(mps) || mps < 0)) {
        throw invalidParam('Param mps must be a non-negative number (0 or null = unlimited).')
      }
      n.throughputMps = mps === null || mps === 0 ? Infinity : mps
      ctx.throughput.reset(n.id)
      if (level !== undefined) {
        const next = oneOf(level, 'level', ['STANDARD', 'HIGH', 'NOT_APPLICABLE'] as const)
        const upgraded = next === 'HIGH' && n.throughputLevel !== 'HIGH'
        n.throughputLevel = next
        if (upgraded) {
          n.messagingLimitTier = 'TIER_UNLIMITED'
          ctx.webhooks.emit({
            wabaId: n.wabaId,
            field: 'phone_number_quality_update',
            value: qualityValue(n, 'THROUGHPUT_UPGRADE'),
          })
        }
      }
      return {
        id: n.id,
        throughput_mps: Number.isFinite(n.throughputMps) ? n.throughputMps : null,
        level: n.throughputLevel,
      }
    },

    /**
     * The number's messaging limit (TIER_250, TIER_1K, TIER_2K, TIER_10K, TIER_100K,
     * TIER_UNLIMITED): read back by Graph and announced with phone_number_quality_update.
     */
    setMessagingLimit: (id: string, tier: string): JsonObject => {
      const n = numberOf(ctx, id)
      const next = oneOf(tier, 'messaging_limit_tier', [
        'TIER_50',
        'TIER_250',
        'TIER_1K',
        'TIER_2K',
        'TIER_10K',
        'TIER_100K',
        'TIER_UNLIMITED',
      ] as const)
      const before = n.messagingLimitTier
      n.messagingLimitTier = next
      if (next !== before) {
        ctx.webhooks.emit({
          wabaId: n.wabaId,
          field: 'phone_number_quality_update',
          // Not UPGRADE/DOWNGRADE: those legacy events also carried a quality change (FACTS §1.7).
          value: qualityValue(n, 'MESSAGING_LIMIT_UPDATE'),
        })
      }
      return { id: n.id, messaging_limit_tier: next }
    },

    /** New quality rating; sends phone_number_quality_update (legacy UPGRADE / DOWNGRADE events). */
    setQuality: (id: string, rating: string): JsonObject => {
      const n = numberOf(ctx, id)
      const next = oneOf(rating, 'quality_rating', ['GREEN', 'YELLOW', 'RED', 'NA'] as const)
      const before = n.qualityRating
      n.qualityRating = next
      const event = qualityOrder[next] < qualityOrder[before] ? 'DOWNGRADE' : 'UPGRADE'
      if (next !== before) {
        ctx.webhooks.emit({
          wabaId: n.wabaId,
          field: 'phone_number_quality_update',
          value: qualityValue(n, event),
        })
      }
      return { id: n.id, quality_rating: next, event: next === before ? null : event }
    },

    /** Registration, development mode and its allowed list, verified name. */
    updateNumber: (id: string, input: unknown): JsonObject => {
      const n = numberOf(ctx, id)
      const body = isObject(input) ? input : {}
      if (typeof body.registered === 'boolean') n.registered = body.registered
      if (body.account_mode !== undefined)
        n.accountMode = oneOf(body.account_mode, 'account_mode', ['LIVE', 'SANDBOX'] as const)
      if (Array.isArray(body.allowed_recipients)) {
        n.allowedRecipients = body.allowed_recipients
          .filter((r): r is string => typeof r === 'string')
          .map((r) => r.replace(/\D/g, ''))
      }
      if (typeof body.verified_name === 'string') n.verifiedName = body.verified_name
      if (typeof body.name_status === 'string') n.nameStatus = body.name_status
      // A number-level override set in Meta's screens or by another tool ('' or null removes it).
      if (body.override_callback_uri === null || body.override_callback_uri === '')
        n.webhookOverride = undefined
      else if (typeof body.override_callback_uri === 'string')
        n.webhookOverride = { uri: body.override_callback_uri, verifyToken: '' }
      if (body.pin === null) n.pin = undefined
      else if (typeof body.pin === 'string') n.pin = body.pin
      return {
        id: n.id,
        registered: n.registered,
        account_mode: n.accountMode,
        allowed_recipients: n.allowedRecipients,
      }
    },

    /**
     * The app's settings in Meta's App Dashboard: App Mode ('development' puts every number in
     * SANDBOX account mode, 'live' back in LIVE) and the Privacy Policy URL ('' = unset).
     */
    updateApp: (input: unknown): JsonObject => {
      const body = isObject(input) ? input : {}
      const app = ctx.state.app
      if (body.mode !== undefined) {
        app.mode = oneOf(body.mode, 'mode', ['development', 'live'] as const)
        for (const n of ctx.state.numbers.values()) n.accountMode = app.mode === 'live' ? 'LIVE' : 'SANDBOX'
      }
      if (typeof body.privacy_policy_url === 'string') app.privacyPolicyUrl = body.privacy_policy_url
      return { id: app.id, mode: app.mode, privacy_policy_url: app.privacyPolicyUrl || null }
    },

    /**
     * A WABA as Meta's screens leave it: business verification, payment method (null = none),
     * subscription of the app and a WABA-level override ('' or null removes it).
     */
    updateWaba: (id: string, input: unknown): JsonObject => {
      const w = ctx.state.wabas.get(id)
      if (!w) throw notFound(`WABA ${id}`)
      const body = isObject(input) ? input : {}
      if (typeof body.business_verification_status === 'string')
        w.businessVerificationStatus = body.business_verification_status
      if (body.primary_funding_id === null) w.primaryFundingId = undefined
      else if (typeof body.primary_funding_id === 'string') w.primaryFundingId = body.primary_funding_id
      if (body.subscribed === false) w.subscriptions.delete(ctx.state.app.id)
      else if (body.subscribed === true && !w.subscriptions.has(ctx.state.app.id))
        w.subscriptions.set(ctx.state.app.id, {})
      if (body.override_callback_uri !== undefined) {
        const uri = typeof body.override_callback_uri === 'string' ? body.override_callback_uri : ''
        w.subscriptions.set(ctx.state.app.id, uri ? { overrideCallbackUri: uri, verifyToken: '' } : {})
      }
      const sub = w.subscriptions.get(ctx.state.app.id)
      return {
        id: w.id,
        business_verification_status: w.businessVerificationStatus,
        primary_funding_id: w.primaryFundingId ?? null,
        subscribed: sub !== undefined,
        override_callback_uri: sub?.overrideCallbackUri ?? null,
      }
    },

    /** Approve / reject / pause / disable / reinstate a template by id or name+language. */
    setTemplateStatus: (input: unknown): JsonObject => {
      const body = isObject(input) ? input : {}
      let template: Template | undefined
      if (typeof body.id === 'string') template = ctx.state.templates.get(body.id)
      else {
        for (const t of ctx.state.templates.values()) {
          if (t.name === body.name && t.language === body.language && t.status !== 'DELETED') template = t
        }
      }
      if (!template) throw notFound('Template')
      const status = oneOf(body.status, 'status', templateStatuses)
      setTemplateStatus(
        ctx,
        template,
        status as TemplateStatus | 'REINSTATED',
        typeof body.reason === 'string' ? body.reason : undefined,
      )
      return { id: template.id, name: template.name, language: template.language, status: template.status }
    },

    faults: (): Faults => ctx.faults,
    setFaults: (input: unknown): Faults => {
      ctx.faults = applyFaults(ctx.faults, input)
      return ctx.faults
    },
    clearFaults: (): Faults => {
      ctx.faults = noFaults()
      return ctx.faults
    },

    ledger: (filter: LedgerFilter = {}): LedgerEntry[] => ctx.ledger.list(filter),
    clearLedger: (): void => ctx.ledger.clear(),

    setAutoReply: (enabled: boolean): JsonObject => {
      ctx.autoReply = enabled === true
      return { auto_reply: ctx.autoReply }
    },
    flushWebhooks: (): JsonObject => {
      ctx.webhooks.flush()
      return { pending: ctx.webhooks.pending() }
    },
    pendingWebhooks: (): number => ctx.webhooks.pending(),
    /** Any webhook field (account_update, template_category_update…) with a value you give. */
    emitWebhook: (input: unknown): JsonObject => {
      const body = isObject(input) ? input : {}
      if (typeof body.field !== 'string' || !isObject(body.value)) {
        throw invalidParam('The body needs "field" (string) and "value" (object).')
      }
      const wabaId = typeof body.waba_id === 'string' ? body.waba_id : [...ctx.state.wabas.keys()][0]
      if (!ctx.state.wabas.has(wabaId)) throw notFound(`WABA ${wabaId}`)
      const phoneNumberId = typeof body.phone_number_id === 'string' ? body.phone_number_id : undefined
      ctx.webhooks.emit({ wabaId, field: body.field, value: body.value, phoneNumberId })
      return { queued: true }
    },
  }
}
