import type { Db } from '../db/connect.ts'

// The read-only queries of the go-live guide across domains (like facts-repo.ts: SELECTs only,
// each bounded to one number's most recent rows by the (phone_number_id, id) order).

/** The last message from this number that Meta delivered (or that was read). */
export async function lastDelivered(db: Db, numberRowId: string): Promise<number | null> {
  const row = await db
    .selectFrom('messages')
    .select('status_at')
    .where('phone_number_id', '=', numberRowId)
    .where('direction', '=', 'out')
    .where('status', 'in', ['delivered', 'read'])
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst()
  return row ? Number(row.status_at) : null
}

/** The last failed send from this number, with Meta's code. */
export async function lastFailedSend(
  db: Db,
  numberRowId: string,
): Promise<{ code: number | null; title: string | null; at: number } | null> {
  const row = await db
    .selectFrom('messages')
    .select(['error_code', 'error_title', 'status_at'])
    .where('phone_number_id', '=', numberRowId)
    .where('direction', '=', 'out')
    .where('status', '=', 'failed')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst()
  return row ? { code: row.error_code, title: row.error_title, at: Number(row.status_at) } : null
}

export async function tenantName(db: Db, tenantId: string | null): Promise<string | null> {
  if (!tenantId) return null
  const row = await db.selectFrom('tenants').select('name').where('id', '=', tenantId).executeTakeFirst()
  return row?.name ?? null
}

/** Approved templates of the Sandbox WABA that `wabaRowId` has not (same name and language). */
export async function sandboxTemplatesMissingIn(
  db: Db,
  wabaRowId: string | null,
): Promise<{ name: string; language: string; category: string }[]> {
  const sandbox = await db
    .selectFrom('templates as t')
    .innerJoin('wabas as w', 'w.id', 't.waba_id')
    .select(['t.name', 't.language', 't.category'])
    .where('w.is_sandbox', '=', 1)
    .where('t.status', '=', 'APPROVED')
    .orderBy('t.name')
    .orderBy('t.language')
    .execute()
  const have = wabaRowId
    ? await db.selectFrom('templates').select(['name', 'language']).where('waba_id', '=', wabaRowId).execute()
    : []
  const key = (t: { name: string; language: string }) => `${t.name}\u0000${t.language}`
  const held = new Set(have.map(key))
  return sandbox
    .filter((t) => !held.has(key(t)))
    .map((t) => ({ name: t.name, language: t.language, category: t.category ?? 'UTILITY' }))
}
