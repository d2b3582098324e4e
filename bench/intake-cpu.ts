import fs from 'node:fs'
import path from 'node:path'
import autocannon from 'autocannon'
import { sql } from 'kysely'
import { machine, openData, prepareDataDir, root, startProcess, startWahubServe } from './lib.ts'
import { openLoop, sortedPercentile } from './open-loop.ts'
import { benchChannel, foldedUpTo, type Kind, secret, seedOutbound, signedWebhook } from './traffic.ts'

// CPU per accepted webhook, by thread of the server: saturation for SECONDS with distinct bodies,
// then the backlog drained with no load. node bench/intake-cpu.ts [inbound|status]
// With RATE (e.g. RATE=1000): instead, SECONDS at that rate (Poisson arrivals, bench/open-loop.ts)
// — which processing keeps up with — on the seed bench/ingest.ts uses, and the CPU each thread (by thread id) spent per event until
// the events were processed and folded into analytics.
const kind = (process.argv[2] ?? 'inbound') as Kind
const seconds = Number(process.env.BENCH_SECONDS ?? 8)
const rate = process.env.RATE ? Number(process.env.RATE) : undefined

function threads(pid: number): Map<string, number> {
  const out = new Map<string, number>()
  for (const tid of fs.readdirSync(`/proc/${pid}/task`)) {
    try {
      const s = fs.readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8')
      const name = s.slice(s.indexOf('(') + 1, s.lastIndexOf(')'))
      const f = s.slice(s.lastIndexOf(') ') + 2).split(' ')
      const ms = ((Number(f[11]) + Number(f[12])) * 1000) / 100
      const key = tid === String(pid) ? 'main' : rate ? `${name} ${tid}` : name
      out.set(key, (out.get(key) ?? 0) + ms)
    } catch {}
  }
  return out
}
const diff = (a: Map<string, number>, b: Map<string, number>) => {
  const d: Record<string, number> = {}
  for (const [k, v] of b) if (v - (a.get(k) ?? 0) > 0) d[k] = v - (a.get(k) ?? 0)
  return d
}
async function load(url: string, s: number, rate?: number) {
  const request = signedWebhook(kind)
  if (rate) {
    // A rate: Poisson arrivals (bench/open-loop.ts, decision 0130), latency from each arrival.
    const o = await openLoop({
      url,
      path: '/webhooks/whatsapp',
      rate,
      seconds: s,
      connections: 32,
      next: request,
    })
    return {
      rps: o.rps,
      ok: o.ok,
      errors: o.errors,
      p99: Number(sortedPercentile(o.latencies, 99).toFixed(1)),
    }
  }
  const r = await autocannon({
    url: `${url}/webhooks/whatsapp`,
    connections: 64,
    duration: s,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    requests: [
      {
        setupRequest: (req) => {
          const { body, headers } = request()
          return { ...req, body, headers: { ...req.headers, ...headers } }
        },
      },
    ],
  })
  return {
    rps: r.requests.average,
    ok: r['2xx'],
    errors: r.non2xx + r.errors + r.timeouts,
    p99: r.latency.p99,
  }
}
const prepared = await prepareDataDir(benchChannel)
const db = await openData(prepared)
if (kind === 'status' || rate) await seedOutbound(db, prepared.channel.tenantId, prepared.channel.numberRowId)
const seededAt = Date.now()
const pending = async () =>
  Number(
    (
      await db.db
        .selectFrom('webhook_events')
        .select((eb) => eb.fn.countAll().as('n'))
        .where(sql.ref('outcome'), '=', 'pending')
        .executeTakeFirstOrThrow()
    ).n,
  )
const settled = async () => {
  while ((await pending()) > 0) await new Promise((r) => setTimeout(r, 100))
}
console.log(`start: ${machine()}`)
if (!process.env.SKIP_BARE) {
  const bare = await startProcess(
    [path.join(root, 'bench/bare-server.ts')],
    { BENCH_APP_SECRET: secret },
    /listening on (http:\/\/\S+)/,
  )
  await load(bare.url, 2)
  const c0 = threads(bare.pid)
  const b = await load(bare.url, seconds)
  const d = diff(c0, threads(bare.pid))
  const tot = Object.values(d).reduce((a, x) => a + x, 0)
  console.log(
    `bare: ${b.rps.toFixed(0)} req/s, ${((tot * 1000) / b.ok).toFixed(1)} µs CPU/req`,
    JSON.stringify(d),
  )
  await bare.stop()
}
const srv = await startWahubServe(prepared.env)
// As bench/ingest.ts: the seeded messages folded into analytics first, as they would be once sent.
await foldedUpTo(db, seededAt)
await load(srv.url, 2, 1000)
await settled()
const per = (d: Record<string, number>, n: number) =>
  Object.fromEntries(Object.entries(d).map(([k, v]) => [k, +((v * 1000) / n).toFixed(1)]))
if (rate) {
  const before = threads(srv.pid)
  const x = await load(srv.url, seconds, rate)
  const ended = Date.now()
  await settled()
  await foldedUpTo(db, ended)
  console.log(
    `${kind} at ${rate}/s for ${seconds} s: ${x.ok} answered, p99 ${x.p99} ms; µs of CPU an event by thread, until processed and folded:`,
    JSON.stringify(per(diff(before, threads(srv.pid)), x.ok)),
  )
  console.log(`end: ${machine()}`)
  await srv.stop()
  process.exit(0)
}
const c0 = threads(srv.pid)
const r = await load(srv.url, seconds)
const c1 = threads(srv.pid)
const backlog = await pending()
const t = Date.now()
await settled()
const drainMs = Date.now() - t
const c2 = threads(srv.pid)
const d1 = diff(c0, c1)
const d2 = diff(c1, c2)
const tot = Object.values(d1).reduce((a, x) => a + x, 0)
console.log(
  `wahub saturation ${kind}: ${r.rps.toFixed(0)} req/s, ok ${r.ok}, errors ${r.errors}, ${((tot * 1000) / r.ok).toFixed(1)} µs CPU/req; by thread µs/req:`,
  JSON.stringify(per(d1, r.ok)),
)
console.log(
  `backlog ${backlog} drained in ${drainMs} ms (${((backlog * 1000) / drainMs).toFixed(0)}/s); drain µs/event by thread:`,
  JSON.stringify(per(d2, Math.max(1, backlog))),
)
if (process.env.P99) {
  for (const rate of [2000]) {
    const x = await load(srv.url, seconds, rate)
    console.log(`at ${rate}/s: ${x.rps.toFixed(0)}/s p99 ${x.p99} ms`)
  }
}
console.log(`end: ${machine()}`)
await srv.stop()
await db.close?.()
process.exit(0)
