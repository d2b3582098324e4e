import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'

// Helpers for handling secrets without leaking them: API and CLI show only the last 4
// characters (SPEC §4); stored lookups use hashes; comparisons are constant-time.

/** `…abcd`: enough to tell two secrets apart, never enough to use one. */
export function maskSecret(secret: string): string {
  return `…${last4(secret)}`
}

export function last4(secret: string): string {
  return secret.length <= 4 ? '' : secret.slice(-4)
}

export function sha256Hex(value: string): string {
  return createHash('sha256').update(value).digest('hex')
}

/** A random token in base64url (no padding), `bytes` of entropy. */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url')
}

export function constantTimeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a)
  const right = Buffer.from(b)
  if (left.length !== right.length) return false
  return timingSafeEqual(left, right)
}
