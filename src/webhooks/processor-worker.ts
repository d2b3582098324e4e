import { readlinkSync } from 'node:fs'
import { flushCompileCache } from 'node:module'
import { getPriority, setPriority } from 'node:os'
import { Writable } from 'node:stream'
import { parentPort, workerData } from 'node:worker_threads'
import { Kysely, SqliteDialect } from 'kysely'
import { type RollupPump, startRollupPump } from '../analytics/rollup-pump.ts'
import type { LogLevel } from '../config.ts'
import { connectDb, type DbHandle } from '../db/connect.ts'
import { sqliteCapabilities } from '../db/dialect.ts'
import type { Database } from '../db/schema.ts'
import { openSqlite } from '../db/sqlite-driver.ts'
import { jobsEnqueuedForOthers } from '../jobs/jobs-repo.ts'
import { createJobRunner, type JobRunner } from '../jobs/runner.ts'
import type { JobHandler } from '../jobs/types.ts'
import { createLogger } from '../log.ts'
import { recoverIntakeJournal } from './intake-journal.ts'
import { createWebhookProcessJob } from './process-job.ts'
import {
  foldPageSize,
  foldYieldMs,
  intakeLingerMs,
  nudgeWhenDue,
  type ProcessorInit,
  paceMs,
  processingChunk,
  type ToMain,
  type ToProcessor,
  webhookThreadNice,
} from './processor.ts'
import { createIntakeCommit } from './sqlite-intake.ts'

// The webhook thread (webhooks/processor.ts, decision 0078). It owns a database connection of its
// own and does three things, the first always before the others:
//   1. on SQLite, commits the intake's batches of raw events (each `intake` message is handled as
//      soon as the thread is between two processing transactions: one connection, so the two
//      never wait on each other's lock), and at its start what the intake journal of a previous
//      run still holds (intake-journal.ts, decision 0129);
//   2. processes `webhook.process` jobs (due `intakeLingerMs` after the intake queued them, so that
//      each gathers several batches, decision 0131) in transactions of ten events, pausing after each in
//      proportion to how busy the thread that answers Meta is (its event-loop utilisation, shared
//      through `init.busy`): processing takes the CPU the intake leaves, never the other way round;
//   3. folds the analytics rollups (analytics/rollup-pump.ts) in pages of `foldPageSize` messages,
//      paced like processing (decision 0092) and, while a job is in progress, pausing longer
//      the fresher its figures are (foldYieldMs, decision 0124).
// On SQLite the WAL is checkpointed by a thread of its own (db/sqlite-checkpointer.ts, decision 0123).
// Log lines and counters go to the main thread, which writes them through its own logger and metrics.

const init = workerData as ProcessorInit
const port = parentPort
if (!port) throw new Error('processor-worker.ts runs as a worker thread (webhooks/processor.ts)')
const send = (message: ToMain) => port.postMessage(message)
// This thread's modules into Node's compile cache (when on): see bin/node24.cjs.
flushCompileCache()
const busy = new Int32Array(init.busy)

const log = createLogger(
  init.logLevel as LogLevel,
  new Writable({
    write(chunk, _encoding, done) {
      for (const line of chunk.toString().split('\n')) if (line) send({ type: 'log', line })
      done()
    },
  }),
)

// When both want a core, the thread that answers Meta gets it first (decision 0133).
lowerThreadPriority(webhookThreadNice)

let handle: DbHandle
let intake: ReturnType<typeof createIntakeCommit> | undefined
if (init.sqliteFile) {
  // With the checkpoint thread on, this connection's commits checkpoint only as a fallback.
  const database = openSqlite(init.sqliteFile, { autocheckpointPages: init.walAutocheckpointPages })
  // Prepared now: a database that cannot take the intake's rows fails the thread at once.
  // The intake's jobs are this thread's to claim: its runner is woken when each is due, not
  // through the main thread.
  const onJobQueued = nudgeWhenDue(() => runner?.nudge())
  intake = createIntakeCommit(database.raw, { lingerMs: intakeLingerMs, onJobQueued })
  // Batches a previous run answered and did not commit, before any of this run's (decision 0129).
  const recovered = recoverIntakeJournal(database.raw, init.sqliteFile, init.recoverJournalUpTo ?? 0)
  if (recovered.segments > 0) log.info(recovered, 'webhook intake journal of the previous run committed')
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database }) })
  handle = {
    db,
    caps: sqliteCapabilities,
    location: init.sqliteFile,
    connectOptions: init.connect,
    close: () => db.destroy(),
  }
} else {
  handle = await connectDb({ ...init.connect, poolSize: init.poolSize })
}

// Not named `process`: that would hide Node's `process` from everything below in this module.
const processEvents = createWebhookProcessJob({
  db: handle.db,
  caps: handle.caps,
  onDeadlock: () => send({ type: 'deadlock' }),
  onWrongApp: () => send({ type: 'wrong_app' }),
})

/**
 * The pause after a unit of catch-up work (processing, folding), or a turn of the event loop.
 * It is sized by the CPU the thread used since the last pause — its event loop's active time —
 * not by the wall time of the work: on PostgreSQL a transaction is mostly waiting for round trips,
 * which take nothing from the thread that answers Meta (decision 0092).
 */
let activeSince = performance.eventLoopUtilization()
function pace(): Promise<void> {
  const now = performance.eventLoopUtilization()
  const activeMs = performance.eventLoopUtilization(now, activeSince).active
  activeSince = now
  const pause = paceMs(activeMs, Atomics.load(busy, 0) / 1000)
  // Even without a pause, a turn of the event loop: an intake batch waiting is committed now.
  return new Promise((resolve) => (pause > 0 ? setTimeout(resolve, pause) : setImmediate(resolve)))
}

// Jobs in progress, and the folds waiting for none to be (yieldToProcessing).
let jobsInProgress = 0
let onProcessingIdle: (() => void)[] = []

/** Waits `ms`, or less if no webhook job is in progress any more. */
function yieldToProcessing(ms: number): Promise<void> {
  if (jobsInProgress === 0 || ms <= 0) return Promise.resolve()
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer)
      onProcessingIdle = onProcessingIdle.filter((f) => f !== done)
      resolve()
    }
    const timer = setTimeout(done, ms)
    onProcessingIdle.push(done)
  })
}

/** One job's events in transactions of a few, each followed by its pause (paceMs). */
const paced: JobHandler<'webhook.process'> = async ({ eventIds }, ctx) => {
  const enqueuedBefore = jobsEnqueuedForOthers()
  jobsInProgress++
  try {
    for (let i = 0; i < eventIds.length; i += processingChunk) {
      await processEvents({ eventIds: eventIds.slice(i, i + processingChunk) }, ctx)
      await pace()
    }
    return undefined
  } finally {
    if (--jobsInProgress === 0) for (const wake of onProcessingIdle.slice()) wake()
    // What processing queued (media downloads, callbacks) is the main thread's work: wake its
    // runner only then. A wake is a claim — a write on the main connection, which on SQLite
    // waits synchronously for this thread's lock — and most jobs queue nothing (a text message,
    // a status); the main runner's poll still finds anything missed here.
    if (jobsEnqueuedForOthers() !== enqueuedBefore) send({ type: 'processed' })
  }
}

let runner: JobRunner | undefined
let rollups: RollupPump | undefined
const startProcessing = (analytics: boolean) => {
  if (analytics)
    rollups ??= startRollupPump(handle, log.child({ component: 'analytics' }), {
      onTally: (tally) => send({ type: 'tally', tally }),
      pageSize: foldPageSize,
      afterPage: async (workMs, lagMs) => {
        await pace()
        await yieldToProcessing(foldYieldMs(workMs, lagMs))
      },
    })
  runner ??= createJobRunner({
    handle,
    handlers: { 'webhook.process': paced },
    log,
    workerId: init.workerId,
    concurrency: init.concurrency,
  })
  runner.start()
}

/** Commits the intake's batches in one transaction now, or — inside a processing transaction — as soon as it ends. */
function commitIntake(message: Extract<ToProcessor, { type: 'intake' }>): void {
  const raw = intake?.raw
  if (!intake || !raw) {
    send({ type: 'intake', seq: message.seq, ok: false, message: 'no intake on PostgreSQL' })
    return
  }
  if (raw.isTransaction) {
    setImmediate(() => commitIntake(message))
    return
  }
  try {
    intake.commitAll(message.batches)
    send({ type: 'intake', seq: message.seq, ok: true })
  } catch (err) {
    send({ type: 'intake', seq: message.seq, ok: false, message: (err as Error).message })
    return
  }
}

port.on('message', async (message: ToProcessor) => {
  if (message.type === 'intake') commitIntake(message)
  else if (message.type === 'process') startProcessing(message.analytics)
  else if (message.type === 'fold') {
    const pump = rollups
    if (!pump) send({ type: 'folded', seq: message.seq, ok: false, message: 'the fold is not running' })
    else
      pump.foldNow().then(
        () => send({ type: 'folded', seq: message.seq, ok: true }),
        (err: Error) => send({ type: 'folded', seq: message.seq, ok: false, message: err.message }),
      )
  } else if (message.type === 'nudge') runner?.nudge()
  else if (message.type === 'stop') {
    await runner?.stop()
    await rollups?.stop()
    await handle.close()
    send({ type: 'stopped' })
    port.close()
  }
})
send({ type: 'ready' })

/**
 * Lowers this thread's scheduling priority `by` nice steps below the process's (at most 19). On
 * Linux a thread is a task with a nice value of its own (`/proc/thread-self` names its id);
 * elsewhere there is none to lower and the thread keeps the process's priority. Lowering needs no
 * privilege; a failure is logged and changes nothing else.
 */
function lowerThreadPriority(by: number): void {
  if (process.platform !== 'linux' || by <= 0) return
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').at(-1))
    setPriority(tid, Math.min(19, getPriority(tid) + by))
  } catch (err) {
    log.warn(
      { err },
      'the webhook thread could not lower its scheduling priority; it runs at the process priority',
    )
  }
}
