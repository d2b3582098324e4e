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

/** The time and random part of the last id made at the newest time so far (monotonic ids). */
let lastTime = -1
let lastTail = ''

/**
 * An id for `now` (the present by default). Ids made in the same millisecond by this process sort
 * in the order they were made (decision 0132): the random part of the previous one plus one, as a
 * monotonic ULID does. A transaction that stores ten inbound messages makes their ids within one
 * millisecond, and a thread ordered by id showed them shuffled. An id for another time — an
 * earlier one given explicitly, or a new millisecond — gets a fresh random part.
 */
export function newId(prefix: string, now = Date.now()): string {
  const tail = now === lastTime ? successor(lastTail) : undefined
  if (tail !== undefined) {
    lastTail = tail
    return `${prefix}_${encodeTime(now)}${tail}`
  }
  if (offset + 14 > pool.length) {
    pool = randomBytes(4096)
    offset = 0
  }
  let fresh = ''
  for (let i = 0; i < 14; i++) fresh += alphabet[pool[offset + i] & 31]
  offset += 14
  if (now >= lastTime) {
    lastTime = now
    lastTail = fresh
  }
  return `${prefix}_${encodeTime(now)}${fresh}`
}

/** The base-32 number one above `tail`, or undefined past the largest (then a fresh random part). */
function successor(tail: string): string | undefined {
  for (let i = tail.length - 1; i >= 0; i--) {
    const digit = alphabet.indexOf(tail[i])
    if (digit < 31) return tail.slice(0, i) + alphabet[digit + 1] + alphabet[0].repeat(tail.length - 1 - i)
  }
  return undefined
}
