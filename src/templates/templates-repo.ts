import type { MessageTemplate } from '../cloud-api/management-types.ts'
import type { Db } from '../db/connect.ts'
import { newId } from '../ids.ts'

// Queries of the templates table (owned by templates/). Rows are keyed by WABA, name and
// language, as Meta keys them; components are Meta's JSON, stored as text.

export type StoredTemplate = {
  id: string
  wabaRowId: string
  metaTemplateId: string | null
  name: string
  language: string
  category: string | null
  status: string
  qualityScore: string | null
  rejectedReason: string | null
  parameterFormat: string | null
  components: unknown[]
  syncedAt: number | null
  updatedAt: number
  lastUsedAt: number | null
}

type TemplateRow = {
  id: string
  waba_id: string
  meta_template_id: string | null
  name: string
  language: string
  category: string | null
  status: string
  quality_score: string | null
  rejected_reason: string | null
  parameter_format: string | null
  components: string
  synced_at: number | null
  updated_at: number
  last_used_at: number | null
}

function toTemplate(row: TemplateRow): StoredTemplate {
  return {
    id: row.id,
    wabaRowId: row.waba_id,
    metaTemplateId: row.meta_template_id,
    name: row.name,
    language: row.language,
    category: row.category,
    status: row.status,
    qualityScore: row.quality_score,
    rejectedReason: row.rejected_reason,
    parameterFormat: row.parameter_format,
    components: JSON.parse(row.components) as unknown[],
    syncedAt: row.synced_at,
    updatedAt: row.updated_at,
    lastUsedAt: row.last_used_at,
  }
}

/** Inserts or updates one template as Meta describes it. */
export async function upsertTemplate(
  db: Db,
  wabaRowId: string,
  t: MessageTemplate,
  now = Date.now(),
): Promise<void> {
  const quality = t.quality_score?.score ?? null
  const values = {
    meta_template_id: t.id ?? null,
    category: t.category ?? null,
    status: t.status ?? 'UNKNOWN',
    quality_score: quality,
    rejected_reason: t.rejected_reason ?? null,
    parameter_format: t.parameter_format ?? null,
    components: JSON.stringify(t.components ?? []),
    synced_at: now,
    updated_at: now,
  }
  await db
    .insertInto('templates')
    .values({ id: newId('tpl'), waba_id: wabaRowId, name: t.name, language: t.language, ...values })
    .onConflict((oc) => oc.columns(['waba_id', 'name', 'language']).doUpdateSet(values))
    .execute()
}

/** Templates Meta no longer lists are kept (history) with status DELETED. */
export async function markMissingDeleted(
  db: Db,
  wabaRowId: string,
  present: { name: string; language: string }[],
  now = Date.now(),
): Promise<number> {
  const keep = new Set(present.map((p) => `${p.name}\u0000${p.language}`))
  const rows = await db
    .selectFrom('templates')
    .select(['id', 'name', 'language'])
    .where('waba_id', '=', wabaRowId)
    .where('status', '!=', 'DELETED')
    .execute()
  const gone = rows.filter((r) => !keep.has(`${r.name}\u0000${r.language}`)).map((r) => r.id)
  if (gone.length > 0) {
    await db
      .updateTable('templates')
      .set({ status: 'DELETED', updated_at: now })
      .where('id', 'in', gone)
      .execute()
  }
  return gone.length
}

export type TemplateFilter = {
  wabaRowId?: string
  /** Only templates of WABAs this tenant's numbers belong to. */
  tenantId?: string
  status?: string
  name?: string
}

export async function listTemplates(db: Db, filter: TemplateFilter = {}): Promise<StoredTemplate[]> {
  let q = db.selectFrom('templates').selectAll().orderBy('name').orderBy('language')
  if (filter.wabaRowId) q = q.where('waba_id', '=', filter.wabaRowId)
  if (filter.status) q = q.where('status', '=', filter.status)
  if (filter.name) q = q.where('name', '=', filter.name)
  if (filter.tenantId) {
    const tenantId = filter.tenantId
    q = q.where('waba_id', 'in', (eb) =>
      eb
        .selectFrom('phone_numbers as p')
        .innerJoin('wabas as w', 'w.id', 'p.waba_id')
        .select('p.waba_id')
        .where((e) =>
          e.or([
            e('p.tenant_id', '=', tenantId),
            e.and([e('p.tenant_id', 'is', null), e('w.tenant_id', '=', tenantId)]),
          ]),
        ),
    )
  }
  return (await q.execute()).map(toTemplate)
}

/** One template by our id (`tpl_…`) or Meta's template id. */
export async function findTemplate(db: Db, id: string): Promise<StoredTemplate | undefined> {
  const row = await db
    .selectFrom('templates')
    .selectAll()
    .where((eb) => eb.or([eb('id', '=', id), eb('meta_template_id', '=', id)]))
    .executeTakeFirst()
  return row ? toTemplate(row) : undefined
}

/** After a delete at Meta: the rows stay (history) as DELETED. */
export async function markTemplatesDeleted(
  db: Db,
  wabaRowId: string,
  name: string,
  metaTemplateId?: string,
  now = Date.now(),
): Promise<number> {
  let q = db
    .updateTable('templates')
    .set({ status: 'DELETED', updated_at: now })
    .where('waba_id', '=', wabaRowId)
    .where('name', '=', name)
    .where('status', '!=', 'DELETED')
  if (metaTemplateId) q = q.where('meta_template_id', '=', metaTemplateId)
  const result = await q.executeTakeFirst()
  return Number(result.numUpdatedRows)
}

/**
 * A send of the template was queued: remembered to the minute. Called after the send's commit,
 * and written at most once a minute per template, so a campaign's thousands of sends do not all
 * queue on one row's lock.
 */
export async function noteTemplateUsed(db: Db, id: string, now = Date.now()): Promise<void> {
  await db
    .updateTable('templates')
    .set({ last_used_at: now })
    .where('id', '=', id)
    .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', now - 60_000)]))
    .execute()
}
