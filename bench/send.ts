import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { createApiKey } from '../src/accounts/api-keys.ts'
import { createVault, loadVaultKeys } from '../src/channels/vault.ts'
import { createGraphClient } from '../src/cloud-api/graph-client.ts'
import { loadConfig } from '../src/config.ts'
import { connectDb, type DbHandle } from '../src/db/connect.ts'
import { migrateToLatest } from '../src/db/migrate.ts'
import { type Emulator, type EmulatorSeed, startEmulator } from '../src/emulator/index.ts'
import type { GraphLedgerEntry } from '../src/emulator/ledger.ts'
import { createLogger } from '../src/log.ts'
import { parseSendRequest } from '../src/messaging/send-checks.ts'
import { enqueueMany, maxBulkItems } from '../src/messaging/send-service.ts'
import { seedChannel } from '../test/helpers/channel-fixture.ts'
import { cpuMs, machine, percentile, printTable, rssMb, startWahubServe, watchRss } from './lib.ts'

// SPEC §11 sending: `wahub serve` (a child process) sends template messages to the emulator
// (this process) whose numbers enforce Meta's throughput with a one-second token bucket and
// answer 130429 above it. Figures come from the emulator's ledger: accepted sends per second
// over the steady window (the first second — start-up and the lane's first slot — excluded),
// 130429 answers, and queue-to-Meta latency (message created → the emulator's answer).
//   node bench/send.ts                      SQLite, BENCH_SECONDS=60 per case
//   BENCH_SECONDS=10 node bench/send.ts     shorter
//   DATABASE_URL=postgres://… node bench/send.ts
// Cases: a backlog drained at the 80 msg/s cap; at a 1,000 msg/s cap; 10 numbers at 80 msg/s
// each in parallel (each backlog queued first through enqueueMany: "queued/s"); queueing through
// the API, bulk and single (`queue`: BENCH_QUEUE_MESSAGES=20000 BENCH_QUEUE_PARALLEL=2
// BENCH_QUEUE_SINGLE=2000); and the API offered 90% of an 80 msg/s cap (latency below the cap).
// BENCH_INSTANCES=3 runs the backlog cases on that many `wahub serve` sharing one PostgreSQL
// database (CPU ms/msg is then their sum). Diagnosis: BENCH_CASES=80,1000,10x80,queue,api picks cases; BENCH_PROFILE=/dir writes the server's CPU
// profile there; BENCH_NODE_OPTIONS passes Node flags to the server; BENCH_RSS_TRACE=1 prints its
// RSS every 2 s; BENCH_PG_SLOW_MS logs slower statements of the bench database (PostgreSQL).

const seconds = Number(process.env.BENCH_SECONDS ?? 60)
const instances = Number(process.env.BENCH_INSTANCES ?? 1)
const databaseUrl = process.env.DATABASE_URL || undefined
const only = process.env.BENCH_CASES?.split(',')
const wabaId = '100000000000777'
const pnids = Array.from({ length: 10 }, (_, i) => `11000000000${String(700 + i).padStart(4, '0')}`)

function seed(): EmulatorSeed {
  return {
    wabas: [
      {
        id: wabaId,
        name: 'Bench WABA',
        phone_numbers: pnids.map((id, i) => ({
          id,
          display_phone_number: `+1 555-020-${String(i).padStart(4, '0')}`,
          verified_name: `Bench ${i}`,
          throughput_mps: 80,
          registered: true,
        })),
        templates: [
          {
            name: 'hello_world',
            language: 'en_US',
            category: 'UTILITY',
            components: [{ type: 'BODY', text: 'Hello from the bench.' }],
          },
        ],
      },
    ],
  }
}

type Prepared = {
  env: Record<string, string>
  handle: DbHandle
  tenantId: string
  apiKey: string
  numberRows: string[]
  cleanup(): Promise<void>
}

async function prepare(emulator: Emulator, mps: number, numbers: number): Promise<Prepared> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wahub-bench-send-'))
  const secretKey = randomBytes(32).toString('base64')
  let dbName: string | undefined
  let url = databaseUrl
  if (databaseUrl) {
    const pg = (await import('pg')).default
    dbName = `wahub_bench_${randomBytes(4).toString('hex')}`
    const admin = new pg.Client({ connectionString: databaseUrl })
    await admin.connect()
    await admin.query(`CREATE DATABASE ${dbName}`)
    if (process.env.BENCH_PG_SLOW_MS)
      await admin.query(
        `ALTER DATABASE ${dbName} SET log_min_duration_statement = ${Number(process.env.BENCH_PG_SLOW_MS)}`,
      )
    await admin.end()
    const u = new URL(databaseUrl)
    u.pathname = `/${dbName}`
    url = u.toString()
  }
  const handle = await connectDb({ databaseUrl: url, dataDir })
  await migrateToLatest(handle)
  const keys = loadVaultKeys({ secretKey, previousSecretKeys: [], dataDir })
  const vault = createVault(keys.current)
  const s = emulator.seed
  const channel = await seedChannel(handle.db, vault, {
    appId: s.appId,
    appSecret: s.appSecret,
    verifyToken: s.verifyToken,
    wabaId,
    accessToken: s.accessToken,
    graphUrl: emulator.url,
    phoneNumberIds: pnids,
    displayNumbers: pnids,
  })
  const numberRows = [channel.numberRowId]
  for (const pnid of pnids.slice(1, numbers)) numberRows.push(await channel.addNumber(pnid))
  await handle.db.updateTable('phone_numbers').set({ throughput_mps: mps }).execute()
  for (const pnid of pnids) emulator.control.setThroughput(pnid, mps)
  const { key } = await createApiKey(
    handle.db,
    { tenant: channel.tenantId, scopes: ['send', 'read'], name: 'bench' },
    'bench',
  )
  const env: Record<string, string> = {
    WAHUB_DATA_DIR: dataDir,
    WAHUB_SECRET_KEY: secretKey,
    WAHUB_SANDBOX: 'off',
    WAHUB_GRAPH_URL: emulator.url,
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'error',
    ...(url ? { DATABASE_URL: url } : {}),
    ...(process.env.BENCH_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_NODE_OPTIONS } : {}),
    ...(process.env.BENCH_PROFILE
      ? { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${process.env.BENCH_PROFILE}` }
      : {}),
  }
  return {
    env,
    handle,
    tenantId: channel.tenantId,
    apiKey: key,
    numberRows,
    async cleanup() {
      await handle.close()
      if (dbName && databaseUrl) {
        const pg = (await import('pg')).default
        const admin = new pg.Client({ connectionString: databaseUrl })
        await admin.connect()
        await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`)
        await admin.end()
      }
      fs.rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

let recipientSeq = 0
/** A new recipient per message: the pair limit (1 per 6 s) never applies, as for a notification burst. */
function recipient(): string {
  recipientSeq++
  return `346${String(recipientSeq).padStart(8, '0')}`
}

function templateRequest(from: string) {
  return parseSendRequest({
    from,
    to: recipient(),
    type: 'template',
    template: { name: 'hello_world', language: 'en_US' },
  })
}

/**
 * Queues `count` messages round-robin over the numbers, before the server starts, through
 * enqueueMany (the function behind POST /api/v1/messages/batch) 1,000 at a time.
 */
async function preload(p: Prepared, emulator: Emulator, count: number, numbers: number): Promise<number> {
  const log = createLogger('error')
  const config = loadConfig({ ...p.env })
  const keys = loadVaultKeys(config)
  const ctx = {
    db: p.handle.db,
    vault: createVault(keys.current),
    graph: createGraphClient(),
    config,
    log,
    caps: p.handle.caps,
  }
  void emulator
  const started = Date.now()
  for (let i = 0; i < count; i += maxBulkItems) {
    const n = Math.min(maxBulkItems, count - i)
    const outcomes = await enqueueMany(ctx, {
      tenantId: p.tenantId,
      items: Array.from({ length: n }, (_, j) => ({ request: templateRequest(pnids[(i + j) % numbers]) })),
      source: { source: 'api', createdBy: 'bench' },
    })
    const refused = outcomes.find((o) => !o.ok)
    if (refused && !refused.ok) throw new Error(`preload refused a message: ${refused.error.message}`)
  }
  return Date.now() - started
}

function sendsOf(emulator: Emulator, since: number): GraphLedgerEntry[] {
  return (emulator.control.ledger({ kind: 'graph', since }) as GraphLedgerEntry[]).filter(
    (e) => e.method === 'POST' && e.path.endsWith('/messages'),
  )
}

/** Accepted/s over [from, to), per second and overall; 130429 and other errors. */
function measure(entries: GraphLedgerEntry[], from: number, to: number) {
  const window = entries.filter((e) => e.at >= from && e.at < to)
  const ok = window.filter((e) => e.status === 200)
  const buckets = new Map<number, number>()
  for (const e of ok) {
    const b = Math.floor((e.at - from) / 1000)
    buckets.set(b, (buckets.get(b) ?? 0) + 1)
  }
  const full = Math.floor((to - from) / 1000)
  const perSecond = Array.from({ length: full }, (_, i) => buckets.get(i) ?? 0)
  return {
    accepted: ok.length,
    rate: ok.length / ((to - from) / 1000),
    perSecondMin: perSecond.length ? Math.min(...perSecond) : 0,
    throttled: entries.filter((e) => e.errorCode === 130429).length,
    otherErrors: entries.filter((e) => e.status !== 200 && e.errorCode !== 130429).length,
  }
}

async function latencies(p: Prepared, entries: GraphLedgerEntry[]): Promise<number[]> {
  const at = new Map(entries.filter((e) => e.wamid).map((e) => [e.wamid as string, e.at]))
  const rows = await p.handle.db
    .selectFrom('messages')
    .select(['wamid', 'created_at'])
    .where('direction', '=', 'out')
    .where('wamid', 'is not', null)
    .execute()
  const out: number[] = []
  for (const r of rows) {
    const t = at.get(r.wamid as string)
    if (t !== undefined) out.push(t - r.created_at)
  }
  return out
}

/** A backlog of `seconds` × cap (+10%) drained by the server; the steady window measured. */
async function drainCase(
  emulator: Emulator,
  name: string,
  mps: number,
  numbers: number,
): Promise<Record<string, string | number>> {
  const cap = mps * numbers
  const p = await prepare(emulator, mps, numbers)
  try {
    const count = Math.ceil(cap * (seconds + 2) * 1.1)
    const preloadMs = await preload(p, emulator, count, numbers)
    emulator.control.clearLedger()
    const t0 = Date.now()
    // BENCH_INSTANCES=3 (PostgreSQL): that many `wahub serve` on the one database share the
    // backlog and the number's cluster-wide lane.
    const servers = await Promise.all(Array.from({ length: instances }, () => startWahubServe(p.env)))
    const server = servers[0]
    const rss = servers.map((s) => watchRss(s.pid))
    // Steady window: from the first accepted send + 1 s, for `seconds`.
    let first = 0
    while (!first) {
      first = sendsOf(emulator, t0).find((e) => e.status === 200)?.at ?? 0
      await new Promise((r) => setTimeout(r, 50))
    }
    const from = first + 1000
    const to = from + seconds * 1000
    while (Date.now() < from) await new Promise((r) => setTimeout(r, 20))
    const cpu = () => servers.reduce((sum, s) => sum + cpuMs(s.pid), 0)
    const cpu0 = cpu()
    while (Date.now() < to) {
      await new Promise((r) => setTimeout(r, 20))
      if (process.env.BENCH_RSS_TRACE && Date.now() % 2000 < 20) console.log('rss', rssMb(server.pid))
    }
    const cpu1 = cpu()
    await new Promise((r) => setTimeout(r, 200))
    const peak = Math.max(...rss.map((r) => r.stop()))
    await Promise.all(servers.map((s) => s.stop()))
    const entries = sendsOf(emulator, t0)
    const m = measure(entries, from, to)
    const lat = await latencies(
      p,
      entries.filter((e) => e.at >= from && e.at < to),
    )
    return {
      case: name,
      instances,
      cap: `${cap}/s`,
      queued: count,
      'preload s': Math.round(preloadMs / 100) / 10,
      'queued/s': Math.round(count / (preloadMs / 1000)),
      'sent/s': Math.round(m.rate * 10) / 10,
      '% of cap': Math.round((m.rate / cap) * 1000) / 10,
      'min 1-s': m.perSecondMin,
      'throttled (130429)': m.throttled,
      'other errors': m.otherErrors,
      'queue→Meta p50 ms': Math.round(percentile(lat, 50)),
      'p99 ms': Math.round(percentile(lat, 99)),
      'server CPU ms/msg': Math.round(((cpu1 - cpu0) / Math.max(1, m.accepted)) * 1000) / 1000,
      'RSS MB (largest)': peak,
    }
  } finally {
    await p.cleanup()
  }
}

/** The API offered `share` of the cap, evenly paced: latency from queued to Meta's answer. */
async function apiCase(
  emulator: Emulator,
  name: string,
  mps: number,
  share: number,
): Promise<Record<string, string | number>> {
  const p = await prepare(emulator, mps, 1)
  try {
    const server = await startWahubServe(p.env)
    const rss = watchRss(server.pid)
    const url = server.url.replace('localhost', '127.0.0.1')
    const rate = mps * share
    // Warm up: the template cache is synced by the first send.
    const warm = await fetch(`${url}/api/v1/messages?wait=10`, {
      method: 'POST',
      headers: { authorization: `Bearer ${p.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        from: pnids[0],
        to: recipient(),
        type: 'template',
        template: { name: 'hello_world', language: 'en_US' },
      }),
    })
    if (warm.status !== 200) throw new Error(`warm-up send answered ${warm.status}: ${await warm.text()}`)
    emulator.control.clearLedger()
    const t0 = Date.now()
    const total = Math.floor(rate * seconds)
    const answers: number[] = []
    const pending: Promise<void>[] = []
    for (let i = 0; i < total; i++) {
      const due = t0 + (i * 1000) / rate
      const wait = due - Date.now()
      if (wait > 0) await new Promise((r) => setTimeout(r, wait))
      const started = performance.now()
      pending.push(
        fetch(`${url}/api/v1/messages`, {
          method: 'POST',
          headers: { authorization: `Bearer ${p.apiKey}`, 'content-type': 'application/json' },
          body: JSON.stringify({
            from: pnids[0],
            to: recipient(),
            type: 'template',
            template: { name: 'hello_world', language: 'en_US' },
          }),
        }).then(async (res) => {
          await res.arrayBuffer()
          if (res.status !== 202) throw new Error(`send answered ${res.status}`)
          answers.push(performance.now() - started)
        }),
      )
    }
    await Promise.all(pending)
    // Let the last ones leave.
    const deadline = Date.now() + 10_000
    while (sendsOf(emulator, t0).filter((e) => e.status === 200).length < total && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100))
    const peak = rss.stop()
    await server.stop()
    const entries = sendsOf(emulator, t0)
    const m = measure(entries, t0, t0 + seconds * 1000)
    const lat = await latencies(p, entries)
    return {
      case: name,
      cap: `${mps}/s`,
      queued: total,
      'offered/s': Math.round(rate * 10) / 10,
      'sent/s': Math.round(m.rate * 10) / 10,
      'throttled (130429)': m.throttled,
      'other errors': m.otherErrors,
      'API p99 ms': Math.round(percentile(answers, 99) * 10) / 10,
      'queue→Meta p50 ms': Math.round(percentile(lat, 50)),
      'p99 ms': Math.round(percentile(lat, 99)),
      'RSS MB': peak,
    }
  } finally {
    await p.cleanup()
  }
}

/**
 * Queueing through the API: POST /api/v1/messages/batch (1,000 template messages a call, new
 * recipients, `BENCH_QUEUE_PARALLEL` calls at once) against a running `wahub serve` whose
 * workers send meanwhile at the 80 msg/s cap; and, for comparison, single POST /api/v1/messages
 * at the same parallelism × 16 for `BENCH_QUEUE_SINGLE` messages.
 */
async function queueCase(emulator: Emulator): Promise<Record<string, string | number>[]> {
  const total = Number(process.env.BENCH_QUEUE_MESSAGES ?? 20_000)
  const parallel = Number(process.env.BENCH_QUEUE_PARALLEL ?? 2 * instances)
  const singles = Number(process.env.BENCH_QUEUE_SINGLE ?? 2000)
  const p = await prepare(emulator, 80, 1)
  try {
    // BENCH_INSTANCES=3: the calls go round-robin to that many instances on one database.
    const servers = await Promise.all(Array.from({ length: instances }, () => startWahubServe(p.env)))
    const rss = servers.map((s) => watchRss(s.pid))
    const urls = servers.map((s) => s.url.replace('localhost', '127.0.0.1'))
    const url = urls[0]
    let turn = 0
    const nextUrl = () => urls[turn++ % urls.length]
    const headers = { authorization: `Bearer ${p.apiKey}`, 'content-type': 'application/json' }
    const body = () => ({
      from: pnids[0],
      to: recipient(),
      type: 'template',
      template: { name: 'hello_world', language: 'en_US' },
    })
    // Warm up: the template cache is synced by the first send.
    const warm = await fetch(`${url}/api/v1/messages/batch`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ messages: [body()] }),
    })
    if (warm.status !== 200) throw new Error(`warm-up answered ${warm.status}: ${await warm.text()}`)
    const cpu = () => servers.reduce((sum, s) => sum + cpuMs(s.pid), 0)
    const cpu0 = cpu()
    const calls: number[] = []
    let next = 0
    const started = performance.now()
    await Promise.all(
      Array.from({ length: parallel }, async () => {
        while (next < total) {
          const n = Math.min(maxBulkItems, total - next)
          next += n
          const t = performance.now()
          const res = await fetch(`${nextUrl()}/api/v1/messages/batch`, {
            method: 'POST',
            headers,
            body: JSON.stringify({ messages: Array.from({ length: n }, body) }),
          })
          const answer = (await res.json()) as { queued: number; refused: number }
          if (res.status !== 200 || answer.queued !== n)
            throw new Error(`bulk call answered ${res.status}: ${JSON.stringify(answer).slice(0, 300)}`)
          calls.push(performance.now() - t)
        }
      }),
    )
    const bulkS = (performance.now() - started) / 1000
    const cpu1 = cpu()
    const singleLat: number[] = []
    let sent = 0
    const t1 = performance.now()
    await Promise.all(
      Array.from({ length: parallel * 16 }, async () => {
        while (sent < singles) {
          sent++
          const t = performance.now()
          const res = await fetch(`${nextUrl()}/api/v1/messages`, {
            method: 'POST',
            headers,
            body: JSON.stringify(body()),
          })
          await res.arrayBuffer()
          if (res.status !== 202) throw new Error(`send answered ${res.status}`)
          singleLat.push(performance.now() - t)
        }
      }),
    )
    const singleS = (performance.now() - t1) / 1000
    const cpu2 = cpu()
    const peak = Math.max(...rss.map((r) => r.stop()))
    await Promise.all(servers.map((s) => s.stop()))
    return [
      {
        path: `POST /messages/batch (1,000 a call, ${parallel} at once)`,
        instances,
        messages: total,
        'queued/s': Math.round(total / bulkS),
        'call p50 ms': Math.round(percentile(calls, 50)),
        'call p99 ms': Math.round(percentile(calls, 99)),
        'server CPU ms/msg': Math.round(((cpu1 - cpu0) / total) * 1000) / 1000,
        'RSS MB': peak,
      },
      {
        path: `POST /messages (${parallel * 16} at once)`,
        instances,
        messages: singles,
        'queued/s': Math.round(singles / singleS),
        'call p50 ms': Math.round(percentile(singleLat, 50)),
        'call p99 ms': Math.round(percentile(singleLat, 99)),
        'server CPU ms/msg': Math.round(((cpu2 - cpu1) / singles) * 1000) / 1000,
        'RSS MB': peak,
      },
    ]
  } finally {
    await p.cleanup()
  }
}

async function main() {
  console.log(`machine: ${machine()}`)
  const emulator = await startEmulator({
    seed: seed(),
    throughput: 80,
    ledgerLimit: 500_000,
    pairRateLimit: { intervalMs: 6000, burst: 45 },
  })
  const rows: Record<string, string | number>[] = []
  const want = (name: string) => !only || only.includes(name)
  if (instances > 1 && !databaseUrl) throw new Error('BENCH_INSTANCES > 1 needs DATABASE_URL (PostgreSQL)')
  try {
    if (want('80')) rows.push(await drainCase(emulator, 'backlog, 1 number', 80, 1))
    if (want('1000')) rows.push(await drainCase(emulator, 'backlog, 1 number', 1000, 1))
    if (want('10x80')) rows.push(await drainCase(emulator, 'backlog, 10 numbers', 80, 10))
    const drainRows = rows.slice()
    if (drainRows.length)
      printTable(
        `Sending: backlog drained (${databaseUrl ? 'PostgreSQL' : 'SQLite'}, ${seconds} s steady window, ${os.cpus().length} CPUs)`,
        drainRows,
      )
    if (want('queue'))
      printTable(
        `Queueing through the API (${databaseUrl ? 'PostgreSQL' : 'SQLite'}, one instance, workers sending at 80/s meanwhile)`,
        await queueCase(emulator),
      )
    if (want('api')) {
      const api = await apiCase(emulator, 'API at 90% of cap', 80, 0.9)
      printTable(
        `Sending: API offered below the cap (${databaseUrl ? 'PostgreSQL' : 'SQLite'}, ${seconds} s)`,
        [api],
      )
    }
  } finally {
    await emulator.close()
  }
  void rssMb
}

await main()
