// Meta's wire format for time: webhooks carry unix seconds, as strings in messages and statuses
// ("timestamp": "1717000000") and as numbers elsewhere.

/** Later than any real timestamp (year 5138): what lies beyond is junk, not a time. */
const maxSeconds = 1e11

/**
 * Meta's timestamp (unix seconds, string or number) to whole epoch milliseconds, or null when
 * unusable — also for 1e308 (Infinity once in milliseconds) and fractions an integer column
 * refuses (found by the fuzz suite).
 */
export function metaTimeMs(value: unknown): number | null {
  const n = typeof value === 'string' ? Number(value) : typeof value === 'number' ? value : Number.NaN
  return Number.isFinite(n) && n > 0 && n < maxSeconds ? Math.round(n * 1000) : null
}
