// Meta's two send limits (FACTS §4): the number's throughput (M-THR, 130429) and the pair rate
// limit per number × recipient (M-PLAT, 131056).

/**
 * Token bucket per number: capacity = one second of throughput, refilled continuously, so a
 * burst of 400 at 80 mps gets ~80 through and the sustained rate stays at 80/s.
 */
export function createThroughputLimiter(now: () => number = Date.now) {
  const buckets = new Map<string, { tokens: number; at: number; mps: number }>()
  return {
    take(numberId: string, mps: number): boolean {
      if (!Number.isFinite(mps)) return true
      const t = now()
      let b = buckets.get(numberId)
      if (!b || b.mps !== mps) {
        b = { tokens: mps, at: t, mps }
        buckets.set(numberId, b)
      }
      b.tokens = Math.min(mps, b.tokens + ((t - b.at) / 1000) * mps)
      b.at = t
      if (b.tokens < 1) return false
      b.tokens -= 1
      return true
    },
    reset(numberId?: string) {
      if (numberId) buckets.delete(numberId)
      else buckets.clear()
    },
  }
}

/**
 * GCRA per (number, recipient): each message books `intervalMs` of the pair's future quota; a
 * message is refused once more than `burst` messages are booked ahead. Matches M-PLAT: 1 per 6 s,
 * bursts up to 45 borrowed from the future (a burst of 20 owes ~2 minutes).
 */
export function createPairLimiter(now: () => number = Date.now) {
  const tat = new Map<string, number>()
  return {
    take(key: string, config: { intervalMs: number; burst: number } | false): boolean {
      if (config === false) return true
      const t = now()
      const next = Math.max(tat.get(key) ?? t, t) + config.intervalMs
      if (next - t > config.burst * config.intervalMs) return false
      tat.set(key, next)
      return true
    },
    reset() {
      tat.clear()
    },
  }
}

export type ThroughputLimiter = ReturnType<typeof createThroughputLimiter>
export type PairLimiter = ReturnType<typeof createPairLimiter>
