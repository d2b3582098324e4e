import net from 'node:net'
import { performance } from 'node:perf_hooks'

// Load at a rate, the way Meta delivers webhooks: independent arrivals, whatever the answers do
// (decision 0130). autocannon's `overallRate` paces each connection per second: a connection sends
// its share of the second back to back, then waits for the next second (autocannon issue #174).
// Its "1,000/s" on 32 connections is a clump of 1,000 requests in the first ~250 ms of each second
// and nothing for the rest, which measures how a server drains a burst, not how it holds a rate.
// Here requests arrive as a Poisson process of the rate's mean, over keep-alive connections, and
// each latency counts from the request's scheduled arrival — a request that waits for a free
// connection counts its wait (no coordinated omission). Requests are built before the clock
// starts, so the generator spends its CPU during the run on sockets only.

export type OpenLoopRequest = { body: string; headers: Record<string, string> }

export type OpenLoopOptions = {
  url: string
  path: string
  /** Mean arrivals per second. */
  rate: number
  seconds: number
  connections: number
  /** The next request's body and headers (called rate × seconds times before the clock starts). */
  next(): OpenLoopRequest
  /** Seeds the arrival times: the same seed, the same schedule. */
  seed?: number
  /** How long after the last arrival answers are awaited before the rest count as errors. */
  drainMs?: number
}

export type OpenLoopResult = {
  offered: number
  /** 2xx answers. */
  ok: number
  /** Other statuses, broken connections and requests unanswered at the end. */
  errors: number
  /** 2xx answers a second, over the window or until the last answer if that came later. */
  rps: number
  /** Milliseconds from each answered request's scheduled arrival to its answer, sorted. */
  latencies: Float64Array
}

/** A small seeded PRNG (mulberry32): uniform in [0, 1). */
function seeded(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Arrival times (ms from the start, ascending) of a Poisson process of mean `rate` a second. */
export function poissonArrivals(rate: number, seconds: number, seed = 1): Float64Array {
  if (!(rate > 0) || !(seconds > 0))
    throw new Error(`poissonArrivals: rate and seconds must be > 0 (got ${rate}, ${seconds})`)
  const random = seeded(seed)
  const out: number[] = []
  const end = seconds * 1000
  for (let t = (-Math.log(1 - random()) * 1000) / rate; t < end; t += (-Math.log(1 - random()) * 1000) / rate)
    out.push(t)
  return Float64Array.from(out)
}

/** The value at percentile `p` of ascending `sorted` values (NaN when empty). */
export function sortedPercentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]
}

type Connection = { socket: net.Socket; inFlight: number; received: Buffer | undefined; ready: boolean }

/** One HTTP/1.1 response at the start of `buf`: its status and length, or undefined while incomplete. */
function parseResponse(buf: Buffer): { status: number; length: number } | undefined {
  const headerEnd = buf.indexOf('\r\n\r\n')
  if (headerEnd < 0) return undefined
  const head = buf.toString('latin1', 0, headerEnd)
  const status = Number(head.slice(9, 12))
  const bodyStart = headerEnd + 4
  const contentLength = /\r\ncontent-length:\s*(\d+)/i.exec(head)
  if (contentLength) {
    const length = bodyStart + Number(contentLength[1])
    return buf.length >= length ? { status, length } : undefined
  }
  if (/\r\ntransfer-encoding:\s*chunked/i.test(head)) {
    const end = buf.indexOf('0\r\n\r\n', bodyStart)
    return end < 0 ? undefined : { status, length: end + 5 }
  }
  return { status, length: bodyStart }
}

/** Sends `rate × seconds` requests arriving as a Poisson process and waits for their answers. */
export async function openLoop(options: OpenLoopOptions): Promise<OpenLoopResult> {
  const target = new URL(options.url)
  const port = Number(target.port || 80)
  const arrivals = poissonArrivals(options.rate, options.seconds, options.seed)
  const total = arrivals.length
  const requests: Buffer[] = new Array(total)
  for (let i = 0; i < total; i++) {
    const { body, headers } = options.next()
    const lines = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`)
    requests[i] = Buffer.from(
      `POST ${options.path} HTTP/1.1\r\nhost: ${target.host}\r\n${lines.join('')}content-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    )
  }
  const latencies = new Float64Array(total)
  let answered = 0
  let ok = 0
  let errors = 0
  let released = 0
  const due: number[] = []
  let dueHead = 0
  const idle: Connection[] = []
  const all = new Set<Connection>()
  let start = 0
  let lastAnswer = 0
  let finished: () => void = () => {}
  const done = new Promise<void>((resolve) => {
    finished = resolve
  })

  const settle = (conn: Connection, status: number) => {
    const i = conn.inFlight
    conn.inFlight = -1
    const now = performance.now()
    lastAnswer = now
    if (status >= 200 && status < 300) latencies[ok++] = now - (start + arrivals[i])
    else errors++
    answered++
    if (answered === total) finished()
  }
  const dispatch = () => {
    while (dueHead < due.length && idle.length > 0) {
      const conn = idle.pop() as Connection
      const i = due[dueHead++]
      conn.inFlight = i
      conn.socket.write(requests[i])
    }
    if (dueHead > 4096) {
      due.splice(0, dueHead)
      dueHead = 0
    }
  }
  const connect = (): Promise<void> =>
    new Promise((resolve, reject) => {
      const conn: Connection = {
        socket: net.connect({ host: target.hostname, port, noDelay: true }),
        inFlight: -1,
        received: undefined,
        ready: false,
      }
      all.add(conn)
      conn.socket.on('connect', () => {
        conn.ready = true
        idle.push(conn)
        dispatch()
        resolve()
      })
      conn.socket.on('data', (chunk: Buffer) => {
        conn.received = conn.received ? Buffer.concat([conn.received, chunk]) : chunk
        const response = parseResponse(conn.received)
        if (!response || conn.inFlight < 0) return
        conn.received =
          conn.received.length > response.length ? conn.received.subarray(response.length) : undefined
        settle(conn, response.status)
        idle.push(conn)
        dispatch()
      })
      let failure: Error | undefined
      conn.socket.on('error', (err) => {
        failure = err
      })
      conn.socket.on('close', () => {
        all.delete(conn)
        // A connection that never opened: the server is not there, say so instead of retrying.
        if (!conn.ready)
          return reject(new Error(`open loop: cannot connect to ${options.url} (${failure?.message})`))
        const i = idle.indexOf(conn)
        if (i >= 0) idle.splice(i, 1)
        if (conn.inFlight >= 0) settle(conn, 0)
        if (answered < total && !closing) void connect().catch(() => {})
      })
    })
  let closing = false
  try {
    await Promise.all(Array.from({ length: Math.max(1, options.connections) }, connect))
  } catch (err) {
    closing = true
    for (const conn of all) conn.socket.destroy()
    throw err
  }

  start = performance.now()
  const tick = () => {
    const now = performance.now() - start
    while (released < total && arrivals[released] <= now) due.push(released++)
    dispatch()
    if (released < total) setTimeout(tick, 1)
  }
  tick()
  const drainMs = options.drainMs ?? 60_000
  const timer = setTimeout(finished, options.seconds * 1000 + drainMs)
  await done
  clearTimeout(timer)
  closing = true
  errors += total - answered
  for (const conn of all) conn.socket.destroy()
  const answeredLatencies = latencies.subarray(0, ok).sort()
  const elapsedSeconds = Math.max(options.seconds, (lastAnswer - start) / 1000)
  return { offered: total, ok, errors, rps: ok / elapsedSeconds, latencies: answeredLatencies }
}
