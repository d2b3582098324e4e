import type { Db } from '../db/connect.ts'

// Counts webhook POSTs refused before storage (bad or missing signature, too large) per hour in
// the rate_counters table, so `wahub doctor` can report recent signature failures from any
// instance. Counting in memory and flushing every few seconds keeps a flood of forged requests
// from turning into a flood of writes.

export type RejectionReason =
  | 'signature_missing'
  | 'signature_malformed'
  | 'signature_mismatch'
  | 'no_app_secret'
  | 'too_large'
  | 'verify_token_mismatch'

export type RejectionRecorder = {
  record(reason: RejectionReason): void
  flush(): Promise<void>
  stop(): Promise<void>
}

const hourMs = 3_600_000

export function rejectionKey(reason: string, at: number): string {
  return `webhook_rejected:${reason}:${Math.floor(at / hourMs) * hourMs}`
}

export function createRejectionRecorder(db: Db, flushEveryMs = 5000): RejectionRecorder {
  const pending = new Map<string, number>()
  const flush = async () => {
    const batch = [...pending]
    pending.clear()
    for (const [key, count] of batch) {
      const hour = Number(key.split(':').pop())
      await db
        .insertInto('rate_counters')
        .values({ key, count, reset_at: hour + 25 * hourMs })
        .onConflict((oc) =>
          oc.column('key').doUpdateSet((eb) => ({ count: eb('rate_counters.count', '+', count) })),
        )
        .execute()
    }
  }
  const timer = setInterval(() => {
    if (pending.size > 0) flush().catch(() => {})
  }, flushEveryMs)
  timer.unref()
  return {
    record(reason) {
      const key = rejectionKey(reason, Date.now())
      pending.set(key, (pending.get(key) ?? 0) + 1)
    },
    flush,
    async stop() {
      clearInterval(timer)
      await flush().catch(() => {})
    },
  }
}

/** Rejections in the last `hours` hours, by reason (for doctor and the dashboard). */
export async function recentRejections(
  db: Db,
  hours = 24,
  now = Date.now(),
): Promise<Record<string, number>> {
  const since = Math.floor(now / hourMs) * hourMs - (hours - 1) * hourMs
  const rows = await db
    .selectFrom('rate_counters')
    .select(['key', 'count'])
    .where('key', 'like', 'webhook_rejected:%')
    .execute()
  const out: Record<string, number> = {}
  for (const row of rows) {
    const [, reason, hour] = row.key.split(':')
    if (Number(hour) >= since) out[reason] = (out[reason] ?? 0) + row.count
  }
  return out
}
