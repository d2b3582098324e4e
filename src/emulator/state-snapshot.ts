import { tokenState } from './auth.ts'
import type { EmulatorContext } from './context.ts'
import { windowOpen } from './pricing.ts'
import type { Customer, JsonObject, OutboundMessage } from './types.ts'

// GET /_emulator/state: the whole emulated world as JSON (secrets included: this is a test tool).

const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString())
const dayMs = 24 * 60 * 60_000

export function presentCustomer(c: Customer, now = Date.now()): JsonObject {
  const open = windowOpen(c, now)
  return {
    wa_id: c.waId ?? null,
    user_id: c.userId ?? null,
    username: c.username ?? null,
    name: c.name ?? null,
    language: c.language,
    undeliverable: c.undeliverable,
    last_inbound_at: iso(c.lastInboundAt),
    window_open: open,
    window_expires_at: open && c.lastInboundAt !== undefined ? iso(c.lastInboundAt + dayMs) : null,
    free_entry_point_until: c.fepOpenUntil !== undefined && c.fepOpenUntil > now ? iso(c.fepOpenUntil) : null,
    auto_reply: c.autoReply ?? null,
    reads: c.reads,
    hide_profile: c.hideProfile,
  }
}

function presentOutbound(m: OutboundMessage): JsonObject {
  return {
    id: m.wamid,
    phone_number_id: m.phoneNumberId,
    to: m.customerKey,
    type: m.type,
    status: m.status,
    statuses: m.statusHistory.map((s) => ({
      status: s.status,
      at: iso(s.at),
      error_code: s.errorCode ?? null,
    })),
    pricing: m.pricing ?? null,
    created_at: iso(m.createdAt),
  }
}

export function snapshotState(ctx: EmulatorContext, limit = 1000): JsonObject {
  const { state } = ctx
  const now = Date.now()
  return {
    app: {
      id: state.app.id,
      name: state.app.name,
      secret: state.app.secret,
      verify_token: state.app.verifyToken,
      callback_url: state.app.callbackUrl ?? null,
    },
    wabas: [...state.wabas.values()].map((w) => ({
      id: w.id,
      name: w.name,
      currency: w.currency,
      subscribed_apps: [...w.subscriptions].map(([appId, s]) => ({
        app_id: appId,
        override_callback_uri: s.overrideCallbackUri ?? null,
      })),
      phone_number_ids: [...state.numbers.values()].filter((n) => n.wabaId === w.id).map((n) => n.id),
    })),
    phone_numbers: [...state.numbers.values()].map((n) => ({
      id: n.id,
      waba_id: n.wabaId,
      display_phone_number: n.displayPhoneNumber,
      digits: n.digits,
      verified_name: n.verifiedName,
      quality_rating: n.qualityRating,
      throughput_level: n.throughputLevel,
      throughput_mps: Number.isFinite(n.throughputMps) ? n.throughputMps : null,
      messaging_limit_tier: n.messagingLimitTier,
      registered: n.registered,
      pin: n.pin ?? null,
      account_mode: n.accountMode,
      allowed_recipients: n.allowedRecipients,
      override_callback_uri: n.webhookOverride?.uri ?? null,
      business_profile: n.businessProfile,
    })),
    tokens: [...state.tokens.values()].map((t) => ({
      token: t.token,
      type: t.type,
      state: tokenState(t, now),
      scopes: t.scopes,
      waba_ids: t.wabaIds,
      issued_at: t.issuedAt,
      expires_at: t.expiresAt,
    })),
    templates: [...state.templates.values()].map((t) => ({
      id: t.id,
      waba_id: t.wabaId,
      name: t.name,
      language: t.language,
      category: t.category,
      status: t.status,
      parameter_format: t.parameterFormat,
      rejected_reason: t.rejectedReason,
      components: t.components,
    })),
    media: [...state.media.values()].map((m) => ({
      id: m.id,
      phone_number_id: m.phoneNumberId,
      mime_type: m.mimeType,
      sha256: m.sha256Hex,
      file_size: m.bytes.length,
      filename: m.filename ?? null,
      deleted: m.deleted,
    })),
    customers: [...state.customers.values()].map((c) => presentCustomer(c, now)),
    messages: {
      outbound: [...state.outbound.values()].slice(-limit).map(presentOutbound),
      inbound: [...state.inbound.values()].slice(-limit).map((m) => ({
        id: m.wamid,
        phone_number_id: m.phoneNumberId,
        from: m.customerKey,
        type: m.type,
        at: iso(m.at),
        read: m.read,
      })),
    },
    faults: ctx.faults,
    auto_reply: ctx.autoReply,
    webhooks: {
      pending: ctx.webhooks.pending(),
      dropped_without_callback: ctx.counters.webhooksWithoutCallback,
      dropped_not_subscribed: ctx.counters.webhooksNotSubscribed,
    },
    options: {
      delays: ctx.options.delays,
      batch: ctx.options.batch,
      webhook_retry: ctx.options.webhookRetry,
      pair_rate_limit: ctx.options.pairRateLimit,
      template_review: ctx.options.templateReview,
      media_url_ttl_ms: ctx.options.mediaUrlTtlMs,
    },
  }
}
