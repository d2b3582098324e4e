import { randomBytes } from 'node:crypto'
import { type NumberTarget, numberTarget } from '../channels/graph-target.ts'
import type { DbHandle } from '../db/connect.ts'
import { claimJobs, completeJob, failJob, releaseJob, releaseJobs, renewLocks } from '../jobs/jobs-repo.ts'
import { backoffMs } from '../jobs/runner.ts'
import type { Job } from '../jobs/types.ts'
import type { MessagingContext } from './context.ts'
import { deleteExpiredKeys } from './idempotency.ts'
import { adoptLateStatuses, settleGaveUp } from './outcomes.ts'
import type { RateLanes } from './rate-lanes.ts'
import { createSender, loadForJobs, type SendOutcome, type TargetOf } from './send-job.ts'
import { sendLanePrefix } from './send-service.ts'

// The send workers: `message.send` jobs, through the jobs table's own transitions
// (jobs/jobs-repo.ts: claim with SKIP LOCKED, complete, fail, release, lease renewal), with a
// loop shaped for sends rather than jobs in general (docs/decisions/0015):
// - many jobs in flight (a job waits in its number's rate lane for its slot), claimed in
//   batches of `claimBatch` with their messages in one query, not one claim per finished job;
// - the writes around each request are group commits (send-job.ts);
// - a worker holds at most what a number can send within its rate lane's horizon (one second
//   of its cap): the rest of that number's queue stays claimable by the other instances, so a
//   slow number's backlog is shared, not taken whole by whichever instance claimed first
//   (decision 0111).
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
  // of 1,000 with the thread partly idle (decision 0102): 128 on SQLite. On PostgreSQL the
  // campaign's own writes lengthen the cycle further: 256 (decision 0109). 256 had let one
  // instance claim a slow number's whole queue and leave the others nothing; a worker now holds
  // at most one horizon of a number's sends (decision 0111), so a slow number is shared.
  const concurrency = options.concurrency ?? (handle.caps.multiProcess ? 256 : 128)
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
  // Per number: the jobs this worker holds, and the numbers it holds a horizon's worth of.
  const held = new Map<string, number>()
  const full = new Map<string, number>() // number → the count below which it is claimed again
  // The last claim found fewer due jobs than it asked for: a finished send alone does not make
  // more claimable (new jobs nudge; the poll finds other instances' and retries).
  let starved = false

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

  function finished(numberRowId: string | undefined): void {
    if (numberRowId === undefined) return
    const n = (held.get(numberRowId) ?? 1) - 1
    if (n > 0) held.set(numberRowId, n)
    else held.delete(numberRowId)
    const resume = full.get(numberRowId)
    if (resume !== undefined && n < resume) {
      full.delete(numberRowId)
      starved = false
    }
  }

  async function claim(limit: number): Promise<number> {
    const jobs = await claimJobs(db, handle.caps, {
      kinds: ['message.send'],
      workerId,
      limit,
      lockTimeoutMs,
      skipLanePrefixes: [...full.keys()].map(sendLanePrefix),
    })
    starved = jobs.length < limit
    if (jobs.length === 0) return 0
    const messages = await loadForJobs(db, jobs)
    // A number's jobs beyond its horizon's worth go straight back, due now, for another instance.
    const over: number[] = []
    const kept: Job[] = []
    for (const job of jobs) {
      const numberRowId = messages.get((job.payload as { messageId: string }).messageId)?.phone_number_id
      if (numberRowId === undefined) {
        kept.push(job)
        continue
      }
      if (full.has(numberRowId)) {
        over.push(job.id)
        continue
      }
      const budget = await options.lanes.horizonSends(numberRowId)
      const n = (held.get(numberRowId) ?? 0) + 1
      held.set(numberRowId, n)
      kept.push(job)
      // Claimed again once a quarter of it has been sent (not at every send: each claim of a
      // full number's queue would otherwise release nearly all it took).
      if (n >= budget) full.set(numberRowId, budget - Math.max(1, Math.floor(budget / 4)) + 1)
    }
    if (over.length > 0) {
      await releaseJobs(db, over, workerId).catch((err) => log.error({ err }, 'job release failed'))
      starved = true
    }
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
    for (const job of kept) {
      const msg = messages.get((job.payload as { messageId: string }).messageId)
      const p = runOne(job, msg, targetOf).finally(() => {
        running.delete(p)
        finished(msg?.phone_number_id)
        if (!starved && concurrency - running.size >= claimBatch) wake?.()
      })
      running.add(p)
    }
    return jobs.length - over.length
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
