import { randomBytes } from 'node:crypto'
import { createUser } from '../src/accounts/users.ts'
import { machine, openData, percentile, prepareDataDir, printTable, rssMb, startWahubServe } from './lib.ts'

// Login flood (issue 12, defect 2). `wahub serve` runs as its own process; this process floods
// POST /api/v1/auth/login with wrong passwords and forged X-Forwarded-For while it samples
// GET / (the dashboard's page) with 4 sequential probes, and prints:
//   A. default configuration (WAHUB_TRUST_PROXY off): a burst of 100 parallel wrong passwords
//      for the admin, each "from" another forged address → 429 after the free failures (the
//      forged header is not believed); the right password is refused during the back-off and
//      works once the Retry-After the server gave has passed.
//   B. worst case, every request believed to come from a new address (WAHUB_TRUST_PROXY=
//      127.0.0.1 and a forged X-Forwarded-For each time) against random accounts, 100 in
//      parallel for BENCH_SECONDS (default 10): the per-address limit cannot help, so only the
//      bounded hashing (2 at once, 32 waiting, then 429) keeps GET / answering.
// Figures are what this run measured on this machine (printed with its load), not a pass/fail.

const seconds = Number(process.env.BENCH_SECONDS ?? 10)
const parallel = 100
const email = 'admin@flood.example'
const password = 'correct horse battery staple 42'

const forged = () =>
  `${1 + (randomBytes(1)[0] % 223)}.${randomBytes(1)[0]}.${randomBytes(1)[0]}.${randomBytes(1)[0]}`

type Answer = { status: number; retryAfter: number | null; ms: number }

async function attempt(url: string, who: string, pass: string, xff?: string): Promise<Answer> {
  const started = performance.now()
  const res = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(xff ? { 'x-forwarded-for': xff } : {}) },
    body: JSON.stringify({ email: who, password: pass }),
  })
  await res.arrayBuffer()
  const retry = res.headers.get('retry-after')
  return { status: res.status, retryAfter: retry ? Number(retry) : null, ms: performance.now() - started }
}

/** Samples GET / with `probes` sequential loops until stop(); returns the latencies (ms). */
function probeHome(url: string, probes = 4): { stop(): Promise<number[]> } {
  const latencies: number[] = []
  let running = true
  const loops = Array.from({ length: probes }, async () => {
    while (running) {
      const started = performance.now()
      const res = await fetch(`${url}/`)
      await res.arrayBuffer()
      if (res.status !== 200) throw new Error(`GET / answered ${res.status}`)
      latencies.push(performance.now() - started)
    }
  })
  return {
    async stop() {
      running = false
      await Promise.all(loops)
      return latencies
    },
  }
}

const tally = (answers: Answer[]) => {
  const by: Record<number, number> = {}
  for (const a of answers) by[a.status] = (by[a.status] ?? 0) + 1
  return by
}

const prepared = await prepareDataDir({
  appId: '300000000000001',
  appSecret: 'bench-login-flood-secret',
  verifyToken: 'bench-verify',
  wabaId: '200000000000001',
  accessToken: 'EAAbench',
  graphUrl: 'http://127.0.0.1:9',
  phoneNumberIds: ['100000000000001'],
  displayNumbers: ['15550000001'],
})
{
  const handle = await openData(prepared)
  await createUser(handle.db, { email, role: 'admin', password }, 'bench')
  await handle.close()
}
console.log(`login flood: ${parallel} parallel wrong passwords with forged X-Forwarded-For; ${machine()}`)

const rows: Record<string, string | number>[] = []
try {
  // A. default configuration.
  const a = await startWahubServe(prepared.env)
  try {
    const quiet = probeHome(a.url)
    await new Promise((resolve) => setTimeout(resolve, 2000)) // a baseline sample, no flood
    const baseline = await quiet.stop()
    rows.push({
      case: 'GET / alone (baseline)',
      logins: 0,
      'login answers': '-',
      'GET / n': baseline.length,
      'GET / p50 ms': percentile(baseline, 50),
      'GET / p99 ms': percentile(baseline, 99),
      'RSS MB': rssMb(a.pid),
    })

    const probe = probeHome(a.url)
    const burstStarted = performance.now()
    // The owner signs in while the flood is on: as soon as the first guess is refused (429),
    // then again after each Retry-After the server gives (as a person's browser would).
    let firstRefusal: () => void = () => {}
    const refused = new Promise<void>((resolve) => {
      firstRefusal = resolve
    })
    const owner = (async () => {
      await refused
      const started = performance.now()
      const tries: Answer[] = [await attempt(a.url, email, password)]
      while (tries[tries.length - 1].status === 429 && tries.length < 6) {
        await new Promise((resolve) => setTimeout(resolve, (tries[tries.length - 1].retryAfter ?? 1) * 1000))
        tries.push(await attempt(a.url, email, password))
      }
      return { tries, seconds: (performance.now() - started) / 1000 }
    })()
    const burst = await Promise.all(
      Array.from({ length: parallel }, async (_, i) => {
        const answer = await attempt(a.url, email, `wrong password ${i}`, forged())
        if (answer.status === 429) firstRefusal()
        return answer
      }),
    )
    const burstSeconds = (performance.now() - burstStarted) / 1000
    const { tries, seconds: ownerSeconds } = await owner
    const during = await probe.stop()
    const counts = tally(burst)
    rows.push({
      case: `A. burst of ${parallel}, one account, forged XFF (not trusted), ${burstSeconds.toFixed(1)} s`,
      logins: burst.length,
      'login answers': Object.entries(counts)
        .map(([s, n]) => `${n}×${s}`)
        .join(' '),
      'GET / n': during.length,
      'GET / p50 ms': percentile(during, 50),
      'GET / p99 ms': percentile(during, 99),
      'RSS MB': rssMb(a.pid),
    })
    const last = tries[tries.length - 1]
    rows.push({
      case: 'A. the right password during the burst, retried after each Retry-After',
      logins: tries.length,
      'login answers': `${tries.map((t) => (t.retryAfter ? `${t.status} (Retry-After ${t.retryAfter} s)` : String(t.status))).join(' → ')}, in ${ownerSeconds.toFixed(1)} s`,
      'GET / n': '-',
      'GET / p50 ms': '-',
      'GET / p99 ms': '-',
      'RSS MB': rssMb(a.pid),
    })
    if (counts[429] === undefined || last.status !== 200) {
      process.exitCode = 1
      console.error('expected 429 after the free failures and the right password to work after back-off')
    }
  } finally {
    await a.stop()
  }

  // B. worst case: every request from a new (trusted) address, against random accounts.
  const b = await startWahubServe({ ...prepared.env, WAHUB_TRUST_PROXY: '127.0.0.1' })
  try {
    const probe = probeHome(b.url)
    const answers: Answer[] = []
    const until = performance.now() + seconds * 1000
    await Promise.all(
      Array.from({ length: parallel }, async () => {
        while (performance.now() < until) {
          const who = `user${randomBytes(3).toString('hex')}@flood.example`
          answers.push(await attempt(b.url, who, `guess ${randomBytes(4).toString('hex')}`, forged()))
        }
      }),
    )
    const during = await probe.stop()
    const counts = tally(answers)
    const hashed = counts[401] ?? 0
    rows.push({
      case: `B. ${seconds} s, random accounts, each from a new trusted address`,
      logins: answers.length,
      'login answers': `${Object.entries(counts)
        .map(([s, n]) => `${n}×${s}`)
        .join(' ')} (${(hashed / seconds).toFixed(0)} hashed/s)`,
      'GET / n': during.length,
      'GET / p50 ms': percentile(during, 50),
      'GET / p99 ms': percentile(during, 99),
      'RSS MB': rssMb(b.pid),
    })
    const right = await attempt(b.url, email, password, forged())
    rows.push({
      case: 'B. right password from its own address, after the flood',
      logins: 1,
      'login answers': String(right.status),
      'GET / n': '-',
      'GET / p50 ms': '-',
      'GET / p99 ms': '-',
      'RSS MB': rssMb(b.pid),
    })
  } finally {
    await b.stop()
  }
} finally {
  await prepared.remove()
}

printTable(`login flood (${machine()})`, rows)
