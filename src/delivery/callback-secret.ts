import { randomBytes } from 'node:crypto'
import type { Vault } from '../channels/vault.ts'
import type { Db } from '../db/connect.ts'

// The secret a tenant's callbacks are signed with (X-Wahub-Signature-256 = HMAC-SHA256 of the
// body). Stored only as vault ciphertext (SPEC §4); shown once, when created or rotated through
// POST /api/v1/callbacks/secret. A tenant with a callback URL and no secret yet gets one
// generated at its first callback (it then rotates to learn it).

function context(tenantId: string): string {
  return `tenants.callback_secret_enc:${tenantId}`
}

export async function rotateCallbackSecret(db: Db, vault: Vault, tenantId: string): Promise<string> {
  const secret = `whsec_${randomBytes(24).toString('base64url')}`
  await db
    .updateTable('tenants')
    .set({ callback_secret_enc: vault.encrypt(secret, context(tenantId)), updated_at: Date.now() })
    .where('id', '=', tenantId)
    .execute()
  return secret
}

export type CallbackTarget = { url: string; secret: string }

/** The tenant's callback URL and secret (creating the secret if there is none), or undefined. */
export async function callbackTarget(
  db: Db,
  vault: Vault,
  tenantId: string,
): Promise<CallbackTarget | undefined> {
  const row = await db
    .selectFrom('tenants')
    .select(['callback_url', 'callback_secret_enc'])
    .where('id', '=', tenantId)
    .executeTakeFirst()
  if (!row?.callback_url) return undefined
  if (row.callback_secret_enc)
    return { url: row.callback_url, secret: vault.decrypt(row.callback_secret_enc, context(tenantId)) }
  // First callback: create the secret, unless another worker just did (then use theirs).
  const secret = `whsec_${randomBytes(24).toString('base64url')}`
  await db
    .updateTable('tenants')
    .set({ callback_secret_enc: vault.encrypt(secret, context(tenantId)) })
    .where('id', '=', tenantId)
    .where('callback_secret_enc', 'is', null)
    .execute()
  const stored = await db
    .selectFrom('tenants')
    .select('callback_secret_enc')
    .where('id', '=', tenantId)
    .executeTakeFirst()
  if (!stored?.callback_secret_enc) return undefined
  return { url: row.callback_url, secret: vault.decrypt(stored.callback_secret_enc, context(tenantId)) }
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
