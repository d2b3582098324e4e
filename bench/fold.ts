import { sql } from 'kysely'
import { foldRollups } from '../src/analytics/rollup.ts'
import { foldPageSize } from '../src/webhooks/processor.ts'
import { benchDb, machine, openData, percentile, prepareDataDir, printTable } from './lib.ts'
import { benchChannel, outbound, seedOutbound } from './traffic.ts'

// The analytics fold's cost on the webhook thread at a steady rate of new messages (decision
// 0128): 150,000 seeded outbound messages folded first, then each simulated second RATE new
// inbound messages (distinct ids, wamids and contents, over the 5,000 seeded conversations) and
// one fold round, as the thread runs it once a second — pages of `foldPageSize`, the ten-second
// overlap re-read every round. Rounds 10–29 are timed (the overlap is full by then); a round with
// nothing new, the overlap's re-read alone, is the baseline measured in the same run.
//   node bench/fold.ts                    SQLite;  BENCH_DB=postgres for PostgreSQL
//   BENCH_RATES=1000,2500 (default)

const rates = (process.env.BENCH_RATES ?? '1000,2500').split(',').map(Number)
const prepared = await prepareDataDir(benchChannel)
const handle = await openData(prepared)
await seedOutbound(handle, prepared.channel.tenantId, prepared.channel.numberRowId)
console.log(`fold benchmark on ${benchDb}: ${rates.join(', ')} new messages a simulated second`)
console.log(`machine at start: ${machine()}`)
const options = { tables: [], rowLocks: handle.caps.multiProcess, pageSize: foldPageSize }
// Simulated time runs ahead of the clock, so the seeded rows are history when it starts.
let now = Date.now() + 20_000
await foldRollups(handle.db, { ...options, now })

const timedRound = async () => {
  const started = performance.now()
  await foldRollups(handle.db, { ...options, now })
  return performance.now() - started
}
let batch = 0
const rows: Record<string, string | number>[] = []
for (const rate of rates) {
  const rounds: number[] = []
  for (let second = 0; second < 30; second++) {
    const base = now
    const from = `msg_bench_${String((batch * rate) % (outbound - rate)).padStart(7, '0')}`
    // Copies of seeded messages as inbound ones, spread over the second.
    await sql`insert into messages (id, tenant_id, conversation_id, phone_number_id, contact_id,
        direction, type, content, wamid, status, status_at, source, created_at, updated_at)
      select 'in_' || ${batch} || '_' || id, tenant_id, conversation_id, phone_number_id, contact_id,
        'in', type, replace(content, 'Your order', 'About order ' || ${batch}), 'in-' || ${batch} || wamid,
        'received', status_at, 'api', cast(${base} as bigint) + (cast(substr(id, 11) as integer) % 1000),
        cast(${base} as bigint) + (cast(substr(id, 11) as integer) % 1000)
      from messages where direction = 'out' and id >= ${from} order by id limit ${rate}`.execute(handle.db)
    batch++
    now += 1000
    const ms = await timedRound()
    if (second >= 10) rounds.push(ms)
  }
  now += 1000
  const idle = await timedRound()
  const mean = rounds.reduce((a, b) => a + b, 0) / rounds.length
  rows.push({
    'new messages a second': rate,
    'round ms, mean': mean,
    'round ms, p95': percentile(rounds, 95),
    'µs a new message': (mean * 1000) / rate,
    'round with nothing new, ms': idle,
    'ratio round / nothing new': mean / idle,
  })
}
printTable(`analytics fold on ${benchDb}: one round a second, pages of ${foldPageSize}`, rows)
console.log(`machine at end: ${machine()}`)
await handle.close()
await prepared.remove()
