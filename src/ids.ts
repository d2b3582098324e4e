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

// Random bytes are drawn 4 KiB at a time: one randomBytes call per id was a measurable share
// of the webhook intake's CPU (bench/ingest.ts).
let pool = randomBytes(4096)
let offset = 0

export function newId(prefix: string, now = Date.now()): string {
  if (offset + 14 > pool.length) {
    pool = randomBytes(4096)
    offset = 0
  }
  let tail = ''
  for (let i = 0; i < 14; i++) tail += alphabet[pool[offset + i] & 31]
  offset += 14
  return `${prefix}_${encodeTime(now)}${tail}`
}
