import type { Db } from '../db/connect.ts'
import type { Logger } from '../log.ts'
import {
  bookNumberSlots,
  bookPair,
  bookPairs,
  bookPairsMarkSending,
  clearStrikes,
  deleteIdlePairs,
  ensureLane,
  pauseNumber,
  strikePair,
} from './rate-lanes-repo.ts'

// Meta's two send limits, held cluster-wide (SPEC §6, FACTS §4):
// - the number's throughput (80 msg/s, 1,000 when its level is HIGH): a GCRA cell per number
//   in rate_lanes. Senders book a slot and wait for it, so messages leave evenly spaced at the
//   cap whatever the number of instances. Bookings of one process are coalesced: while one
//   UPDATE is in flight, the next batch waits and is booked in one statement (≈ one write per
//   batch, not per message, at 1,000 msg/s).
// - the pair rate limit (1 message / 6 s to one recipient, bursts of 45 borrowed from the
//   future, M-PLAT): a GCRA cell per number × recipient; the job lane already sends one
//   recipient's messages one at a time, so no coalescing is needed there.
// A booking further ahead than `horizonMs` is not made: the job goes back to the queue with a
// delay instead of holding a worker (other numbers' messages keep flowing).
// A slot missed by a stall is not fired late: a sender that wakes more than `lateMs` after its
// slot (the process stalled: GC, CPU starvation) books a fresh one instead, because the slots
// that fell into the past would otherwise all fire at once, on top of the slots after them — a
// burst above Meta's one-second bucket (130429). After a stall the fresh slots start from now,
// paced again. Only once per message: a process late at every wake keeps sending (decision 0021).

export type LaneGrant =
  | { ok: true; waitedMs: number; slotUs?: number }
  | { ok: false; retryInMs: number; reason: 'number' | 'pair' | 'stopping' }

export type RateLaneOptions = {
  /** How far ahead a number slot may be booked. */
  horizonMs?: number
  /** Meta's pair limit. */
  pair?: { intervalMs: number; burst: number }
  /** After 130429: nothing leaves for this long (Meta's bucket is one second deep)… */
  pauseMs?: number
  /** …and the lane runs at half rate for this long. */
  slowForMs?: number
  /** A slot missed by more than this is booked again rather than used (default 200 ms). */
  lateMs?: number
}

export type RateLanes = ReturnType<typeof createRateLanes>

/**
 * The last step before a request leaves for Meta (decision 0079): per number and per process, a
 * token bucket at the lane's current rate holding at most a tenth of a second of sends (at least
 * one). Waiters are released one by one, each release measured against the clock at that moment,
 * so when the process stalls — GC, CPU starvation, a slow commit between the slot and the request
 * — the senders that piled up leave at the cap from the moment it resumes, never in one burst.
 * Shared by every lane set of the process (two send workers, two instances in one test).
 */
type Shaper = {
  tokens: number
  at: number
  perMs: number
  depth: number
  queue: (() => void)[]
  timer?: NodeJS.Timeout
}
const shapers = new Map<string, Shaper>()

function release(shaper: Shaper): void {
  const now = performance.now()
  shaper.tokens = Math.min(shaper.depth, shaper.tokens + (now - shaper.at) * shaper.perMs)
  shaper.at = now
  while (shaper.queue.length > 0 && shaper.tokens >= 1) {
    shaper.tokens -= 1
    shaper.queue.shift()?.()
  }
  if (shaper.queue.length > 0 && !shaper.timer) {
    shaper.timer = setTimeout(
      () => {
        shaper.timer = undefined
        release(shaper)
      },
      Math.max(1, (1 - shaper.tokens) / shaper.perMs),
    )
  }
}

/** Waits for the number's turn to send at `mps` (see Shaper). */
export function shapeSend(key: string, mps: number): Promise<void> {
  let shaper = shapers.get(key)
  const depth = Math.max(1, mps / 10)
  if (!shaper) {
    shaper = { tokens: depth, at: performance.now(), perMs: mps / 1000, depth, queue: [] }
    shapers.set(key, shaper)
  }
  shaper.perMs = mps / 1000
  shaper.depth = depth
  const s = shaper
  return new Promise<void>((resolve) => {
    s.queue.push(resolve)
    release(s)
  })
}

type Waiter = {
  resolve: (r: { slotUs: number } | { retryInMs: number }) => void
  reject: (err: unknown) => void
}
type Lane = { queue: Waiter[]; busy: boolean; ensured: boolean; slowedUntil: number; intervalUs: number }

export const defaultMps = 80

/** Whole microseconds between two messages at `mps`, rounded up (never over the cap). */
export function intervalUsOf(mps: number): number {
  return Math.ceil(1_000_000 / Math.max(0.01, mps))
}

function sleep(ms: number, signal?: AbortSignal): Promise<boolean> {
  if (ms <= 0) return Promise.resolve(true)
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve(false)
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve(true)
    }, ms)
    const onAbort = () => {
      clearTimeout(timer)
      resolve(false)
    }
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}

export function numberLaneKey(numberRowId: string): string {
  return `number:${numberRowId}`
}

export function pairLaneKey(numberRowId: string, recipient: string): string {
  return `pair:${numberRowId}:${recipient}`
}

export function createRateLanes(db: Db, log: Logger, options: RateLaneOptions = {}) {
  const horizonUs = (options.horizonMs ?? 1000) * 1000
  const pair = options.pair ?? { intervalMs: 6000, burst: 45 }
  const pairIntervalUs = pair.intervalMs * 1000
  const pauseUs = (options.pauseMs ?? 1000) * 1000
  const slowForMs = options.slowForMs ?? 60_000
  const lateMs = options.lateMs ?? 200
  const lanes = new Map<string, Lane>()
  let lastCleanup = Date.now()
  const throughput = new Map<string, { mps: number; at: number }>()

  // The number's cap: what Meta reported at import/refresh (throughput level STANDARD = 80,
  // HIGH = 1,000), re-read every 10 s so a refresh or an upgrade applies without a restart.
  async function throughputOf(numberRowId: string): Promise<number> {
    const hit = throughput.get(numberRowId)
    if (hit && Date.now() - hit.at < 10_000) return hit.mps
    const row = await db
      .selectFrom('phone_numbers')
      .select(['throughput_mps', 'throughput_level'])
      .where('id', '=', numberRowId)
      .executeTakeFirst()
    const mps = row?.throughput_mps ?? (row?.throughput_level === 'HIGH' ? 1000 : defaultMps)
    throughput.set(numberRowId, { mps, at: Date.now() })
    return mps
  }

  function onTime(slotUs: number, now = Date.now()): boolean {
    return now - slotUs / 1000 <= lateMs
  }

  async function flush(key: string, lane: Lane): Promise<void> {
    lane.busy = true
    try {
      while (lane.queue.length > 0) {
        const batch = lane.queue.splice(0)
        try {
          if (!lane.ensured) {
            await ensureLane(db, key, 'number')
            lane.ensured = true
          }
          const nowUs = Date.now() * 1000
          const slowed = lane.slowedUntil > nowUs / 1000
          const interval = slowed ? lane.intervalUs * 2 : lane.intervalUs
          const booking = await bookNumberSlots(db, key, batch.length, interval, horizonUs, nowUs)
          if (!booking) {
            lane.ensured = false // the row vanished (tests truncate); create it again
            lane.queue.unshift(...batch)
            continue
          }
          if (booking.booked) {
            lane.slowedUntil = booking.slowedUntil
            for (const [i, w] of batch.entries()) w.resolve({ slotUs: booking.startUs + i * interval })
          } else {
            const aheadMs = (booking.tatUs - nowUs - horizonUs) / 1000
            // Spread the returns over the next horizon so they do not all come back at once.
            for (const w of batch)
              w.resolve({ retryInMs: Math.max(10, aheadMs) + Math.random() * (horizonUs / 1000) })
          }
        } catch (err) {
          for (const w of batch) w.reject(err)
        }
      }
    } finally {
      lane.busy = false
    }
  }

  return {
    /** How many of the number's sends may be booked ahead: its cap over the horizon. */
    async horizonSends(numberRowId: string): Promise<number> {
      return Math.max(1, Math.ceil(((await throughputOf(numberRowId)) * horizonUs) / 1_000_000))
    },

    /**
     * Waits for this number's next slot (cluster-wide). `ok: false` when the lane is booked
     * beyond the horizon (retry in `retryInMs`) or the worker is stopping.
     */
    async takeNumber(numberRowId: string, signal?: AbortSignal): Promise<LaneGrant> {
      const key = numberLaneKey(numberRowId)
      const mps = await throughputOf(numberRowId)
      let lane = lanes.get(key)
      if (!lane) {
        lane = { queue: [], busy: false, ensured: false, slowedUntil: 0, intervalUs: intervalUsOf(mps) }
        lanes.set(key, lane)
      }
      lane.intervalUs = intervalUsOf(mps)
      const current = lane
      let waitedMs = 0
      for (let attempt = 1; ; attempt++) {
        const grant = await new Promise<{ slotUs: number } | { retryInMs: number }>((resolve, reject) => {
          current.queue.push({ resolve, reject })
          if (!current.busy) void flush(key, current)
        })
        if ('retryInMs' in grant)
          return { ok: false, retryInMs: Math.round(grant.retryInMs), reason: 'number' }
        const waitMs = grant.slotUs / 1000 - Date.now()
        if (!(await sleep(waitMs, signal))) return { ok: false, retryInMs: 0, reason: 'stopping' }
        waitedMs += Math.max(0, waitMs)
        // Woke too late (the process stalled): this slot is lost, book the next free one — once.
        // A process starved for longer than lateMs at every wake would otherwise lose every
        // slot it books; the second slot is used even if late (degraded, never stuck).
        if (onTime(grant.slotUs) || attempt >= 2) return { ok: true, waitedMs, slotUs: grant.slotUs }
      }
    },

    /**
     * The number's turn to send, just before the request leaves (shapeSend): after a stall the
     * senders that piled up go at the lane's current rate (half of it after a 130429), not at once.
     */
    async dispatch(numberRowId: string): Promise<void> {
      const key = numberLaneKey(numberRowId)
      const lane = lanes.get(key)
      const intervalUs = lane
        ? lane.slowedUntil > Date.now()
          ? lane.intervalUs * 2
          : lane.intervalUs
        : undefined
      const mps = intervalUs ? 1_000_000 / intervalUs : await throughputOf(numberRowId)
      await shapeSend(key, mps)
    },

    /** Books the pair's next message now, or says how long to wait (Meta's pair limit). */
    async takePair(
      numberRowId: string,
      recipient: string,
      trx: Db = db,
    ): Promise<LaneGrant & { strikes?: number }> {
      const nowUs = Date.now() * 1000
      const { waitUs, strikes } = await bookPair(
        trx,
        pairLaneKey(numberRowId, recipient),
        pairIntervalUs,
        pair.burst,
        nowUs,
      )
      if (Date.now() - lastCleanup > 60_000) {
        lastCleanup = Date.now()
        deleteIdlePairs(db, nowUs - 10 * 60_000_000).catch((err) =>
          log.warn({ err }, 'rate lane cleanup failed'),
        )
      }
      if (waitUs > 0) return { ok: false, retryInMs: Math.ceil(waitUs / 1000), reason: 'pair' }
      return { ok: true, waitedMs: 0, strikes }
    },

    /** takePair for several messages to distinct pairs, in one statement (a group commit). */
    async takePairs(
      items: readonly { numberRowId: string; recipient: string }[],
      trx: Db = db,
    ): Promise<(LaneGrant & { strikes?: number })[]> {
      const keys = items.map((i) => pairLaneKey(i.numberRowId, i.recipient))
      const unique = [...new Set(keys)]
      if (unique.length !== keys.length) {
        // Two messages to one pair in one group (not expected: a job lane sends one at a time).
        const out: (LaneGrant & { strikes?: number })[] = []
        for (const i of items) out.push(await this.takePair(i.numberRowId, i.recipient, trx))
        return out
      }
      const result = await bookPairs(trx, keys, pairIntervalUs, pair.burst, Date.now() * 1000)
      return keys.map((k): LaneGrant & { strikes?: number } => {
        const r = result.get(k) ?? { waitUs: 1000, strikes: 0 }
        return r.waitUs > 0
          ? { ok: false, retryInMs: Math.ceil(r.waitUs / 1000), reason: 'pair' }
          : { ok: true, waitedMs: 0, strikes: r.strikes }
      })
    },

    /**
     * takePairs, and each booked message moved to `sending` in the same statement (databases
     * with writable CTEs; rate-lanes-repo.ts bookPairsMarkSending). Undefined when two messages
     * share a pair: the caller takes takePairs and markSendingMany in a transaction instead.
     */
    async takePairsMarkSending(
      items: readonly { numberRowId: string; recipient: string; messageId: string }[],
      nowMs: number,
      trx: Db = db,
    ): Promise<{ grant: LaneGrant & { strikes?: number }; sending: boolean }[] | undefined> {
      const keys = items.map((i) => pairLaneKey(i.numberRowId, i.recipient))
      if (new Set(keys).size !== keys.length) return undefined
      const result = await bookPairsMarkSending(
        trx,
        items.map((i, n) => ({ key: keys[n], messageId: i.messageId })),
        pairIntervalUs,
        pair.burst,
        nowMs * 1000,
      )
      return keys.map((k) => {
        const r = result.get(k) ?? { waitUs: 1000, strikes: 0, sending: false }
        return r.waitUs > 0
          ? { grant: { ok: false, retryInMs: Math.ceil(r.waitUs / 1000), reason: 'pair' }, sending: false }
          : { grant: { ok: true, waitedMs: 0, strikes: r.strikes }, sending: r.sending }
      })
    },

    /** 130429: Meta says the number is over its throughput; every instance backs off. */
    async slowNumber(numberRowId: string): Promise<number> {
      const nowMs = Date.now()
      await pauseNumber(db, numberLaneKey(numberRowId), nowMs * 1000 + pauseUs, nowMs + slowForMs)
      const lane = lanes.get(numberLaneKey(numberRowId))
      if (lane) lane.slowedUntil = nowMs + slowForMs
      return pauseUs / 1000
    },

    /** 131056: retry this pair after 4^X seconds (X = strikes so far; Meta's advice, FACTS §4). */
    async slowPair(numberRowId: string, recipient: string): Promise<number> {
      const delayUs = await strikePair(
        db,
        pairLaneKey(numberRowId, recipient),
        pairIntervalUs,
        pair.burst,
        Date.now() * 1000,
        (strikes) => Math.min(600, 4 ** strikes) * 1_000_000,
      )
      return delayUs / 1000
    },

    /** A message reached Meta after 131056 strikes: the pair is healthy again. */
    async pairRecovered(numberRowId: string, recipient: string): Promise<void> {
      await clearStrikes(db, pairLaneKey(numberRowId, recipient))
    },
  }
}
