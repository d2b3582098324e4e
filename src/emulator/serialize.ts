import { createHmac } from 'node:crypto'

/**
 * Meta serialises webhook bodies with every non-ASCII character escaped as \uXXXX (lowercase
 * hex, astral characters as surrogate pairs) and signs those bytes (FACTS §1.8, GRAPH-WH). A
 * receiver that re-serialises the parsed JSON gets different bytes and a wrong signature.
 */
export function serializeLikeMeta(value: unknown): string {
  return JSON.stringify(value).replace(
    /[\u0080-\uffff]/g,
    (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`,
  )
}

/** X-Hub-Signature-256 value: sha256=<hex HMAC-SHA256 of the exact bytes with the app secret>. */
export function signSha256(body: string | Buffer, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`
}

/** Legacy X-Hub-Signature (sha1), still sent alongside by Meta. */
export function signSha1(body: string | Buffer, secret: string): string {
  return `sha1=${createHmac('sha1', secret).update(body).digest('hex')}`
}
