import { randomBytes } from 'node:crypto'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { Worker } from 'node:worker_threads'
import type { FoldTally } from '../analytics/rollup.ts'
import type { ConnectOptions, DbHandle } from '../db/connect.ts'
import { releaseLocks } from '../jobs/jobs-repo.ts'
import type { Logger } from '../log.ts'
import { type ThreadHeap, threadHeap } from '../metrics.ts'
import type { IntakeWriter } from './intake-batcher.ts'
import {
  type IntakeJournal,
  type JournalEntry,
  journalSegments,
  openIntakeJournal,
} from './intake-journal.ts'
import { packIntakeBatch } from './sqlite-intake.ts'

// Webhook processing runs on a thread of its own (SPEC §5, §11; decision 0078). Answering a
// webhook is parse-nothing work: check the signature, commit the raw bytes, answer 200.
// Processing (contacts, conversations, messages, statuses, events) costs several times more. On
// one thread the two shared one event loop, and a fixed flood threshold decided how much
// processing the intake let run — a machine that could not first cross it stayed slow. Now:
//   - the thread that answers Meta does no processing at all;
//   - the webhook thread processes in transactions of a few events and, after each, pauses in
//     proportion to how busy the answering thread is (paceMs): at any rate the intake comes first,
//     processing takes the CPU left over and catches up at full speed when the load drops;
//   - on SQLite the same thread commits the intake's batches (one connection: the intake never
//     waits on a processing transaction's lock, it is committed between two of them); the answer
//     does not wait for that commit, only for the batch's append to the intake journal
//     (intake-journal.ts, decision 0129), which the thread replays at its start.
// The analytics fold (analytics/rollup-pump.ts) runs on the same thread, in pages of a few
// messages paced the same way (decision 0092): on the main thread its SQLite transactions stopped
// the answering thread and held the write lock that the intake and processing waited on.
// The backlog is durable (the `webhook_events` rows) and visible (wahub_webhook_backlog_events,
// wahub_webhook_processing_lag_seconds, doctor's `webhooks.backlog` warning above a minute).

/**
 * Events per processing transaction: short, so an intake commit waits at most one of them, and
 * long enough that the commit — a third of a transaction's time at 5 — is shared (decision 0125).
 */
export const processingChunk = 10

/**
 * How long a `webhook.process` job the intake queues waits before it is due: the batches
 * committed meanwhile join it (decision 0126), so processing runs in transactions of several
 * events even at a steady moderate rate, where each batch is a few events (decision 0131).
 */
export const intakeLingerMs = 20

/**
 * Nice steps the webhook thread runs below the process (decision 0133): on a busy machine the
 * thread that answers Meta takes a core first, and processing, the fold and SQLite's intake
 * commits use what it leaves. Their pacing (paceMs) still shares the time when both can run.
 */
export const webhookThreadNice = 10

/**
 * Wakes a job runner when each job the intake queued is due (`intakeLingerMs` after its first
 * batch). One timer per due time; a timer already set for that moment or later serves too.
 */
export function nudgeWhenDue(nudge: () => void): (dueAt: number) => void {
  let nudgeDue: number | undefined
  return (dueAt) => {
    if (nudgeDue !== undefined && nudgeDue >= dueAt) return
    nudgeDue = dueAt
    setTimeout(
      () => {
        if (nudgeDue === dueAt) nudgeDue = undefined
        nudge()
      },
      Math.max(0, dueAt - Date.now()) + 1,
    ).unref()
  }
}

/** Messages per analytics fold transaction on the thread: as short as a processing transaction. */
export const foldPageSize = 50

/**
 * The pause after a processing transaction that took `workMs`, given the answering thread's
 * event-loop utilisation `busy` (0–1): processing keeps a share of max(10%, 1 − busy) of its own
 * thread's time. Idle intake → no pause; saturated intake → nine times the work. A smooth
 * function of the load, no threshold to cross.
 */
export function paceMs(workMs: number, busy: number): number {
  const share = Math.max(0.1, 1 - Math.min(1, Math.max(0, busy)))
  return Math.max(0, Math.round((workMs * (1 - share)) / share))
}

/** How long the fold's round may run, while processing has work, before it takes half the thread. */
export const foldHalfShareLagMs = 2000

/**
 * The analytics fold's extra pause after a page that took `workMs`, while a webhook job is in
 * progress on the thread, given how long the fold's round has been running (`lagMs`: the figures
 * are that much staler than they would be). The fold keeps a share lag / (lag + 2 s) of the
 * thread, a twentieth at least: processing, which makes messages visible, goes first, and a fold
 * that falls behind takes more and more of the thread until it catches up (decision 0124). A
 * smooth function of its lag, no threshold to cross.
 */
export function foldYieldMs(workMs: number, lagMs: number): number {
  const lag = Math.max(0, lagMs)
  const share = Math.max(0.05, lag / (lag + foldHalfShareLagMs))
  return Math.max(0, Math.round((workMs * (1 - share)) / share))
}

export type ProcessorInit = {
  connect: ConnectOptions
  /** The SQLite file (the thread commits the intake on it); absent on PostgreSQL. */
  sqliteFile?: string
  poolSize: number
  logLevel: string
  workerId: string
  concurrency: number
  /** Int32 [0]: the answering thread's event-loop utilisation in thousandths. */
  busy: SharedArrayBuffer
  /** SQLite: the thread's connection checkpoints only past this WAL size (a checkpoint thread runs). */
  walAutocheckpointPages?: number
  /** SQLite: the intake journal's segments up to this number are a previous run's, committed at start. */
  recoverJournalUpTo?: number
}

export type ToProcessor =
  | { type: 'intake'; seq: number; batches: { rows: string; bodies: Uint8Array }[] }
  | { type: 'process'; analytics: boolean }
  | { type: 'fold'; seq: number }
  | { type: 'nudge' }
  | { type: 'stop' }
export type ToMain =
  | { type: 'ready' }
  | { type: 'intake'; seq: number; ok: boolean; message?: string }
  | { type: 'log'; line: string }
  | { type: 'processed' }
  | { type: 'tally'; tally: FoldTally }
  | { type: 'folded'; seq: number; ok: boolean; message?: string }
  | { type: 'deadlock' }
  | { type: 'wrong_app' }
  | { type: 'stopped' }

export type WebhookProcessor = {
  /** Job-lock owner id of the current thread (its jobs are released if it dies). */
  readonly workerId: string
  /** On SQLite: commits the intake's batches on the thread. */
  readonly intakeWriter: IntakeWriter | undefined
  /** Starts processing `webhook.process` jobs (after the main runner released a previous run's locks). */
  startProcessing(): void
  /** Wakes the thread's runner (after each intake commit on PostgreSQL; on SQLite the thread commits and wakes itself). */
  nudge(): void
  /** Folds the analytics rollups up to now on the thread (tests, reports); needs `analytics`. */
  foldNow(): Promise<void>
  /** The thread's V8 heap (/metrics), or undefined while no thread runs. */
  heap(): Promise<ThreadHeap | undefined>
  /** Stops claiming, lets running batches finish, closes the thread's connection. */
  stop(): Promise<void>
  /** Past the shutdown deadline: ends the thread now (the caller releases its jobs' locks). */
  terminate(): Promise<void>
}

/** How long a stop waits for the thread to commit the answered batches (the rest: next start). */
const stopCommitWaitMs = 10_000

export type ProcessorOptions = {
  /** The database the thread opens a connection of its own to. */
  connect: ConnectOptions
  /** The main thread's handle: where a dead thread's job locks are released. */
  handle?: DbHandle
  log: Logger
  /** After each processed job: what it queued (media downloads, callbacks) is the main runner's. */
  onProcessed?: () => void
  onDeadlock?: () => void
  onWrongApp?: () => void
  concurrency?: number
  /** Runs the analytics fold on the thread once processing starts; each page's tally comes here. */
  analytics?: { onTally(t: FoldTally): void }
  /** SQLite: the WAL size at which the thread's own commits checkpoint (a checkpoint thread runs). */
  walAutocheckpointPages?: number
  /**
   * SQLite: answered events the thread has not committed yet, at most (default 10,000, ~17 MB of
   * bodies held for it); past it the intake refuses with an error, and Meta delivers again.
   */
  maxUncommittedEvents?: number
  /** The worker ids of this instance (PostgreSQL: jobs/liveness.ts, decision 0120). */
  workerIds?: (prefix: string) => string
}

const pinoLevels: Record<number, 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal'> = {
  10: 'trace',
  20: 'debug',
  30: 'info',
  40: 'warn',
  50: 'error',
  60: 'fatal',
}

/** A log line of the thread, written again through the main logger (its destination, redaction, level). */
function relog(log: Logger, line: string): void {
  let record: Record<string, unknown>
  try {
    record = JSON.parse(line) as Record<string, unknown>
  } catch {
    return
  }
  const { level, time: _time, pid: _pid, hostname: _host, service: _service, msg, ...fields } = record
  log[pinoLevels[Number(level)] ?? 'info'](fields, typeof msg === 'string' ? msg : '')
}

/** The answering thread's event-loop utilisation, sampled every 100 ms into a shared cell. */
function shareBusy(): { buffer: SharedArrayBuffer; stop(): void } {
  const buffer = new SharedArrayBuffer(4)
  const cell = new Int32Array(buffer)
  let last = performance.eventLoopUtilization()
  const timer = setInterval(() => {
    const now = performance.eventLoopUtilization()
    Atomics.store(cell, 0, Math.round(performance.eventLoopUtilization(now, last).utilization * 1000))
    last = now
  }, 100)
  timer.unref()
  return { buffer, stop: () => clearInterval(timer) }
}

type Waiting = Map<number, { resolve(): void; reject(err: Error): void }>

/** A batch answered from the journal and not yet committed by the thread. */
type Journaled = { rows: string; bodies: Uint8Array; entry: JournalEntry; events: number }

/** At most this many events in one intake message (one transaction on the thread), unless one batch is larger. */
const maxEventsPerCommit = 1000

export function startWebhookProcessor(options: ProcessorOptions): WebhookProcessor {
  const { log } = options
  const sqliteFile = options.connect.databaseUrl
    ? undefined
    : path.join(options.connect.dataDir, options.connect.sqliteFile ?? 'wahub.db')
  const busy = shareBusy()
  let workerId = ''
  let worker: Worker | undefined
  let seq = 0
  let batchSeq = 0
  // SQLite: the previous run's journal segments are the thread's to commit at its start; this
  // run's appends go to new ones (decision 0129).
  const recoverJournalUpTo = sqliteFile ? (journalSegments(sqliteFile).at(-1)?.n ?? 0) : 0
  let journal: IntakeJournal | undefined
  const journaled = new Map<number, Journaled>()
  let uncommittedEvents = 0
  const maxUncommitted = options.maxUncommittedEvents ?? 10_000
  const onAllCommitted: (() => void)[] = []
  // Group commit on the thread's side: one message in flight, and every batch answered meanwhile
  // goes in the next one, committed in one transaction (a batch a turn of this thread's event
  // loop, each its own commit, had the thread commit hundreds of times a second at 1,000/s).
  let unsent: number[] = []
  let inFlight: { seq: number; ids: number[] } | undefined
  let failures = 0
  let retryTimer: NodeJS.Timeout | undefined
  const post = () => {
    if (!worker || inFlight || retryTimer || unsent.length === 0) return
    let events = 0
    let take = 0
    while (take < unsent.length && (take === 0 || events < maxEventsPerCommit)) {
      events += journaled.get(unsent[take])?.events ?? 0
      take++
    }
    const ids = unsent.slice(0, take)
    unsent = unsent.slice(take)
    const batches = ids.flatMap((id) => {
      const b = journaled.get(id)
      return b ? [{ rows: b.rows, bodies: b.bodies }] : []
    })
    inFlight = { seq: ++seq, ids }
    worker.postMessage({ type: 'intake', seq: inFlight.seq, batches } satisfies ToProcessor)
  }
  let processing = false
  let stopping: Promise<void> | undefined
  let restartTimer: NodeJS.Timeout | undefined
  let restarts = 0
  let folds: Waiting = new Map()
  const processMessage = (): ToProcessor => ({ type: 'process', analytics: Boolean(options.analytics) })

  const spawn = (): Worker => {
    clearTimeout(restartTimer)
    workerId = options.workerIds?.('p') ?? `p_${randomBytes(6).toString('hex')}`
    const init: ProcessorInit = {
      connect: options.connect,
      sqliteFile,
      // PostgreSQL: processing waits on round trips, so four jobs at once (and the fold) keep it busy.
      poolSize: 6,
      logLevel: log.level,
      workerId,
      concurrency: options.concurrency ?? (sqliteFile ? 2 : 4),
      busy: busy.buffer,
      walAutocheckpointPages: sqliteFile ? options.walAutocheckpointPages : undefined,
      recoverJournalUpTo: sqliteFile ? recoverJournalUpTo : undefined,
    }
    const current = new Worker(new URL('./processor-worker.ts', import.meta.url), {
      workerData: init,
      // The thread's name in `top -H`, `ps -L` and /proc/<pid>/task/*/comm.
      name: 'wahub-webhooks',
    })
    const ownFolds: Waiting = new Map()
    worker = current
    folds = ownFolds
    const ownId = workerId
    // Answered batches a previous thread did not commit (it died) are this one's, in order.
    inFlight = undefined
    unsent = [...journaled.keys()]
    queueMicrotask(post)
    // A thread that failed or stopped leaves its uncommitted intake batches to the next thread
    // (they were answered: the journal holds them); its processing jobs are released for it.
    const fail = (err: Error) => {
      for (const w of ownFolds.values()) w.reject(err)
      ownFolds.clear()
    }
    current.on('message', (message: ToMain) => {
      if (message.type === 'intake') {
        if (worker !== current || inFlight?.seq !== message.seq) return
        const { ids } = inFlight
        inFlight = undefined
        if (message.ok) {
          failures = 0
          for (const id of ids) {
            const b = journaled.get(id)
            journaled.delete(id)
            if (b) {
              uncommittedEvents -= b.events
              journal?.committed(b.entry)
            }
          }
          if (journaled.size === 0) for (const wake of onAllCommitted.splice(0)) wake()
        } else {
          // Kept in the journal and sent again: answered events are never dropped (SPEC §5).
          const delay = Math.min(30_000, 250 * 2 ** failures++)
          unsent = ids.concat(unsent)
          log.error(
            { batches: ids.length, retryInMs: delay, reason: message.message },
            'webhook intake commit failed; the batches stay in the intake journal and are committed again',
          )
          retryTimer = setTimeout(() => {
            retryTimer = undefined
            post()
          }, delay)
          retryTimer.unref()
        }
        post()
      } else if (message.type === 'log') relog(log, message.line)
      else if (message.type === 'processed') options.onProcessed?.()
      else if (message.type === 'tally') options.analytics?.onTally(message.tally)
      else if (message.type === 'folded') {
        const pending = ownFolds.get(message.seq)
        ownFolds.delete(message.seq)
        if (message.ok) pending?.resolve()
        else pending?.reject(new Error(`analytics fold failed: ${message.message}`))
      } else if (message.type === 'deadlock') options.onDeadlock?.()
      else if (message.type === 'wrong_app') options.onWrongApp?.()
      else if (message.type === 'ready') restarts = 0
    })
    // 'error' then 'exit' for a thread that threw; 'exit' alone for one that stopped.
    const dead = (err: Error, code?: number) => {
      fail(err)
      if (worker !== current) return
      worker = undefined
      // Without processing, the next intake batch starts a thread, unless answered ones wait.
      if (stopping || (!processing && journaled.size === 0)) return
      log.error({ err, workerId: ownId, code }, 'webhook thread stopped; starting another')
      const delay = Math.min(30_000, 250 * 2 ** restarts++)
      restartTimer = setTimeout(async () => {
        if (options.handle) await releaseLocks(options.handle.db, ownId).catch(() => 0)
        if (!stopping && !worker) {
          const next = spawn()
          if (processing) next.postMessage(processMessage())
        }
      }, delay)
      restartTimer.unref()
    }
    current.on('error', (err) => dead(new Error(`webhook intake writer failed: ${err.message}`)))
    current.on('exit', (code) => dead(new Error(`webhook intake writer stopped (exit ${code})`), code))
    return current
  }

  const intakeWriter: IntakeWriter | undefined = sqliteFile
    ? {
        // Answered once appended to the journal; the thread commits it between two processing
        // transactions (decision 0129). The bodies are copied to the thread, not transferred:
        // they are sent again if that thread dies first.
        commit(batch) {
          if (stopping) return Promise.reject(new Error('webhook intake writer stopped (shutting down)'))
          // A thread that cannot commit (a broken database) must not make this one hold every
          // webhook answered meanwhile: past the bound, Meta is answered an error and delivers again.
          if (uncommittedEvents > 0 && uncommittedEvents + batch.length > maxUncommitted)
            return Promise.reject(
              new Error(
                `webhook intake: ${uncommittedEvents} answered events are waiting for the webhook thread to commit them`,
              ),
            )
          const { rows, bodies } = packIntakeBatch(batch)
          let entry: JournalEntry
          try {
            journal ??= openIntakeJournal(sqliteFile, recoverJournalUpTo)
            entry = journal.append(rows, bodies)
          } catch (err) {
            return Promise.reject(new Error(`webhook intake journal: ${(err as Error).message}`))
          }
          const id = ++batchSeq
          journaled.set(id, { rows, bodies, entry, events: batch.length })
          uncommittedEvents += batch.length
          if (worker) {
            unsent.push(id)
            post()
          } else {
            const current = spawn()
            if (processing) current.postMessage(processMessage())
          }
          return Promise.resolve()
        },
        close: () => stop(),
      }
    : undefined

  const stop = () => {
    stopping ??= (async () => {
      // Answered batches committed first, for a while: what is left is committed at the next start.
      if (journaled.size > 0 && worker) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, stopCommitWaitMs)
          onAllCommitted.push(() => {
            clearTimeout(timer)
            resolve()
          })
        })
      }
      clearTimeout(restartTimer)
      clearTimeout(retryTimer)
      busy.stop()
      const current = worker
      if (current)
        await new Promise<void>((resolve) => {
          current.once('exit', () => resolve())
          current.postMessage({ type: 'stop' } satisfies ToProcessor)
        })
      journal?.close()
    })()
    return stopping
  }

  return {
    get workerId() {
      return workerId
    },
    intakeWriter,
    startProcessing() {
      processing = true
      ;(worker ?? spawn()).postMessage(processMessage())
    },
    nudge() {
      worker?.postMessage({ type: 'nudge' } satisfies ToProcessor)
    },
    foldNow() {
      const current = worker
      if (!current || !processing || !options.analytics)
        return Promise.reject(new Error('analytics fold: the webhook thread is not running the fold'))
      const id = ++seq
      return new Promise<void>((resolve, reject) => {
        folds.set(id, { resolve, reject })
        current.postMessage({ type: 'fold', seq: id } satisfies ToProcessor)
      })
    },
    heap: () => threadHeap(worker),
    stop,
    async terminate() {
      stopping ??= Promise.resolve()
      clearTimeout(restartTimer)
      busy.stop()
      await worker?.terminate()
      journal?.close()
    },
  }
}

/** A SQLite intake writer on a thread of its own, without processing (tests, tools). */
export function createSqliteIntakeWriter(
  file: string,
  log: Logger,
  options: Pick<ProcessorOptions, 'maxUncommittedEvents'> = {},
): IntakeWriter {
  const processor = startWebhookProcessor({
    connect: { databaseUrl: undefined, dataDir: path.dirname(file), sqliteFile: path.basename(file) },
    log,
    ...options,
  })
  return processor.intakeWriter as IntakeWriter
}
