import type { Db } from '../db/connect.ts'

// Global settings (key → JSON value): the global default number, WhatsApp on/off, the vault
// key check. Owned by channels/; other domains read them through these functions.

export async function getSetting<T>(db: Db, key: string): Promise<T | undefined> {
  const row = await db.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirst()
  return row ? (JSON.parse(row.value) as T) : undefined
}

export async function setSetting(db: Db, key: string, value: unknown): Promise<void> {
  const now = Date.now()
  await db
    .insertInto('settings')
    .values({ key, value: JSON.stringify(value), updated_at: now })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value: JSON.stringify(value), updated_at: now }))
    .execute()
}

/** Inserts only when absent; returns the value now stored (first writer wins across instances). */
export async function initSetting<T>(db: Db, key: string, value: T): Promise<T> {
  await db
    .insertInto('settings')
    .values({ key, value: JSON.stringify(value), updated_at: Date.now() })
    .onConflict((oc) => oc.column('key').doNothing())
    .execute()
  return (await getSetting<T>(db, key)) as T
}
