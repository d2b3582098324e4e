import { sql } from 'kysely'
import type { Db } from '../db/connect.ts'

// Fixed-window counters in the rate_counters table, so limits hold across every instance
// sharing the database (SPEC §2: nothing shared lives in one process's memory). One statement
// per hit: the upsert both resets an expired window and counts, atomically.

export type Counter = { count: number; resetAt: number }

export async function hitCounter(db: Db, key: string, windowMs: number, now = Date.now()): Promise<Counter> {
  const resetAt = now + windowMs
  const row = await db
    .insertInto('rate_counters')
    .values({ key, count: 1, reset_at: resetAt })
    .onConflict((oc) =>
      oc.column('key').doUpdateSet({
        count: sql<number>`case when rate_counters.reset_at <= ${now} then 1 else rate_counters.count + 1 end`,
        reset_at: sql<number>`case when rate_counters.reset_at <= ${now} then ${resetAt} else rate_counters.reset_at end`,
      }),
    )
    .returning(['count', 'reset_at'])
    .executeTakeFirstOrThrow()
  return { count: Number(row.count), resetAt: Number(row.reset_at) }
}

/** The current window's count, or undefined when none is running. */
export async function readCounter(db: Db, key: string, now = Date.now()): Promise<Counter | undefined> {
  const row = await db
    .selectFrom('rate_counters')
    .select(['count', 'reset_at'])
    .where('key', '=', key)
    .where('reset_at', '>', now)
    .executeTakeFirst()
  return row ? { count: Number(row.count), resetAt: Number(row.reset_at) } : undefined
}

export async function resetCounter(db: Db, key: string): Promise<void> {
  await db.deleteFrom('rate_counters').where('key', '=', key).execute()
}
