import type { Db } from '../db/connect.ts'
import { scheduleRecurringJob } from '../jobs/jobs-repo.ts'
import type { JobHandler } from '../jobs/types.ts'
import type { ChannelsContext } from './context.ts'
import { refreshNumbers } from './numbers.ts'

// The daily `numbers.refresh` job: quality rating, messaging limit and throughput change at
// Meta's side (webhooks say so too, but one can be missed). Each run schedules the next, so
// one job row carries the schedule; instances that start later find it and add none.

export const numbersRefreshEveryMs = 24 * 60 * 60_000

/** Called at start: makes sure a daily refresh is scheduled. */
export async function scheduleNumbersRefresh(db: Db, now = Date.now()): Promise<void> {
  await scheduleRecurringJob(db, 'numbers.refresh', now + numbersRefreshEveryMs)
}

export function numbersRefreshJob(ctx: ChannelsContext): JobHandler<'numbers.refresh'> {
  return async (payload, { job, log }) => {
    const { results, failures } = await refreshNumbers(ctx, { waba: payload.wabaId })
    log.info(
      {
        wabas: results.length,
        numbers: results.reduce((sum, r) => sum + r.numbers.length, 0),
        failures: failures.map((f) => f.wabaId),
      },
      'numbers refreshed',
    )
    for (const f of failures) log.warn({ wabaId: f.wabaId, error: f.error }, 'numbers refresh failed')
    if (!payload.wabaId) {
      await scheduleRecurringJob(ctx.db, 'numbers.refresh', Date.now() + numbersRefreshEveryMs, {
        exceptJobId: job.id,
      })
    }
    return { done: true }
  }
}
