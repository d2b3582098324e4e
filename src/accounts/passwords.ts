import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto'

// Password hashes: scrypt from node:crypto (no native addon), stored as
// `scrypt$N$r$p$salt$hash` so the cost can be raised later without breaking old hashes.
// N=2^15, r=8, p=3 is one of the equivalent minimums of OWASP's Password Storage Cheat Sheet
// (next to N=2^17, p=1): the same work with 32 MiB per check instead of 128 MiB, which keeps
// a few concurrent logins within the memory bar of SPEC §11.

const N = 32768
const r = 8
const p = 3
const keyLength = 32
const maxmem = 64 * 1024 * 1024

function derive(password: string, salt: Buffer, n: number, rr: number, pp: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFKC'), salt, keyLength, { N: n, r: rr, p: pp, maxmem }, (err, key) =>
      err ? reject(err) : resolve(key),
    )
  })
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16)
  const key = await derive(password, salt, N, r, p)
  return ['scrypt', N, r, p, salt.toString('base64url'), key.toString('base64url')].join('$')
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$')
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false
  const [n, rr, pp] = parts.slice(1, 4).map(Number)
  const expected = Buffer.from(parts[5], 'base64url')
  const key = await derive(password, Buffer.from(parts[4], 'base64url'), n, rr, pp)
  return key.length === expected.length && timingSafeEqual(key, expected)
}

/** A hash of nothing, checked against when the email is unknown: same time, no user enumeration. */
let dummy: Promise<string> | undefined
export function dummyHash(): Promise<string> {
  dummy ??= hashPassword(randomBytes(16).toString('hex'))
  return dummy
}

export function checkPasswordStrength(password: string): string | undefined {
  if (password.length < 10) return 'must be at least 10 characters'
  if (password.length > 200) return 'must be at most 200 characters'
  return undefined
}

/** A one-time password for a new user (printed once, must be changed at first login). */
export function generatePassword(): string {
  return randomBytes(15).toString('base64url')
}
