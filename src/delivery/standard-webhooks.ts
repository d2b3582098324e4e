import { createHmac, randomBytes } from 'node:crypto'

// Standard Webhooks (https://www.standardwebhooks.com, spec v1): each request carries
// `webhook-id` (the same on every retry of one message: receivers deduplicate on it),
// `webhook-timestamp` (seconds) and `webhook-signature` = `v1,` + base64 HMAC-SHA256 of
// `${id}.${timestamp}.${body}` keyed with the base64-decoded part of the `whsec_` secret.
// Written here (a few lines of node:crypto); the tests verify with the `standardwebhooks`
// package, so a mistake here cannot hide behind the same mistake in the check.

export function newSigningSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`
}

function keyOf(secret: string): Buffer {
  const raw = secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret
  // Secrets issued before issue 20 were base64url: Buffer reads both alphabets.
  return Buffer.from(raw, 'base64')
}

export function standardWebhookHeaders(
  secret: string,
  webhookId: string,
  body: string,
  now = Date.now(),
): Record<string, string> {
  const timestamp = String(Math.floor(now / 1000))
  const signature = createHmac('sha256', keyOf(secret))
    .update(`${webhookId}.${timestamp}.${body}`)
    .digest('base64')
  return {
    'webhook-id': webhookId,
    'webhook-timestamp': timestamp,
    'webhook-signature': `v1,${signature}`,
  }
}

/** Wahub's own signature before issue 20 (HMAC-SHA256 of the body keyed with the whole secret). */
export function legacySignature(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`
}
