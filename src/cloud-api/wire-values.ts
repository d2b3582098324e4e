// Reading one field of a webhook payload for a database column. Payloads are checked by their
// signature, not by their shape: a signed body may carry an object where Meta sends a number
// (the fuzz suite's `"code": {…}`), which SQLite cannot bind and PostgreSQL refuses. These give
// the column's type or null, never the raw value.

/** A text column: a non-empty string, a finite number as text, else null. */
export function wireText(value: unknown, max = 4000): string | null {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value)
  if (typeof value !== 'string' || value === '') return null
  return value.length <= max ? value : value.slice(0, max)
}

/** An integer column (Meta's error codes): a safe integer, or digits, else null. */
export function wireInteger(value: unknown): number | null {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return value
  if (typeof value === 'string' && /^-?\d{1,15}$/.test(value)) return Number(value)
  return null
}
