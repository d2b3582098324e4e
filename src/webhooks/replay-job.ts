import type { Db } from '../db/connect.ts'
import type { JobHandler } from '../jobs/types.ts'
import { replayParkedFor } from './events-repo.ts'

// The webhooks domain's reaction to a number becoming routable (channels/ queues a
// `webhook.replay` job in the transaction that adds the number or gives it a tenant): the events
// parked as unrouted for it are processed again (SPEC §5).
//
// An event being processed while the number changed may have read the old routing and be marked
// unrouted only after the change committed (PostgreSQL runs the two transactions side by side).
// So the job first waits until every event that arrived before the change has been processed,
// then replays, once, the unrouted ones that named these numbers; events that arrive later are
// routed by their own processing. When the numbers' WABA was linked to another app (`wrongApp`),
// the events kept as wrong_app for them are replayed as well (issue 12).

/** Received up to this long after the change still counts as before it (clocks of instances differ). */
const clockSkewMs = 2_000
/** How soon to look again while earlier events are still being processed. */
const settleMs = 250

export function createWebhookReplayJob(deps: { db: Db }): JobHandler<'webhook.replay'> {
  return async ({ phoneNumberIds, at, wrongApp }, { log }) => {
    const earlier = await deps.db
      .selectFrom('webhook_events')
      .select('id')
      .where('outcome', '=', 'pending')
      .where('received_at', '<=', at + clockSkewMs)
      .limit(1)
      .executeTakeFirst()
    if (earlier) return { retry: true, delayMs: settleMs, countAttempt: false }
    const outcomes = wrongApp ? (['unrouted', 'wrong_app'] as const) : (['unrouted'] as const)
    const replayed = await replayParkedFor(deps.db, phoneNumberIds, outcomes)
    if (replayed.length > 0) log.info({ phoneNumberIds, eventIds: replayed }, 'webhooks replayed')
    return undefined
  }
}
