import type { Vault } from '../channels/vault.ts'
import type { Db } from '../db/connect.ts'
import type { SeedTemplate } from '../emulator/seed-types.ts'
import { listTemplates } from '../templates/templates-repo.ts'
import { type SandboxSecrets, type StoredSandbox, sandboxCustomers, sandboxIds } from './sandbox-seed.ts'

// The Sandbox's own reads and its two writes on channel tables: the `is_sandbox` flags (set
// once, when it is created) and the WABA's graph URL (the emulator's port may change between
// starts). Everything else goes through the channel functions an operator's commands use.

export async function hasChannels(db: Db): Promise<boolean> {
  const app = await db.selectFrom('meta_apps').select('id').limit(1).executeTakeFirst()
  const waba = await db.selectFrom('wabas').select('id').limit(1).executeTakeFirst()
  return app !== undefined || waba !== undefined
}

export async function markSandbox(db: Db, wabaRowId: string): Promise<void> {
  const now = Date.now()
  await db.updateTable('wabas').set({ is_sandbox: 1, updated_at: now }).where('id', '=', wabaRowId).execute()
  await db
    .updateTable('phone_numbers')
    .set({ is_sandbox: 1, updated_at: now })
    .where('waba_id', '=', wabaRowId)
    .execute()
}

export async function setGraphUrl(db: Db, wabaRowId: string, url: string): Promise<void> {
  await db
    .updateTable('wabas')
    .set({ graph_url: url, updated_at: Date.now() })
    .where('id', '=', wabaRowId)
    .execute()
}

export type SandboxRows = {
  wabaRowId: string
  graphUrl: string | null
  secrets: SandboxSecrets
  /** False when the operator removed the Sandbox app: webhooks cannot be verified then. */
  appPresent: boolean
  stored: StoredSandbox
}

/** What Wahub holds of the Sandbox, or undefined when its WABA was removed. */
export async function loadSandboxRows(
  db: Db,
  vault: Vault,
  fallbackSecret: string,
): Promise<SandboxRows | undefined> {
  const waba = await db
    .selectFrom('wabas')
    .select(['id', 'access_token_enc', 'graph_url'])
    .where('waba_id', '=', sandboxIds.wabaId)
    .where('is_sandbox', '=', 1)
    .executeTakeFirst()
  if (!waba) return undefined
  const app = await db
    .selectFrom('meta_apps')
    .select(['id', 'app_secret_enc', 'verify_token_enc'])
    .where('app_id', '=', sandboxIds.appId)
    .executeTakeFirst()
  const numbers = await db
    .selectFrom('phone_numbers')
    .selectAll()
    .where('waba_id', '=', waba.id)
    .orderBy('phone_number_id')
    .execute()
  const templates: SeedTemplate[] = []
  for (const t of await listTemplates(db, { wabaRowId: waba.id })) {
    // A template known only from a webhook has no components: the emulator could not send it.
    if (t.status === 'DELETED' || t.components.length === 0) continue
    const seed: SeedTemplate = {
      name: t.name,
      language: t.language,
      category: (t.category ?? 'UTILITY') as SeedTemplate['category'],
      status: t.status,
      parameter_format: t.parameterFormat === 'NAMED' ? 'NAMED' : 'POSITIONAL',
      components: t.components as Record<string, unknown>[],
    }
    if (t.metaTemplateId) seed.id = t.metaTemplateId
    templates.push(seed)
  }
  const lastInbound = new Map<string, number>()
  if (numbers.length > 0) {
    const rows = await db
      .selectFrom('conversations as c')
      .innerJoin('contacts as k', 'k.id', 'c.contact_id')
      .select(['k.wa_id', 'c.last_inbound_at'])
      .where(
        'c.phone_number_id',
        'in',
        numbers.map((n) => n.id),
      )
      .where(
        'k.wa_id',
        'in',
        sandboxCustomers.map((c) => c.waId),
      )
      .execute()
    for (const r of rows) {
      if (!r.wa_id || r.last_inbound_at === null) continue
      lastInbound.set(r.wa_id, Math.max(lastInbound.get(r.wa_id) ?? 0, Number(r.last_inbound_at)))
    }
  }
  const decrypt = (enc: string | null | undefined, field: string, id: string) =>
    enc ? vault.decrypt(enc, `${field}:${id}`) : undefined
  return {
    wabaRowId: waba.id,
    graphUrl: waba.graph_url,
    appPresent: app !== undefined,
    secrets: {
      appSecret: (app && decrypt(app.app_secret_enc, 'meta_apps.app_secret_enc', app.id)) || fallbackSecret,
      verifyToken:
        (app && decrypt(app.verify_token_enc, 'meta_apps.verify_token_enc', app.id)) || fallbackSecret,
      accessToken: decrypt(waba.access_token_enc, 'wabas.access_token_enc', waba.id) as string,
    },
    stored: {
      numbers: numbers.map((n) => ({
        id: n.phone_number_id,
        display: n.display_phone_number ?? n.phone_number_id,
        verifiedName: n.verified_name,
        quality: n.quality_rating,
        tier: n.messaging_limit_tier,
        throughputLevel: n.throughput_level,
        registered: n.registered === null ? null : n.registered === 1,
        accountMode: n.account_mode,
      })),
      templates,
      lastInbound,
    },
  }
}

/** The Sandbox WABA's row and numbers (what "Go live" leaves behind), or undefined once removed. */
export async function sandboxWaba(
  db: Db,
): Promise<{ id: string; numbers: { phoneNumberId: string; display: string | null }[] } | undefined> {
  const waba = await db
    .selectFrom('wabas')
    .select('id')
    .where('is_sandbox', '=', 1)
    .orderBy('created_at')
    .executeTakeFirst()
  if (!waba) return undefined
  const numbers = await db
    .selectFrom('phone_numbers')
    .select(['phone_number_id', 'display_phone_number'])
    .where('waba_id', '=', waba.id)
    .orderBy('phone_number_id')
    .execute()
  return {
    id: waba.id,
    numbers: numbers.map((n) => ({ phoneNumberId: n.phone_number_id, display: n.display_phone_number })),
  }
}

/** A real (not Sandbox) WABA by Wahub's or Meta's id; without one, the first connected. */
export async function realWaba(
  db: Db,
  idOrWabaId?: string,
): Promise<{ id: string; wabaId: string; name: string | null } | undefined> {
  let q = db
    .selectFrom('wabas')
    .select(['id', 'waba_id', 'name'])
    .where('is_sandbox', '=', 0)
    .orderBy('created_at')
    .orderBy('id')
  if (idOrWabaId) q = q.where((eb) => eb.or([eb('id', '=', idOrWabaId), eb('waba_id', '=', idOrWabaId)]))
  const row = await q.executeTakeFirst()
  return row ? { id: row.id, wabaId: row.waba_id, name: row.name } : undefined
}
