// Meta's wire format for time: webhooks carry unix seconds, as strings in messages and statuses
// ("timestamp": "1717000000") and as numbers elsewhere.

/** Meta's timestamp (unix seconds, string or number) to epoch milliseconds, or null when unusable. */
export function metaTimeMs(value: unknown): number | null {
  const n = typeof value === 'string' ? Number(value) : typeof value === 'number' ? value : Number.NaN
  return Number.isFinite(n) && n > 0 ? n * 1000 : null
}
