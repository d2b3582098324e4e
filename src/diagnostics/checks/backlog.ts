import type { WebhookBacklog } from '../../webhooks/events-repo.ts'
import { plural, span } from '../read.ts'
import { type Check, check } from '../types.ts'

// Is processing keeping up with intake? Every webhook is stored before Meta gets its 200 and
// processed afterwards at the workers' pace (SPEC §5): a backlog is normal for seconds under a
// burst, a problem when the oldest waiting event is more than a minute old — the inbox and the
// statuses shown are that far behind.

export const backlogLagWarnMs = 60_000

export function backlogCheck(backlog: WebhookBacklog, now: number): Check {
  const lagMs = backlog.oldestReceivedAt === null ? 0 : Math.max(0, now - backlog.oldestReceivedAt)
  const data = { pending: backlog.pending, lagMs }
  if (backlog.pending === 0)
    return check('webhooks.backlog', null, 'pass', 'Every webhook received has been processed.', null, data)
  if (lagMs < backlogLagWarnMs) {
    return check(
      'webhooks.backlog',
      null,
      'pass',
      `${plural(backlog.pending, 'webhook')} waiting to be processed; the oldest arrived ${span(lagMs)} ago.`,
      null,
      data,
    )
  }
  return check(
    'webhooks.backlog',
    null,
    'warn',
    `${plural(backlog.pending, 'webhook')} received but not processed yet; the oldest arrived ${span(lagMs)} ago, so the inbox and message statuses are that far behind.`,
    'Processing is slower than intake. Check that a `wahub serve` with job workers is running and its log for `webhook processing failed` or `webhook batch retried after a deadlock`, and the database load; the metric wahub_webhook_processing_lag_seconds shows whether the lag is shrinking. On PostgreSQL, more instances process in parallel.',
    data,
  )
}
