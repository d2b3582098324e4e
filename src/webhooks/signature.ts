import { createHmac, timingSafeEqual } from 'node:crypto'
import type { AppSecret } from '../channels/routing.ts'

// SPEC §5: X-Hub-Signature-256 = "sha256=" + hex HMAC-SHA256 of the RAW body with the app secret
// (FACTS §1.8, GRAPH-WH: never over re-serialised JSON). Several apps may deliver to one URL, so
// each configured secret is tried; comparisons are constant-time.

export type SignatureResult =
  | { ok: true; appId: string; metaAppRowId: string }
  | {
      ok: false
      reason: 'signature_missing' | 'signature_malformed' | 'signature_mismatch' | 'no_app_secret'
    }

const prefix = 'sha256='

export function signBody(secret: string, body: Uint8Array): string {
  return prefix + createHmac('sha256', secret).update(body).digest('hex')
}

export function verifySignature(
  secrets: readonly AppSecret[],
  body: Uint8Array,
  header: string | string[] | undefined,
): SignatureResult {
  const value = Array.isArray(header) ? header[0] : header
  if (!value) return { ok: false, reason: 'signature_missing' }
  if (!value.startsWith(prefix) || !/^[0-9a-fA-F]{64}$/.test(value.slice(prefix.length))) {
    return { ok: false, reason: 'signature_malformed' }
  }
  if (secrets.length === 0) return { ok: false, reason: 'no_app_secret' }
  const given = Buffer.from(value.slice(prefix.length).toLowerCase(), 'hex')
  for (const app of secrets) {
    const expected = createHmac('sha256', app.secret).update(body).digest()
    if (timingSafeEqual(expected, given))
      return { ok: true, appId: app.appId, metaAppRowId: app.metaAppRowId }
  }
  return { ok: false, reason: 'signature_mismatch' }
}
