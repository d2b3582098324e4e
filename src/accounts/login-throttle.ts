import type { Db } from '../db/connect.ts'

// Login throttling (SPEC §12), in the rate_counters table so it holds across every instance on
// SQLite and PostgreSQL. Each attempt is *reserved* before the password is hashed: one
// compare-and-swap on the key's row counts it and sets when the next attempt may come, so 80
// parallel guesses cannot all read "0 failures" and all be hashed. Past a few free failures
// every further attempt must wait a back-off that doubles (1 s, 2 s, 4 s, …) up to a cap, instead
// of a fixed 15-minute lockout that an attacker could keep the real owner in: the right password
// always works once the current back-off has passed. Refused attempts are not counted, so a flood
// costs one hash per back-off step. A row is `count` = failures and `reset_at` = the earliest
// time of the next attempt; failures are forgotten `forgetMs` after that.

export type ThrottlePolicy = {
  /** Failures allowed without waiting. */
  free: number
  /** First back-off, doubled at each further failure. */
  baseMs: number
  /** The longest back-off. */
  maxMs: number
  /** Failures older than this (after the last back-off ended) no longer count. */
  forgetMs: number
}

export const accountPolicy: ThrottlePolicy = { free: 5, baseMs: 1000, maxMs: 60_000, forgetMs: 15 * 60_000 }
export const addressPolicy: ThrottlePolicy = {
  free: 20,
  baseMs: 1000,
  maxMs: 5 * 60_000,
  forgetMs: 15 * 60_000,
}

export type Reservation = { ok: true; failures: number } | { ok: false; retryAfterMs: number }

/** The back-off after `failures` failures (0 while within the free ones). Pure. */
export function backoffMs(policy: ThrottlePolicy, failures: number): number {
  if (failures <= policy.free) return 0
  return Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(30, failures - policy.free - 1))
}

/**
 * Reserves one attempt for `key`: counts it as a failure (undone by `clearAttempts` when the
 * password is right) and returns ok, or the wait when the key is in back-off.
 */
export async function reserveAttempt(
  db: Db,
  key: string,
  policy: ThrottlePolicy,
  now = Date.now(),
): Promise<Reservation> {
  for (let round = 0; round < 8; round++) {
    const row = await db
      .selectFrom('rate_counters')
      .select(['count', 'reset_at'])
      .where('key', '=', key)
      .executeTakeFirst()
    const gate = row ? Number(row.reset_at) : 0
    if (gate > now) return { ok: false, retryAfterMs: gate - now }
    const failures = row && now - gate < policy.forgetMs ? Number(row.count) + 1 : 1
    const next = now + backoffMs(policy, failures)
    if (row) {
      const updated = await db
        .updateTable('rate_counters')
        .set({ count: failures, reset_at: next })
        .where('key', '=', key)
        .where('count', '=', row.count)
        .where('reset_at', '=', row.reset_at)
        .executeTakeFirst()
      if (Number(updated.numUpdatedRows) === 1) return { ok: true, failures }
    } else {
      const inserted = await db
        .insertInto('rate_counters')
        .values({ key, count: failures, reset_at: next })
        .onConflict((oc) => oc.column('key').doNothing())
        .executeTakeFirst()
      if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 1) return { ok: true, failures }
    }
    // Another attempt (here or on another instance) took this step first: read again.
  }
  // Heavy contention on one key is itself a flood: refuse rather than hash.
  return { ok: false, retryAfterMs: policy.baseMs }
}

/** After a right password: the account's failures are forgotten. */
export async function clearAttempts(db: Db, key: string): Promise<void> {
  await db.deleteFrom('rate_counters').where('key', '=', key).execute()
}
