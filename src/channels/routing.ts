import type { Db } from '../db/connect.ts'
import { enqueueJob } from '../jobs/jobs-repo.ts'
import type { Vault } from './vault.ts'

// What the webhook intake and processing need from channels/: the app secrets to check
// signatures against, the verify tokens for Meta's handshake, and which tenant a Meta
// phone_number_id belongs to. Receiving calls only these functions.

export type AppSecret = { metaAppRowId: string; appId: string; secret: string }

/** Every configured app secret, decrypted (apps without a secret are left out). */
export async function loadAppSecrets(db: Db, vault: Vault): Promise<AppSecret[]> {
  const rows = await db
    .selectFrom('meta_apps')
    .select(['id', 'app_id', 'app_secret_enc'])
    .where('app_secret_enc', 'is not', null)
    .execute()
  return rows.map((r) => ({
    metaAppRowId: r.id,
    appId: r.app_id,
    secret: vault.decrypt(r.app_secret_enc as string, `meta_apps.app_secret_enc:${r.id}`),
  }))
}

/** Every configured webhook verify token, decrypted. */
export async function loadVerifyTokens(db: Db, vault: Vault): Promise<string[]> {
  const rows = await db.selectFrom('meta_apps').select(['id', 'verify_token_enc']).execute()
  return rows.map((r) => vault.decrypt(r.verify_token_enc, `meta_apps.verify_token_enc:${r.id}`))
}

export type RoutedNumber = {
  /** Our row id (phone_numbers.id). */
  id: string
  phoneNumberId: string
  wabaRowId: string
  /** The Meta app (meta_apps.id) the number's WABA is linked to; null when linked to none. */
  metaAppRowId: string | null
  /** The tenant the number is assigned to, else the WABA's own tenant, else null (unassigned). */
  tenantId: string | null
}

/** Resolves Meta's phone_number_id to our number and its tenant; undefined if unknown. */
export async function routeNumber(db: Db, phoneNumberId: string): Promise<RoutedNumber | undefined> {
  const row = await db
    .selectFrom('phone_numbers as p')
    .innerJoin('wabas as w', 'w.id', 'p.waba_id')
    .select([
      'p.id',
      'p.phone_number_id',
      'p.waba_id',
      'p.tenant_id',
      'w.tenant_id as waba_tenant_id',
      'w.meta_app_id',
    ])
    .where('p.phone_number_id', '=', phoneNumberId)
    .executeTakeFirst()
  if (!row) return undefined
  return {
    id: row.id,
    phoneNumberId: row.phone_number_id,
    wabaRowId: row.waba_id,
    metaAppRowId: row.meta_app_id,
    tenantId: row.tenant_id ?? row.waba_tenant_id,
  }
}

/**
 * Announces that these numbers became routable (added, or given a tenant): a `webhook.replay`
 * job, queued in the caller's transaction, for the webhooks domain to process the events parked
 * as unrouted for them (SPEC §5). channels/ never calls webhooks/ itself (ARCHITECTURE, Layers).
 */
export async function announceRoutable(db: Db, phoneNumberIds: readonly string[]): Promise<void> {
  if (phoneNumberIds.length === 0) return
  await enqueueJob(db, 'webhook.replay', { phoneNumberIds: [...phoneNumberIds], at: Date.now() })
}

/**
 * Announces that a WABA was linked to another app (issue 12): a `webhook.replay` job for its
 * numbers and its own id, so the webhooks kept as `wrong_app` for them are processed again under
 * the new link (those the new app signed are then routed; others stay wrong_app).
 */
export async function announceRelinked(db: Db, wabaRowId: string): Promise<void> {
  const waba = await db.selectFrom('wabas').select('waba_id').where('id', '=', wabaRowId).executeTakeFirst()
  const numbers = await db
    .selectFrom('phone_numbers')
    .select('phone_number_id')
    .where('waba_id', '=', wabaRowId)
    .execute()
  const ids = [...(waba ? [waba.waba_id] : []), ...numbers.map((n) => n.phone_number_id)]
  if (ids.length === 0) return
  await enqueueJob(db, 'webhook.replay', { phoneNumberIds: ids, at: Date.now(), wrongApp: true })
}

/** Every phone_number_id Wahub knows (for the `webhook unrouted` log line and doctor). */
export async function knownPhoneNumberIds(db: Db): Promise<string[]> {
  const rows = await db
    .selectFrom('phone_numbers')
    .select('phone_number_id')
    .orderBy('phone_number_id')
    .execute()
  return rows.map((r) => r.phone_number_id)
}

/**
 * SPEC §12: an event counts only for numbers of the WABAs of the app whose secret signed it.
 * Every configured app secret is tried on arrival (several apps may share the URL), so the
 * signer is checked here: app B's secret must not speak for app A's numbers. A WABA linked to
 * no app belongs to no signer.
 */
export function signedByOwner(wabaAppRowId: string | null, signerAppRowId: string | null): boolean {
  return wabaAppRowId !== null && wabaAppRowId === signerAppRowId
}

/** The Meta app (meta_apps.id) a WABA (Meta's id) is linked to; undefined if the WABA is unknown. */
export async function wabaAppRowId(db: Db, wabaId: string): Promise<string | null | undefined> {
  const row = await db
    .selectFrom('wabas')
    .select('meta_app_id')
    .where('waba_id', '=', wabaId)
    .executeTakeFirst()
  return row ? row.meta_app_id : undefined
}
