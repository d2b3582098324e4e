import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto'
import { WahubError } from '../errors.ts'

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

// scrypt runs on libuv's thread pool (4 threads), which also serves file reads (the dashboard's
// assets, media). Unbounded, 40 parallel logins filled it and `GET /` took 11 s (issue 12), so
// at most `hashSlots` hashes run at once and at most `maxWaiting` wait; beyond that a login is
// refused at once (429) rather than queued without bound.
const hashSlots = 2
const maxWaiting = 32
let running = 0
const waiting: (() => void)[] = []

async function inHashSlot<T>(work: () => Promise<T>): Promise<T> {
  if (running >= hashSlots) {
    if (waiting.length >= maxWaiting) {
      throw new WahubError('rate_limited', 'Too many logins at once; try again in a few seconds.', {
        retryAfterSeconds: 2,
      })
    }
    await new Promise<void>((resolve) => waiting.push(resolve))
  } else running++
  try {
    return await work()
  } finally {
    const next = waiting.shift()
    if (next) next()
    else running--
  }
}

function derive(password: string, salt: Buffer, n: number, rr: number, pp: number): Promise<Buffer> {
  return inHashSlot(
    () =>
      new Promise<Buffer>((resolve, reject) => {
        scrypt(password.normalize('NFKC'), salt, keyLength, { N: n, r: rr, p: pp, maxmem }, (err, key) =>
          err ? reject(err) : resolve(key),
        )
      }),
  )
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

/** A one-time password for a new user (printed once, must be changed at first login). */
export function generatePassword(): string {
  return randomBytes(15).toString('base64url')
}
