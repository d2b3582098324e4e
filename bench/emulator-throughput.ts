import { createRequire } from 'node:module'
import { parseArgs } from 'node:util'
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads'
import { startEmulator } from '../src/emulator/index.ts'

// Emulator throughput (issue 3, SPEC §9): with --throughput 80 a burst of 400 sends gets 130429
// for the excess and the accepted rate holds at 80/s ± 5%; at unlimited throughput the emulator
// serves ≥ 3,000 sends/s so it is never the bottleneck of Wahub's own benchmarks.
// The emulator runs in a worker thread (its own event loop, same process) and autocannon drives
// it from the main thread. Usage: node bench/emulator-throughput.ts [--throughput 80] [--seconds 5]

type AutocannonResult = {
  '2xx': number
  non2xx: number
  errors: number
  timeouts: number
  requests: { average: number; total: number }
  latency: { p50: number; p99: number }
  start: Date
  finish: Date
}
type Autocannon = (opts: Record<string, unknown>) => Promise<AutocannonResult>
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon

type WorkerSetup = { throughput: number }

if (!isMainThread) {
  const { throughput } = workerData as WorkerSetup
  const emu = await startEmulator({ throughput, pairRateLimit: false, ledgerLimit: 10_000 })
  parentPort?.postMessage({ url: emu.url, pn: emu.seed.phoneNumberIds[0], token: emu.seed.accessToken })
  parentPort?.once('message', () => {
    void emu.close().then(() => process.exit(0))
  })
}

type Started = { url: string; pn: string; token: string; stop(): Promise<void> }

async function startInWorker(throughput: number): Promise<Started> {
  const worker = new Worker(new URL(import.meta.url), { workerData: { throughput } satisfies WorkerSetup })
  const info = await new Promise<{ url: string; pn: string; token: string }>((resolve, reject) => {
    worker.once('message', resolve)
    worker.once('error', reject)
  })
  return {
    ...info,
    stop: async () => {
      worker.postMessage('close')
      await new Promise((resolve) => worker.once('exit', resolve))
    },
  }
}

const textBody = JSON.stringify({
  messaging_product: 'whatsapp',
  to: '34612345678',
  type: 'text',
  text: { body: 'Benchmark message' },
})

function request(e: Started) {
  return {
    url: `${e.url}/v23.0/${e.pn}/messages`,
    method: 'POST',
    headers: { authorization: `Bearer ${e.token}`, 'content-type': 'application/json' },
    body: textBody,
  }
}

async function burst(e: Started, n: number) {
  const started = performance.now()
  const results = await Promise.all(
    Array.from({ length: n }, () =>
      fetch(`${e.url}/v23.0/${e.pn}/messages`, { ...request(e) }).then(async (r) => {
        const body = (await r.json()) as { error?: { code: number } }
        return r.status === 200 ? 200 : (body.error?.code ?? r.status)
      }),
    ),
  )
  return {
    accepted: results.filter((c) => c === 200).length,
    limited: results.filter((c) => c === 130429).length,
    other: results.filter((c) => c !== 200 && c !== 130429).length,
    ms: performance.now() - started,
  }
}

/** Sends at an even `rate` per second (autocannon's overallRate sends each second's share in one burst). */
async function paced(e: Started, rate: number, seconds: number) {
  const interval = 1000 / rate
  const total = Math.round(rate * seconds)
  const started = performance.now()
  const pending: Promise<number>[] = []
  for (let i = 0; i < total; i++) {
    const wait = started + i * interval - performance.now()
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait))
    pending.push(
      fetch(`${e.url}/v23.0/${e.pn}/messages`, { ...request(e) }).then(async (r) => {
        const body = (await r.json()) as { error?: { code: number } }
        return r.status === 200 ? 200 : (body.error?.code ?? r.status)
      }),
    )
  }
  const codes = await Promise.all(pending)
  return {
    accepted: codes.filter((c) => c === 200).length,
    limited: codes.filter((c) => c === 130429).length,
    other: codes.filter((c) => c !== 200 && c !== 130429).length,
    seconds: total / rate,
  }
}

async function main() {
  const { values } = parseArgs({
    options: { throughput: { type: 'string', default: '80' }, seconds: { type: 'string', default: '5' } },
  })
  const cap = Number(values.throughput)
  const seconds = Number(values.seconds)
  const rows: [string, string, string][] = []

  const capped = await startInWorker(cap)
  const b = await burst(capped, 400)
  rows.push([
    `burst of 400 at ${cap}/s`,
    `${b.accepted} accepted, ${b.limited} × 130429, ${b.other} other`,
    `${b.ms.toFixed(0)} ms`,
  ])
  // Sustained: offer 2.5× the cap, evenly paced, for `seconds`; the accepted rate must be the cap.
  const sustained = await paced(capped, cap * 2.5, seconds)
  const rate = sustained.accepted / sustained.seconds
  const within = Math.abs(rate - cap) / cap <= 0.05
  rows.push([
    `sustained ${cap * 2.5}/s offered, ${seconds} s`,
    `${rate.toFixed(1)} accepted/s (${within ? 'within' : 'OUTSIDE'} ±5% of ${cap})`,
    `${sustained.limited} × 130429, ${sustained.other} other`,
  ])
  await capped.stop()

  const unlimited = await startInWorker(0)
  await autocannon({ ...request(unlimited), connections: 50, duration: 1 }) // warm-up
  const open = await autocannon({ ...request(unlimited), connections: 50, duration: seconds })
  const okRate = open['2xx'] / ((open.finish.getTime() - open.start.getTime()) / 1000)
  rows.push([
    `unlimited, 50 connections, ${seconds} s`,
    `${okRate.toFixed(0)} sends/s (${okRate >= 3000 ? 'meets' : 'BELOW'} 3,000)`,
    `p50 ${open.latency.p50} ms, p99 ${open.latency.p99} ms, ${open.non2xx + open.errors} errors`,
  ])
  await unlimited.stop()

  const width = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i].length), 10))
  const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(width[i])).join(' | ')} |`
  process.stdout.write(`${line(['case', 'result', 'detail'])}\n`)
  process.stdout.write(`|${width.map((w) => '-'.repeat(w + 2)).join('|')}|\n`)
  for (const r of rows) process.stdout.write(`${line(r)}\n`)
  const ok = b.accepted >= cap && b.limited > 0 && within && okRate >= 3000
  process.exitCode = ok ? 0 : 1
}

if (isMainThread) await main()
