import type { Db } from '../db/connect.ts'
import { newId } from '../ids.ts'

// Template webhooks (FACTS §1.7): status (APPROVED, PAUSED, DISABLED, REJECTED…), quality
// score and category changes update the local template cache that send policy reads. A
// template Wahub has not synced yet gets a row, so its state is known before the next sync.

type Obj = Record<string, unknown>
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v)
const s = (v: unknown): string | null =>
  typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : null

async function wabaRow(
  db: Db,
  wabaId: string | null,
): Promise<{ id: string; tenantId: string | null } | undefined> {
  if (!wabaId) return undefined
  const row = await db
    .selectFrom('wabas')
    .select(['id', 'tenant_id'])
    .where('waba_id', '=', wabaId)
    .executeTakeFirst()
  return row ? { id: row.id, tenantId: row.tenant_id } : undefined
}

// Meta's webhook spells languages en-US, the template API en_US.
const normaliseLanguage = (lang: string) => lang.replace('-', '_')

async function upsertTemplate(
  db: Db,
  wabaRowId: string,
  value: Obj,
  changes: { status?: string; quality_score?: string; category?: string; rejected_reason?: string | null },
): Promise<boolean> {
  const name = s(value.message_template_name)
  const language = s(value.message_template_language)
  const metaId = s(value.message_template_id)
  if (!name || !language) return false
  const lang = normaliseLanguage(language)
  const now = Date.now()
  const existing = await db
    .selectFrom('templates')
    .select('id')
    .where('waba_id', '=', wabaRowId)
    .where((eb) =>
      eb.or([
        eb.and([eb('name', '=', name), eb('language', 'in', [lang, language])]),
        ...(metaId ? [eb('meta_template_id', '=', metaId)] : []),
      ]),
    )
    .executeTakeFirst()
  if (existing) {
    await db
      .updateTable('templates')
      .set({ ...changes, ...(metaId ? { meta_template_id: metaId } : {}), updated_at: now })
      .where('id', '=', existing.id)
      .execute()
    return true
  }
  await db
    .insertInto('templates')
    .values({
      id: newId('tpl'),
      waba_id: wabaRowId,
      meta_template_id: metaId,
      name,
      language: lang,
      category: changes.category ?? null,
      status: changes.status ?? 'UNKNOWN',
      quality_score: changes.quality_score ?? null,
      rejected_reason: changes.rejected_reason ?? null,
      parameter_format: null,
      components: '[]',
      synced_at: null,
      updated_at: now,
    })
    .onConflict((oc) => oc.doNothing())
    .execute()
  return true
}

export type TemplateUpdate =
  | {
      /** Every tenant that sends with this WABA's templates: its own, and those of its numbers. */
      tenantIds: string[]
      wabaRowId: string
      name: string | null
      change: Obj
    }
  | undefined

/** The WABA's tenant and the tenants its numbers are assigned to: they all send its templates. */
async function tenantsOfWaba(db: Db, waba: { id: string; tenantId: string | null }): Promise<string[]> {
  const rows = await db
    .selectFrom('phone_numbers')
    .select('tenant_id')
    .distinct()
    .where('waba_id', '=', waba.id)
    .where('tenant_id', 'is not', null)
    .execute()
  const ids = new Set(rows.map((r) => r.tenant_id as string))
  if (waba.tenantId) ids.add(waba.tenantId)
  return [...ids].sort()
}

export async function applyTemplateField(
  db: Db,
  wabaId: string | null,
  field: string,
  value: Obj,
): Promise<TemplateUpdate> {
  const waba = await wabaRow(db, wabaId)
  if (!waba) return undefined
  let changes: Parameters<typeof upsertTemplate>[3] = {}
  if (field === 'message_template_status_update') {
    const event = s(value.event) ?? 'UNKNOWN'
    // The most specific reason Meta gives: rejection_info (INVALID_FORMAT), other_info for
    // pauses (FIRST_PAUSE, SECOND_PAUSE…), else `reason` (PROMOTIONAL, SCAM…; NONE = none).
    const rejection = isObj(value.rejection_info) ? s(value.rejection_info.reason) : null
    const other = isObj(value.other_info) ? s(value.other_info.title) : null
    const plain = s(value.reason)
    const reason = rejection ?? other ?? (plain && plain !== 'NONE' ? plain : null)
    changes = { status: event, rejected_reason: reason }
    const category = s(value.message_template_category)
    if (category) changes.category = category
  } else if (field === 'message_template_quality_update') {
    changes = { quality_score: s(value.new_quality_score) ?? 'UNKNOWN' }
  } else if (field === 'template_category_update') {
    // The impending notice (correct_category present) announces; only a completed change applies.
    if (value.correct_category === undefined && s(value.new_category))
      changes = { category: s(value.new_category) as string }
  }
  if (Object.keys(changes).length > 0) await upsertTemplate(db, waba.id, value, changes)
  return {
    tenantIds: await tenantsOfWaba(db, waba),
    wabaRowId: waba.id,
    name: s(value.message_template_name),
    change: changes,
  }
}
