import { randomBytes } from 'node:crypto'
import type { DbHandle } from '../db/connect.ts'
import type { Logger } from '../log.ts'
import { claimJobs, completeJob, failJob, releaseJob, releaseLocks, renewLocks } from './jobs-repo.ts'
import type { Job, JobHandler, JobHandlers, JobKind, JobOutcome } from './types.ts'

// Invariant: a job row exists until its handler has finished its work and the job is
// completed; a crash at any point leaves the row, locked by a dead worker, and another worker
// reclaims it once the lock times out. Handlers must therefore be idempotent (or, like a send
// whose outcome is unknown, detect the re-run from `job.attempts` and say so).

export type RunnerOptions = {
  handle: DbHandle
  handlers: JobHandlers
  log: Logger
  concurrency?: number
  /** How long to sleep when no job is due (a local enqueue wakes the runner at once). */
  pollMs?: number
  lockTimeoutMs?: number
  workerId?: string
  /** Release every lock when starting (only when no other worker can share the database). */
  releaseLocksOnStart?: boolean
}

export type JobRunner = {
  readonly workerId: string
  start(): void
  /** Resolves once started and past releasing a previous run's locks (`releaseLocksOnStart`). */
  readonly started: Promise<void>
  /** Wake the loop now (called after enqueueing in this process). */
  nudge(): void
  /** Stop claiming, abort and wait for running jobs. */
  stop(): Promise<void>
  /** Resolves when no job is running and none was due at the last claim. */
  idle(): Promise<void>
}

export function backoffMs(attempt: number, baseMs = 1000, maxMs = 3_600_000): number {
  const exp = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1))
  return Math.round(exp * (0.8 + Math.random() * 0.4)) // ±20% jitter so retries do not align
}

export function createJobRunner(options: RunnerOptions): JobRunner {
  const { handle, handlers, log } = options
  const concurrency = options.concurrency ?? 8
  const pollMs = options.pollMs ?? 250
  const lockTimeoutMs = options.lockTimeoutMs ?? 30_000
  const workerId = options.workerId ?? `w_${randomBytes(6).toString('hex')}`
  const kinds = Object.keys(handlers) as JobKind[]
  const abort = new AbortController()
  const running = new Set<Promise<void>>()
  let wake: (() => void) | undefined
  let loop: Promise<void> | undefined
  let lastClaimEmpty = false
  let idleWaiters: (() => void)[] = []
  let markStarted: () => void = () => {}
  const started = new Promise<void>((resolve) => {
    markStarted = resolve
  })

  function settleIdle() {
    if (running.size === 0 && lastClaimEmpty) {
      for (const resolve of idleWaiters) resolve()
      idleWaiters = []
    }
  }

  async function runOne(job: Job): Promise<void> {
    const jobLog = log.child({ jobId: job.id, kind: job.kind, attempt: job.attempts })
    const handler = handlers[job.kind] as JobHandler<JobKind> | undefined
    let outcome: JobOutcome
    try {
      if (!handler) throw new Error(`no handler for job kind ${job.kind}`)
      outcome = await handler(job.payload, { job, signal: abort.signal, log: jobLog })
    } catch (err) {
      const message = (err as Error)?.message ?? String(err)
      if (abort.signal.aborted) {
        await releaseJob(handle.db, job.id, workerId).catch(() => {})
        return
      }
      const last = job.attempts >= job.maxAttempts
      jobLog.warn({ err, last }, last ? 'job failed for good' : 'job failed, will retry')
      await failJob(handle.db, job.id, workerId, {
        error: message,
        retryAt: last ? undefined : Date.now() + backoffMs(job.attempts),
      }).catch((e) => jobLog.error({ err: e }, 'job state not saved'))
      return
    }
    try {
      if (outcome && 'retry' in outcome) {
        const runAt = Date.now() + (outcome.delayMs ?? backoffMs(job.attempts))
        if (outcome.countAttempt === false) await releaseJob(handle.db, job.id, workerId, runAt)
        else if (job.attempts >= job.maxAttempts)
          await failJob(handle.db, job.id, workerId, { error: outcome.error ?? 'gave up after max attempts' })
        else
          await failJob(handle.db, job.id, workerId, {
            error: outcome.error ?? 'retry requested',
            retryAt: runAt,
          })
      } else {
        await completeJob(handle.db, job.id, workerId)
      }
    } catch (err) {
      jobLog.error({ err }, 'job state not saved')
    }
  }

  async function loopBody(): Promise<void> {
    if (options.releaseLocksOnStart) {
      const released = await releaseLocks(handle.db).catch(() => 0)
      if (released > 0) log.warn({ released }, 'jobs interrupted by a previous stop released')
    }
    markStarted()
    const lease = setInterval(() => {
      if (running.size > 0)
        renewLocks(handle.db, workerId, Date.now(), handle.caps).catch((err) =>
          log.error({ err }, 'job lease renewal failed'),
        )
    }, lockTimeoutMs / 3)
    lease.unref()
    abort.signal.addEventListener('abort', () => clearInterval(lease), { once: true })
    while (!abort.signal.aborted) {
      const free = concurrency - running.size
      let claimed: Job[] = []
      if (free > 0) {
        try {
          claimed = await claimJobs(handle.db, handle.caps, { kinds, workerId, limit: free, lockTimeoutMs })
        } catch (err) {
          if (abort.signal.aborted) break
          log.error({ err }, 'job claim failed')
        }
        lastClaimEmpty = claimed.length === 0
      }
      for (const job of claimed) {
        const p = runOne(job).finally(() => {
          running.delete(p)
          wake?.()
          settleIdle()
        })
        running.add(p)
      }
      if (claimed.length < free || free <= 0) {
        settleIdle()
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, pollMs)
          wake = () => {
            clearTimeout(timer)
            wake = undefined
            resolve()
          }
        })
      } // else more may be due: claim again at once
      // node:sqlite answers synchronously, so a backlog of jobs would otherwise run as one
      // chain of microtasks that never lets the event loop read a socket: yield once a round
      // so webhook POSTs are answered while processing catches up (bench/ingest.ts).
      await new Promise<void>((resolve) => setImmediate(resolve))
    }
  }

  return {
    workerId,
    started,
    start() {
      if (!loop && kinds.length > 0) loop = loopBody()
    },
    nudge() {
      lastClaimEmpty = false
      wake?.()
    },
    async stop() {
      abort.abort()
      wake?.()
      await loop
      await Promise.allSettled([...running])
    },
    idle() {
      return new Promise<void>((resolve) => {
        idleWaiters.push(resolve)
        settleIdle()
      })
    },
  }
}
