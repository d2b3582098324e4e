import fs from 'node:fs'
import net from 'node:net'
import { createApiKey } from '../../src/accounts/api-keys.ts'
import type { LogLevel } from '../../src/config.ts'
import { type Emulator, type EmulatorOptions, startEmulator } from '../../src/emulator/index.ts'
import { startWahub, type Wahub } from '../../src/wahub.ts'
import { testConfig } from './config.ts'
import { createTestDb, type TestDb } from './db.ts'
import { captureLog } from './log-capture.ts'

// The whole product on real sockets for a test: a fresh database, the emulator in-process, and
// Wahub pointed at it (WAHUB_GRAPH_URL) and it at Wahub (its app callback, set through the
// emulator's control API), plus an operator API key. Every log line is captured (trace level
// by default) so tests can assert that no secret is ever logged. `onboardSeed` then connects
// the emulator's app, WABA and numbers the way an operator would, through the admin API.

export type HarnessOptions = {
  emulator?: EmulatorOptions
  /** Extra configuration (e.g. WAHUB_PUBLIC_URL); PORT and WAHUB_PUBLIC_URL default to a free local port. */
  env?: Record<string, string>
  /** Captured log level; default trace. */
  logLevel?: LogLevel
  /** Start the job workers (default true). */
  workers?: boolean
  /** The clock campaigns read (tests roll the messaging-limit window with it). */
  campaignClock?: { now: () => number; recheckMs?: number }
  /** A first run (with WAHUB_SANDBOX=on in env: the Sandbox beside the harness's emulator). */
  firstRun?: Parameters<typeof startWahub>[1]['firstRun']
}

export type Harness = {
  db: TestDb
  emulator: Emulator
  wahub: Wahub
  /** Wahub's base URL. */
  url: string
  /** An operator API key (admin scope). */
  adminKey: string
  /** Every log line written so far (JSON text). */
  logLines(): string[]
  /** fetch against Wahub with a key: `h.api('GET', '/api/v1/admin/tenants', { key })`. */
  api(
    method: string,
    path: string,
    options?: { key?: string; body?: unknown; headers?: Record<string, string> },
  ): Promise<ApiAnswer>
  close(): Promise<void>
}

export type ApiAnswer = { status: number; body: unknown; text: string; headers: Headers }

/**
 * A TCP port free on 127.0.0.1 right now, for a server that binds it a moment later.
 *
 * Chosen below the kernel's ephemeral range (`ip_local_port_range`), which is where port 0 binds
 * and every outgoing connection's local port come from: a port handed out from that range could be
 * taken by a test's connection to PostgreSQL before the server bound it (the clean-clone CI on
 * 8e3411d: `wahub serve: listen EADDRINUSE` in crash.test.ts). Below it only another `freePort`
 * can pick the same port, one chance in ~12,000 per pair, and a port seen bound is skipped.
 */
export async function freePort(): Promise<number> {
  const low = 20_000
  const high = ephemeralLow() - 1
  for (let attempt = 0; attempt < 50 && high > low; attempt++) {
    const port = low + Math.floor(Math.random() * (high - low + 1))
    if (await canListen(port)) return port
  }
  return listenOn(0)
}

function ephemeralLow(): number {
  try {
    return (
      Number(fs.readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]) || 0
    )
  } catch {
    return 0 // not Linux: port 0 below
  }
}

const canListen = (port: number) =>
  listenOn(port).then(
    () => true,
    () => false,
  )

/** Binds `port` on 127.0.0.1, then closes it; the port it was given. */
function listenOn(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => {
      const address = server.address()
      const bound = typeof address === 'object' && address ? address.port : 0
      server.close(() => resolve(bound))
    })
  })
}

export async function apiCall(
  baseUrl: string,
  method: string,
  path: string,
  options: { key?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<ApiAnswer> {
  const headers: Record<string, string> = { ...options.headers }
  if (options.key) headers.authorization = `Bearer ${options.key}`
  let body: string | undefined
  if (options.body !== undefined) {
    headers['content-type'] = 'application/json'
    body = JSON.stringify(options.body)
  }
  const res = await fetch(`${baseUrl}${path}`, { method, headers, body })
  const text = await res.text()
  let parsed: unknown = text
  try {
    parsed = text ? JSON.parse(text) : undefined
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, body: parsed, text, headers: res.headers }
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const db = await createTestDb()
  let emulator: Emulator | undefined
  let wahub: Wahub | undefined
  // The emulator first (no new webhook deliveries), then Wahub, then the database.
  const cleanup = async () => {
    await emulator?.close().catch(() => {})
    if (wahub) await wahub.close().catch(() => {})
    await db.drop().catch(() => {})
  }
  try {
    emulator = await startEmulator({
      delays: { sentMs: 5, deliveredMs: 10, readMs: 20 },
      webhookRetry: { baseMs: 20, maxAttempts: 5, timeoutMs: 5000 },
      ...options.emulator,
    })
    const { log, lines } = captureLog(options.logLevel ?? 'trace')
    const port = options.env?.PORT ?? String(await freePort())
    const config = testConfig({
      WAHUB_DATA_DIR: db.dataDir,
      WAHUB_GRAPH_URL: emulator.url,
      WAHUB_SANDBOX: 'off',
      PORT: port,
      WAHUB_PUBLIC_URL: `http://127.0.0.1:${port}`,
      ...options.env,
    })
    wahub = await startWahub(config, {
      log,
      handle: db,
      workers: options.workers,
      campaignClock: options.campaignClock,
      firstRun: options.firstRun,
    })
    const url = wahub.url.replace('localhost', '127.0.0.1')
    // Through the control API, as a user of a separately running emulator would.
    const set = await fetch(`${emulator.url}/_emulator/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ url: `${config.publicUrl ?? url}/webhooks/whatsapp` }),
    })
    if (!set.ok) throw new Error(`the emulator refused the webhook URL: ${await set.text()}`)
    const { key: adminKey } = await createApiKey(db.db, { name: 'test operator' }, 'test')
    let closing: Promise<void> | undefined
    return {
      db,
      emulator,
      wahub,
      url,
      adminKey,
      logLines: lines,
      api: (method, path, opts) => apiCall(url, method, path, opts),
      close() {
        closing ??= cleanup()
        return closing
      },
    }
  } catch (err) {
    await cleanup()
    throw err
  }
}

export type SeededTenant = {
  id: string
  name: string
  /** A key with send and read scopes. */
  key: string
  keyId: string
  /** Meta's phone_number_id of its number, and our row id. */
  phoneNumberId: string
  numberId: string
}

export type Onboarded = {
  appRowId: string
  /** The verify token as Meta must be given it. */
  verifyToken: string
  wabaRowId: string
  wabaId: string
  /** Meta's phone_number_id → our row id, for every imported number. */
  numbers: Record<string, string>
  acme: SeededTenant
  globex: SeededTenant
}

function expectStatus(answer: ApiAnswer, status: number, what: string): Record<string, unknown> {
  if (answer.status !== status) {
    throw new Error(`${what}: expected HTTP ${status}, got ${answer.status}: ${answer.text}`)
  }
  return answer.body as Record<string, unknown>
}

/**
 * Onboards the emulator's seed through the admin API: app (secret and verify token), WABA (the
 * seed's valid token), every number imported; tenants `acme` and `globex` with the first and
 * second number as their default, each with a send+read key.
 */
export async function onboardSeed(h: Harness): Promise<Onboarded> {
  const seed = h.emulator.seed
  const key = h.adminKey
  const app = expectStatus(
    await h.api('POST', '/api/v1/admin/apps', {
      key,
      body: { appId: seed.appId, appSecret: seed.appSecret, verifyToken: seed.verifyToken },
    }),
    201,
    'adding the app',
  )
  const waba = expectStatus(
    await h.api('POST', '/api/v1/admin/wabas', {
      key,
      body: { wabaId: seed.wabaId, token: seed.accessToken },
    }),
    201,
    'adding the WABA',
  )
  const wabaRowId = (waba.waba as { id: string }).id
  const imported = expectStatus(
    await h.api('POST', `/api/v1/admin/wabas/${wabaRowId}/numbers/import`, { key }),
    200,
    'importing the numbers',
  )
  const numbers: Record<string, string> = {}
  for (const n of imported.numbers as { id: string; phoneNumberId: string }[]) numbers[n.phoneNumberId] = n.id

  async function tenant(name: string, phoneNumberId: string): Promise<SeededTenant> {
    const t = expectStatus(
      await h.api('POST', '/api/v1/admin/tenants', {
        key,
        body: { name, numbers: [phoneNumberId], defaultNumber: phoneNumberId },
      }),
      201,
      `adding tenant ${name}`,
    )
    const k = expectStatus(
      await h.api('POST', '/api/v1/admin/api-keys', {
        key,
        body: { tenantId: t.id, scopes: ['send', 'read'] },
      }),
      201,
      `creating ${name}'s key`,
    )
    return {
      id: t.id as string,
      name,
      key: k.key as string,
      keyId: (k.apiKey as { id: string }).id,
      phoneNumberId,
      numberId: numbers[phoneNumberId],
    }
  }

  return {
    appRowId: (app.app as { id: string }).id,
    verifyToken: seed.verifyToken,
    wabaRowId,
    wabaId: seed.wabaId,
    numbers,
    acme: await tenant('acme', seed.phoneNumberIds[0]),
    globex: await tenant('globex', seed.phoneNumberIds[1]),
  }
}
