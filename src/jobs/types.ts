import type { Logger } from '../log.ts'

// Every job kind and its payload. Names are `noun.verb`; each kind's handler lives in the
// domain that owns the work (webhooks/, messaging/, inbox/), never in jobs/.
export type JobPayloads = {
  /** Raw webhook events committed together by the intake (or one, on replay). */
  'webhook.process': { eventIds: string[] }
  /**
   * Numbers that became routable (added, or assigned to a tenant) at `at`: the webhooks domain
   * replays the unrouted events that named them (queued by channels/ in the same transaction).
   * `wrongApp`: their WABA was linked to another app, so the events kept as wrong_app for these
   * numbers (and WABA ids) are replayed too.
   */
  'webhook.replay': { phoneNumberIds: string[]; at: number; wrongApp?: boolean }
  'message.send': { messageId: string }
  'media.download': { mediaId: string }
  /** One event to one of the tenant's endpoints (delivery/endpoints.ts; absent in jobs queued before: the tenant's own). */
  'callback.deliver': { tenantId: string; endpointId?: string; eventId: number }
  /** Re-reads quality, messaging limit and throughput of every number (daily; channels/). */
  'numbers.refresh': { wabaId?: string }
  /** Hourly: quality drops, paused templates, expiring tokens become events (diagnostics/). */
  'quality.watch': Record<string, never>
  /** Every WABA's templates read from Graph (hourly), or one WABA's (`wabaId`: its row id, on add). */
  'templates.sync': { wabaId?: string }
  /** A campaign's runner (campaigns/runner.ts): queues its next recipients, then runs again. */
  'campaign.run': { campaignId: string }
  /**
   * Indexes for search what was stored before migration 0023 (inbox/search-backfill.ts): contacts,
   * then messages in id order after `after`, a batch per run, queued again until none is left.
   */
  'search.backfill': { after?: string; contactsDone?: boolean }
  /** Used by the jobs tests and `wahub doctor` self-check; does nothing. */
  'system.noop': { note?: string }
}

export type JobKind = keyof JobPayloads

export type Job<K extends JobKind = JobKind> = {
  id: number
  kind: K
  payload: JobPayloads[K]
  attempts: number // including the current one
  maxAttempts: number
  lane: string | null
  runAt: number
}

export type JobContext = {
  job: Job
  /** Aborted when the runner stops: finish or give up quickly. */
  signal: AbortSignal
  log: Logger
}

/**
 * What a handler decides. Returning nothing (or `done`) deletes the job. `retry` puts it back
 * for later (`countAttempt: false` when the delay is a rate limit, not a failure). Throwing
 * counts as a failed attempt and is retried with exponential backoff until max_attempts.
 */
export type JobOutcome =
  | undefined
  | { done: true }
  | { retry: true; delayMs?: number; countAttempt?: boolean; error?: string }

export type JobHandler<K extends JobKind> = (payload: JobPayloads[K], ctx: JobContext) => Promise<JobOutcome>

export type JobHandlers = { [K in JobKind]?: JobHandler<K> }
