import type { Vault } from '../channels/vault.ts'
import type { Db } from '../db/connect.ts'
import { newSigningSecret } from './standard-webhooks.ts'
import { legacySubscriptionId } from './subscriptions.ts'

// The secret of a tenant's callback URL (its `legacy` subscription, decision 0065). Stored only
// as vault ciphertext (SPEC §4) under the tenant row's context, on the tenant row and on the
// subscription (the same ciphertext); shown once, when rotated through
// POST /api/v1/callbacks/secret. It signs both X-Wahub-Signature-256 (HMAC-SHA256 of the body
// keyed with the whole string) and the Standard Webhooks headers (keyed with its base64 part).

function context(tenantId: string): string {
  return `tenants.callback_secret_enc:${tenantId}`
}

export async function rotateCallbackSecret(db: Db, vault: Vault, tenantId: string): Promise<string> {
  const secret = newSigningSecret()
  const ciphertext = vault.encrypt(secret, context(tenantId))
  const now = Date.now()
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable('tenants')
      .set({ callback_secret_enc: ciphertext, updated_at: now })
      .where('id', '=', tenantId)
      .execute()
    await trx
      .updateTable('webhook_subscriptions')
      .set({ secret_enc: ciphertext, updated_at: now })
      .where('id', '=', legacySubscriptionId(tenantId))
      .execute()
  })
  return secret
}

export async function callbackInfo(
  db: Db,
  tenantId: string,
): Promise<{ url: string | null; hasSecret: boolean }> {
  const row = await db
    .selectFrom('tenants')
    .select(['callback_url', 'callback_secret_enc'])
    .where('id', '=', tenantId)
    .executeTakeFirst()
  return { url: row?.callback_url ?? null, hasSecret: Boolean(row?.callback_secret_enc) }
}
