import { randomUUID } from 'node:crypto'
import { type KyselyPlugin, sql } from 'kysely'
import { fallbackAutocheckpointPages, startSqliteCheckpointer } from '../src/db/sqlite-checkpointer.ts'
import { createLogger } from '../src/log.ts'
import { insertEventBatch } from '../src/webhooks/intake-batcher.ts'
import { createWebhookProcessJob } from '../src/webhooks/process-job.ts'
import { processingChunk } from '../src/webhooks/processor.ts'
import { benchDb, machine, openData, percentile, prepareDataDir, printTable } from './lib.ts'
import { benchChannel, bodyOf, type Kind, seedOutbound } from './traffic.ts'

// SPEC §11's processing cost per event, measured without HTTP: the same traffic as bench/ingest.ts
// (new messages from 5,000 customers; statuses of 150,000 seeded outbound messages) stored as
// pending webhook events, then processed by the webhook job exactly as the webhook thread does it —
// transactions of `processingChunk` events, one after the other, on one connection, nothing else
// running. Prints events/s, the cost of one event (time, and this thread's CPU) and of one
// transaction (p50, p99), for messages and for statuses. Run with `--cpu-prof` to see where the time goes.
//   node bench/processing.ts                       SQLite
//   BENCH_DB=postgres node bench/processing.ts     PostgreSQL (a fresh database)
// BENCH_EVENTS (5000) events of each kind; the first 500 of each warm up and are not counted.
// BENCH_STATEMENTS=1 also counts the statements processing sends (by verb and table) per event.

const events = Number(process.env.BENCH_EVENTS ?? 5000)
const warmUp = 500

const prepared = await prepareDataDir(benchChannel)
const handle = await openData(prepared)
await seedOutbound(handle, prepared.channel.tenantId, prepared.channel.numberRowId)
console.log(
  `processing benchmark on ${benchDb}: ${events} events of each kind, ${processingChunk} a transaction`,
)
console.log(`machine at start: ${machine()}`)

// As `wahub serve` runs on SQLite: the WAL checkpointed by a thread of its own, not in the
// processing commits (decisions 0107, 0123).
const checkpointer =
  benchDb === 'sqlite' ? startSqliteCheckpointer(handle.location, { log: createLogger('warn') }) : undefined
if (checkpointer)
  await sql.raw(`pragma wal_autocheckpoint = ${fallbackAutocheckpointPages}`).execute(handle.db)
const counter = process.env.BENCH_STATEMENTS === '1' ? statementCounter() : undefined
const job = createWebhookProcessJob({
  db: counter ? handle.db.withPlugin(counter.plugin) : handle.db,
  caps: handle.caps,
})
const log = createLogger('warn')

/** Counts the statements sent through a Kysely instance, by verb and table (BENCH_STATEMENTS). */
function statementCounter(): { plugin: KyselyPlugin; counts: Map<string, number> } {
  const counts = new Map<string, number>()
  // biome-ignore lint/suspicious/noExplicitAny: walking Kysely's operation nodes loosely
  const name = (n: any): string => n?.table?.identifier?.name ?? n?.identifier?.name ?? '?'
  // biome-ignore lint/suspicious/noExplicitAny: idem
  const label = (node: any): string => {
    switch (node.kind) {
      case 'SelectQueryNode':
        return `select ${name(node.from?.froms?.[0]?.node ?? node.from?.froms?.[0])}`
      case 'InsertQueryNode':
        return `insert ${name(node.into)}`
      case 'UpdateQueryNode':
        return `update ${name(node.table?.node ?? node.table)}`
      case 'DeleteQueryNode':
        return `delete ${name(node.from?.froms?.[0]?.node ?? node.from?.froms?.[0])}`
      case 'RawNode':
        return `raw ${String(node.sqlFragments?.[0] ?? '')
          .trim()
          .replace(/\s+/g, ' ')
          .slice(0, 40)}`
      default:
        return node.kind
    }
  }
  return {
    counts,
    plugin: {
      transformQuery(args) {
        const key = label(args.node)
        counts.set(key, (counts.get(key) ?? 0) + 1)
        return args.node
      },
      transformResult: async (args) => args.result,
    },
  }
}

/** Stores `n` pending events of a kind (as the intake does) and returns their ids in order. */
async function store(kind: Kind, n: number): Promise<string[]> {
  const ids: string[] = []
  for (let i = 0; i < n; i += 500) {
    const batch = Array.from({ length: Math.min(500, n - i) }, () => ({
      id: `we_${randomUUID()}`,
      receivedAt: Date.now(),
      body: Buffer.from(bodyOf[kind]()),
      headers: {},
      metaAppRowId: prepared.channel.appRowId,
    }))
    await insertEventBatch(handle.db, batch)
    ids.push(...batch.map((e) => e.id))
  }
  // The intake's jobs are not run here: the bench calls the handler itself.
  await sql`delete from jobs`.execute(handle.db)
  return ids
}

async function run(kind: Kind): Promise<Record<string, string | number>> {
  const ids = await store(kind, events + warmUp)
  const ctx = {
    job: {
      id: 0,
      kind: 'webhook.process' as const,
      payload: { eventIds: [] },
      attempts: 1,
      maxAttempts: 10,
      lane: null,
      runAt: 0,
    },
    signal: new AbortController().signal,
    log,
  }
  const chunks: number[] = []
  let started = 0
  let cpu = process.threadCpuUsage()
  for (let i = 0; i < ids.length; i += processingChunk) {
    if (i === warmUp) {
      started = performance.now()
      cpu = process.threadCpuUsage()
      counter?.counts.clear()
    }
    const t = performance.now()
    await job({ eventIds: ids.slice(i, i + processingChunk) }, ctx)
    if (i >= warmUp) chunks.push(performance.now() - t)
  }
  const ms = performance.now() - started
  const used = process.threadCpuUsage(cpu)
  const processed = await handle.db
    .selectFrom('webhook_events')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('id', 'in', ids)
    .where('outcome', '=', 'processed')
    .executeTakeFirstOrThrow()
  if (Number(processed.n) !== ids.length)
    throw new Error(`${kind}: ${processed.n} of ${ids.length} events processed — the bench measured failures`)
  if (counter) {
    const per = [...counter.counts.entries()].sort(([, a], [, b]) => b - a)
    const total = per.reduce((n, [, c]) => n + c, 0)
    console.log(`${kind}: ${(total / events).toFixed(2)} statements an event`)
    for (const [what, n] of per) console.log(`  ${(n / events).toFixed(3).padStart(7)}  ${what}`)
  }
  return {
    kind: kind === 'inbound' ? 'new messages (5,000 customers)' : 'statuses (150,000 messages)',
    'events/s': Math.round((events * 1000) / ms),
    'ms/event': (ms / events).toFixed(3),
    // This thread's CPU (the checkpoints' not included): steadier than time on a busy machine.
    'CPU ms/event': ((used.user + used.system) / 1000 / events).toFixed(3),
    'transaction p50 ms': percentile(chunks, 50).toFixed(2),
    'transaction p99 ms': percentile(chunks, 99).toFixed(2),
  }
}

const rows = [await run('inbound'), await run('status')]
printTable(`webhook processing on ${benchDb}, one connection, ${processingChunk} events a transaction`, rows)
console.log(`machine at end: ${machine()}`)
await checkpointer?.stop()
await handle.close()
await prepared.remove()
