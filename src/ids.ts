import { randomBytes } from 'node:crypto'

// Time-ordered ids: 10 chars of millisecond time + 14 random chars (Crockford base32), behind
// a readable prefix (`msg_`, `evt_`). Time order keeps B-tree inserts local and makes
// `ORDER BY id` a creation order for cursor pagination.
const alphabet = '0123456789abcdefghjkmnpqrstvwxyz'

function encodeTime(ms: number): string {
  let out = ''
  let rest = ms
  for (let i = 0; i < 10; i++) {
    out = alphabet[rest % 32] + out
    rest = Math.floor(rest / 32)
  }
  return out
}

export function newId(prefix: string, now = Date.now()): string {
  const random = randomBytes(14)
  let tail = ''
  for (const byte of random) tail += alphabet[byte & 31]
  return `${prefix}_${encodeTime(now)}${tail}`
}
