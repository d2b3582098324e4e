import { createHash } from 'node:crypto'
import { sql } from 'kysely'
import type { Db } from './connect.ts'
import type { DialectCapabilities } from './dialect.ts'

// Deadlock-free concurrency on PostgreSQL (SPEC §2, §18; decision 0020). Work that touches many
// rows in one transaction (a batch of webhooks: contacts, conversations, messages) first takes
// one transaction-scoped advisory lock per subject (a customer, a WABA) in ONE global order, so
// two workers whose batches overlap queue on their first common subject instead of each holding
// rows the other needs. A deadlock that still happens (a path that takes no subject lock) is
// retried at once, without backoff, and counted.

/** Advisory-lock namespace of Wahub's subject locks (two-int form: its own key space). */
const namespace = 0x57614862 // "WaHb"

/** The 32-bit lock id of a subject key; a collision only makes two subjects queue together. */
export function subjectLockId(key: string): number {
  return createHash('sha1').update(key).digest().readInt32BE(0)
}

/**
 * Takes the transaction-scoped locks of `keys` in ascending lock-id order (PostgreSQL; SQLite
 * has a single writer and needs none). Call inside the transaction, before its first write.
 */
export async function lockSubjects(
  trx: Db,
  caps: DialectCapabilities,
  keys: Iterable<string>,
): Promise<void> {
  if (!caps.multiProcess) return
  const ids = [...new Set([...keys].map(subjectLockId))].sort((a, b) => a - b)
  if (ids.length === 0) return
  // WITH ORDINALITY + ORDER BY n: the locks are taken in the array's (sorted) order.
  await sql`select pg_advisory_xact_lock(${namespace}::int, t.k) from unnest(${ids}::int[]) with ordinality as t(k, n) order by t.n`.execute(
    trx,
  )
}

/** PostgreSQL's "deadlock detected" and "could not serialize access": safe to run again. */
export function isRetryableConflict(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code
  return code === '40P01' || code === '40001'
}

/**
 * Runs `work` (one whole transaction) and runs it again at once when the database aborted it
 * as a deadlock, up to `attempts` times; `onConflict` counts each one.
 */
export async function retryOnDeadlock<T>(
  work: () => Promise<T>,
  onConflict: (err: unknown) => void,
  attempts = 5,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work()
    } catch (err) {
      if (!isRetryableConflict(err) || attempt >= attempts) throw err
      onConflict(err)
    }
  }
}
