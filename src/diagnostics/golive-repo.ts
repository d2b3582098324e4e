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
