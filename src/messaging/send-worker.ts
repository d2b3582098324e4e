import { randomBytes } from 'node:crypto'
import { type NumberTarget, numberTarget } from '../channels/graph-target.ts'
import type { DbHandle } from '../db/connect.ts'
import { claimJobs, completeJob, failJob, releaseJob, renewLocks } from '../jobs/jobs-repo.ts'
import { backoffMs } from '../jobs/runner.ts'
import type { Job } from '../jobs/types.ts'
import type { MessagingContext } from './context.ts'
import { deleteExpiredKeys } from './idempotency.ts'
import { adoptLateStatuses, settleGaveUp } from './outcomes.ts'
import type { RateLanes } from './rate-lanes.ts'
import { createSender, loadForJobs, type SendOutcome, type TargetOf } from './send-job.ts'

// The send workers: `message.send` jobs, through the jobs table's own transitions
// (jobs/jobs-repo.ts: claim with SKIP LOCKED, complete, fail, release, lease renewal), with a
// loop shaped for sends rather than jobs in general (docs/decisions/0015):
// - many jobs in flight (a job waits in its number's rate lane for its slot), claimed in
//   batches of `claimBatch` with their messages in one query, not one claim per finished job;
// - the writes around each request are group commits (send-job.ts).
// Invariant (as jobs/runner.ts): a job row exists until its send has an outcome; a worker that
// dies leaves it locked, and it is reclaimed after the lock timeout — then found `sending`,
// it becomes `unknown`, never a second request.

export type SendWorkerOptions = {
  handle: DbHandle
  ctx: MessagingContext
  lanes: RateLanes
  /** Jobs in flight (most of them waiting for their slot in a rate lane). */
  concurrency?: number
  /** Claim when this many slots are free (or on a nudge / the poll). */
  claimBatch?: number
  /** How often to look for due jobs queued elsewhere (other instances, retries). */
  pollMs?: number
  lockTimeoutMs?: number
  workerId?: string
}

export type SendWorker = {
  readonly workerId: string
  start(): void
  nudge(): void
  stop(): Promise<void>
}

export function createSendWorker(options: SendWorkerOptions): SendWorker {
  const { handle, ctx } = options
  const db = handle.db
  const log = ctx.log
  // A send holds its slot from claim to outcome, through the group commits, the lane and the
  // request; on a busy thread that cycle lengthens, and 64 capped a SQLite campaign at ~870/s
  // of 1,000 with the thread partly idle (decision 0102): 128 on either database. (256 on
  // PostgreSQL, decision 0109, let one instance claim a slow number's whole queue — 240 jobs at
  // 40/s, six seconds of sends — leaving the other instances nothing: reverted.)
  const concurrency = options.concurrency ?? 128
  const claimBatch = Math.min(options.claimBatch ?? (handle.caps.multiProcess ? 32 : 16), concurrency)
  const pollMs = options.pollMs ?? 200
  const lockTimeoutMs = options.lockTimeoutMs ?? 30_000
  const workerId = options.workerId ?? `s_${randomBytes(6).toString('hex')}`
  const sender = createSender({
    ctx,
    lanes: options.lanes,
    workerId,
    commitConcurrency: handle.caps.multiProcess ? 4 : 1,
    caps: handle.caps,
  })
  const abort = new AbortController()
  const running = new Set<Promise<void>>()
  let wake: (() => void) | undefined
  let nudged = true
  let lastClaim = 0
  let loop: Promise<void> | undefined

  async function apply(job: Job, outcome: SendOutcome): Promise<void> {
    switch (outcome.kind) {
      case 'done':
        await completeJob(db, job.id, workerId)
        return
      case 'completed':
        return
      case 'release':
        await releaseJob(db, job.id, workerId, Date.now() + outcome.delayMs)
        return
      case 'retry':
        await failJob(db, job.id, workerId, {
          error: outcome.error,
          retryAt: job.attempts >= job.maxAttempts ? undefined : Date.now() + outcome.delayMs,
        })
    }
  }

  async function runOne(
    job: Job,
    msg: Parameters<typeof sender.sendOnce>[1],
    targetOf: TargetOf,
  ): Promise<void> {
    let outcome: SendOutcome
    try {
      outcome = await sender.sendOnce(job, msg, abort.signal, log, targetOf)
    } catch (err) {
      if (abort.signal.aborted) {
        await releaseJob(db, job.id, workerId).catch(() => {})
        return
      }
      const last = job.attempts >= job.maxAttempts
      log.warn(
        { err, jobId: job.id, attempt: job.attempts, last },
        last ? 'job failed for good' : 'job failed, will retry',
      )
      const reason = (err as Error)?.message ?? String(err)
      if (last) {
        const messageId = (job.payload as { messageId: string }).messageId
        await settleGaveUp(db, log, messageId, { reason, attempt: job.attempts, worker: workerId }).catch(
          (e) => log.error({ err: e, messageId }, 'message state not saved'),
        )
      }
      await failJob(db, job.id, workerId, {
        error: reason,
        retryAt: last ? undefined : Date.now() + backoffMs(job.attempts),
      }).catch((e) => log.error({ err: e, jobId: job.id }, 'job state not saved'))
      return
    }
    await apply(job, outcome).catch((err) => log.error({ err, jobId: job.id }, 'job state not saved'))
  }

  async function claim(limit: number): Promise<number> {
    const jobs = await claimJobs(db, handle.caps, { kinds: ['message.send'], workerId, limit, lockTimeoutMs })
    if (jobs.length === 0) return 0
    const messages = await loadForJobs(db, jobs)
    // Each number's Graph target (its current token) read once for the batch, not per send.
    const targets = new Map<string, Promise<NumberTarget>>()
    const targetOf: TargetOf = (numberRowId) => {
      let t = targets.get(numberRowId)
      if (!t) {
        t = numberTarget(ctx, numberRowId)
        t.catch(() => {})
        targets.set(numberRowId, t)
      }
      return t
    }
    for (const job of jobs) {
      const p = runOne(job, messages.get((job.payload as { messageId: string }).messageId), targetOf).finally(
        () => {
          running.delete(p)
          if (concurrency - running.size >= claimBatch) wake?.()
        },
      )
      running.add(p)
    }
    return jobs.length
  }

  async function loopBody(): Promise<void> {
    const lease = setInterval(() => {
      if (running.size > 0)
        renewLocks(db, workerId, Date.now(), handle.caps).catch((err) =>
          log.error({ err }, 'job lease renewal failed'),
        )
    }, lockTimeoutMs / 3)
    lease.unref()
    // Housekeeping: idempotency keys are kept 24 hours.
    const sweep = setInterval(() => {
      deleteExpiredKeys(db).catch((err) => log.warn({ err }, 'idempotency key cleanup failed'))
    }, 10 * 60_000)
    sweep.unref()
    // A status webhook processed while its send was storing the wamid is linked afterwards.
    const adopt = setInterval(() => {
      adoptLateStatuses(db, Date.now() - 10 * 60_000).catch((err) =>
        log.warn({ err }, 'late status adoption failed'),
      )
    }, 2000)
    adopt.unref()
    try {
      while (!abort.signal.aborted) {
        const free = concurrency - running.size
        const due = nudged || Date.now() - lastClaim >= pollMs
        if (free > 0 && (free >= claimBatch || due)) {
          nudged = false
          lastClaim = Date.now()
          let claimed = 0
          try {
            claimed = await claim(free)
          } catch (err) {
            if (abort.signal.aborted) break
            log.error({ err }, 'job claim failed')
          }
          if (claimed === free) continue // more may be due: claim again at once
        }
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, Math.max(5, pollMs - (Date.now() - lastClaim)))
          wake = () => {
            clearTimeout(timer)
            wake = undefined
            resolve()
          }
        })
      }
    } finally {
      clearInterval(lease)
      clearInterval(sweep)
      clearInterval(adopt)
    }
  }

  return {
    workerId,
    start() {
      loop ??= loopBody()
    },
    nudge() {
      nudged = true
      wake?.()
    },
    async stop() {
      abort.abort()
      wake?.()
      await loop
      await Promise.allSettled([...running])
    },
  }
}
