import pino from 'pino'
import { tokenState } from './auth.ts'
import type { EmulatorContext, EmulatorLog } from './context.ts'
import { type Control, createControl } from './control.ts'
import { noFaults } from './faults.ts'
import { buildEmulatorApp } from './graph-app.ts'
import { createLedger } from './ledger.ts'
import { type EmulatorOptions, resolveOptions } from './options.ts'
import { createPairLimiter, createThroughputLimiter } from './rate-limits.ts'
import { createScheduler } from './scheduler.ts'
import { buildState, loadSeed } from './seed.ts'
import type { EmulatorState } from './types.ts'
import { createWebhookDispatcher } from './webhooks-out.ts'

export type { Control } from './control.ts'
export type { EmulatorDelays, EmulatorOptions } from './options.ts'
export type { EmulatorSeed } from './seed-types.ts'

/** The ids, tokens and secrets a user of the emulator needs (printed by `wahub emulator`). */
export type EmulatorSeedSummary = {
  appId: string
  appSecret: string
  verifyToken: string
  wabaId: string
  phoneNumberIds: string[]
  displayNumbers: string[]
  accessToken: string
  expiredToken: string
  noPermissionToken: string
  /** wa_id is '' for username-only customers (they have a user_id). */
  customers: { wa_id: string; name: string; user_id?: string }[]
  templates: { name: string; language: string }[]
}

export type Emulator = {
  /** Base URL, e.g. http://127.0.0.1:4010; Graph at `${url}/v23.0/...` (any version). */
  url: string
  seed: EmulatorSeedSummary
  /** In-process equivalents of the /_emulator control routes. */
  control: Control
  close(): Promise<void>
}

function createLog(enabled: boolean): EmulatorLog {
  if (!enabled) return { info() {}, warn() {}, error() {} }
  const logger = pino({ base: { service: 'wahub-emulator' }, redact: ['token', 'secret', 'appSecret'] })
  return {
    info: (fields, message) => logger.info(fields, message),
    warn: (fields, message) => logger.warn(fields, message),
    error: (fields, message) => logger.error(fields, message),
  }
}

function summarise(state: EmulatorState): EmulatorSeedSummary {
  const now = Date.now()
  const tokens = [...state.tokens.values()]
  const find = (pred: (t: (typeof tokens)[number]) => boolean) => tokens.find(pred)?.token ?? ''
  const numbers = [...state.numbers.values()]
  return {
    appId: state.app.id,
    appSecret: state.app.secret,
    verifyToken: state.app.verifyToken,
    wabaId: [...state.wabas.keys()][0] ?? '',
    phoneNumberIds: numbers.map((n) => n.id),
    displayNumbers: numbers.map((n) => n.displayPhoneNumber),
    accessToken: find(
      (t) => tokenState(t, now) === 'valid' && t.scopes.includes('whatsapp_business_messaging'),
    ),
    expiredToken: find((t) => tokenState(t, now) === 'expired'),
    noPermissionToken: find(
      (t) => tokenState(t, now) === 'valid' && !t.scopes.includes('whatsapp_business_messaging'),
    ),
    customers: [...state.customers.values()].map((c) => {
      const entry: { wa_id: string; name: string; user_id?: string } = {
        wa_id: c.waId ?? '',
        name: c.name ?? '',
      }
      if (c.userId) entry.user_id = c.userId
      return entry
    }),
    templates: [...state.templates.values()].map((t) => ({ name: t.name, language: t.language })),
  }
}

/**
 * Starts the Cloud API emulator (SPEC §9) on its own Fastify server. In-process callers (tests,
 * the sandbox of `wahub serve`) get the URL, the seeded ids and the control helpers.
 */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const resolved = resolveOptions(options)
  const now = Date.now()
  const seed = loadSeed(options.seed, now)
  const state = buildState(
    seed,
    resolved,
    { appSecret: options.appSecret, verifyToken: options.verifyToken, webhookUrl: options.webhookUrl },
    now,
  )
  const log = createLog(resolved.log)
  const ctx = {
    state,
    options: resolved,
    ledger: createLedger(resolved.ledgerLimit),
    scheduler: createScheduler((err) => log.error({ err: String(err) }, 'emulator timer failed')),
    throughput: createThroughputLimiter(),
    pair: createPairLimiter(),
    faults: noFaults(),
    baseUrl: '',
    log,
    counters: { webhooksWithoutCallback: 0, webhooksNotSubscribed: 0 },
    autoReply: resolved.autoReply,
  } as Omit<EmulatorContext, 'webhooks'> as EmulatorContext
  ctx.webhooks = createWebhookDispatcher(ctx)
  const control = createControl(ctx)
  const app = await buildEmulatorApp(ctx, control)
  await app.listen({ port: resolved.port, host: resolved.host })
  const address = app.server.address()
  const port = typeof address === 'object' && address ? address.port : resolved.port
  const host = resolved.host === '0.0.0.0' || resolved.host === '::' ? '127.0.0.1' : resolved.host
  ctx.baseUrl = `http://${host.includes(':') ? `[${host}]` : host}:${port}`
  log.info({ url: ctx.baseUrl }, 'emulator listening')
  return {
    url: ctx.baseUrl,
    seed: summarise(state),
    control,
    async close() {
      ctx.scheduler.close()
      await app.close()
    },
  }
}
