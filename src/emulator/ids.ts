import { randomBytes } from 'node:crypto'

let counter = 0

/** Graph object ids are 15–16 digit numbers (kept under 2^53: template ids go out as integers). */
export function newObjectId(): string {
  counter = (counter + 1) % 1000
  const base = 1_000_000_000_000_000 + Math.floor(Math.random() * 8_000_000_000_000_000)
  return String(base - (base % 1000) + counter)
}

/**
 * A wamid shaped like Meta's ("wamid.HBgL…" is base64 of a protobuf-ish record holding the
 * recipient and a random id). Receivers must treat it as opaque; the shape only makes logs look real.
 */
export function newWamid(recipient: string): string {
  const digits = recipient.replace(/\D/g, '').slice(0, 15) || '0'
  const payload = Buffer.concat([
    Buffer.from([0x1c, 0x18, digits.length]),
    Buffer.from(digits),
    Buffer.from([0x15, 0x02, 0x00, 0x11, 0x18, 0x12]),
    Buffer.from(randomBytes(9).toString('hex').toUpperCase()),
    Buffer.from([0x00]),
  ])
  return `wamid.${payload.toString('base64')}`
}

/** fbtrace_id: 22–27 url-safe characters in Meta's errors. */
export function newFbtraceId(): string {
  return randomBytes(17).toString('base64url').slice(0, 23)
}

export function newHexId(bytes = 16): string {
  return randomBytes(bytes).toString('hex')
}
