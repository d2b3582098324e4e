import type { Selectable } from 'kysely'
import { sql } from 'kysely'
import type { Db } from '../db/connect.ts'
import type { DialectCapabilities } from '../db/dialect.ts'
import type { JobsTable } from '../db/schema.ts'
import type { Job, JobKind, JobPayloads } from './types.ts'

// One function per job transition, each guarded by `locked_by` so a worker that lost its
// lock (it stalled past the lock timeout and another claimed the job) cannot complete or
// fail a job it no longer owns. Enqueue takes the caller's transaction: a message row and
// its send job commit together (transactional outbox, SPEC §2).

export type EnqueueOptions = { runAt?: number; maxAttempts?: number; lane?: string | null }

/**
 * Jobs of kinds other than `webhook.process` enqueued by this thread so far (counted before the
 * commit, so a rolled-back one counts too). The webhook thread compares it around a job to tell
 * whether processing queued work for the main job runner (media downloads, callbacks) and only
 * then wakes that runner: a wake is a claim, a write on the answering thread's connection.
 */
let enqueuedForOthers = 0
export const jobsEnqueuedForOthers = (): number => enqueuedForOthers

export async function enqueueJob<K extends JobKind>(
  db: Db,
  kind: K,
  payload: JobPayloads[K],
  options: EnqueueOptions = {},
): Promise<number> {
  const now = Date.now()
  if (kind !== 'webhook.process') enqueuedForOthers++
  const row = await db
    .insertInto('jobs')
    .values({
      kind,
      payload: JSON.stringify(payload),
      run_at: options.runAt ?? now,
      max_attempts: options.maxAttempts ?? 25,
      lane: options.lane ?? null,
      created_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  return row.id
}

/**
 * enqueueJob for many jobs of one kind in one multi-row statement (bulk sends): ids ascend in
 * the list's order, so jobs of one lane run in the order given.
 */
export async function enqueueJobs<K extends JobKind>(
  db: Db,
  kind: K,
  jobs: readonly { payload: JobPayloads[K]; options?: EnqueueOptions }[],
): Promise<void> {
  const now = Date.now()
  if (kind !== 'webhook.process') enqueuedForOthers += jobs.length
  for (let i = 0; i < jobs.length; i += 1000) {
    await db
      .insertInto('jobs')
      .values(
        jobs.slice(i, i + 1000).map(({ payload, options = {} }) => ({
          kind,
          payload: JSON.stringify(payload),
          run_at: options.runAt ?? now,
          max_attempts: options.maxAttempts ?? 25,
          lane: options.lane ?? null,
          created_at: now,
        })),
      )
      .execute()
  }
}

/**
 * One job per lane for work that reschedules itself (a campaign's runner): brings the lane's
 * waiting job forward to `runAt` when it has one, else queues one. A job running right now
 * (locked) is left alone and a new one queued behind it (the lane runs them one at a time).
 */
export async function scheduleLaneJob<K extends JobKind>(
  db: Db,
  kind: K,
  payload: JobPayloads[K],
  lane: string,
  runAt: number,
  options: { maxAttempts?: number } = {},
): Promise<void> {
  const waiting = await db
    .selectFrom('jobs')
    .select(['id', 'run_at'])
    .where('lane', '=', lane)
    .where('kind', '=', kind)
    .where('locked_by', 'is', null)
    .where('failed_at', 'is', null)
    .executeTakeFirst()
  if (waiting) {
    if (Number(waiting.run_at) > runAt)
      await db
        .updateTable('jobs')
        .set({ run_at: runAt })
        .where('id', '=', waiting.id)
        .where('locked_by', 'is', null)
        .execute()
    return
  }
  await enqueueJob(db, kind, payload, { lane, runAt, maxAttempts: options.maxAttempts })
}

/**
 * The live jobs (waiting or running, not dead) of a kind in one lane, or with no lane when `lane`
 * is null, in the order they run: for a caller that must not queue a second job for the same work.
 */
export async function liveJobs(
  db: Db,
  kind: JobKind,
  lane: string | null,
  limit = 1000,
): Promise<{ id: number; payload: unknown; running: boolean; runAt: number }[]> {
  let q = db
    .selectFrom('jobs')
    .select(['id', 'payload', 'locked_by', 'run_at'])
    .where('kind', '=', kind)
    .where('failed_at', 'is', null)
    .orderBy('id')
    .limit(limit)
  q = lane === null ? q.where('lane', 'is', null) : q.where('lane', '=', lane)
  const rows = await q.execute()
  return rows.map((r) => ({
    id: r.id,
    payload: typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload,
    running: r.locked_by !== null,
    runAt: Number(r.run_at),
  }))
}

/** Waiting jobs run at `runAt` rather than later (a retry asked for now); running ones are left alone. */
export async function bringForward(db: Db, ids: readonly number[], runAt = Date.now()): Promise<number> {
  if (ids.length === 0) return 0
  const result = await db
    .updateTable('jobs')
    .set({ run_at: runAt })
    .where('id', 'in', [...ids])
    .where('locked_by', 'is', null)
    .where('failed_at', 'is', null)
    .where('run_at', '>', runAt)
    .executeTakeFirst()
  return Number(result.numUpdatedRows)
}

/** Kinds whose payload may be empty: the ones that can recur. */
export type RecurringJobKind = {
  [K in JobKind]: Record<string, never> extends JobPayloads[K] ? K : never
}[JobKind]

/**
 * A recurring job carries its schedule in one row with an empty payload: each run enqueues the
 * next, and an instance that starts later finds the row and adds none. Runs asked for on demand
 * (a payload naming what to do) do not count. `exceptJobId`: the run that is scheduling its next.
 */
export async function scheduleRecurringJob(
  db: Db,
  kind: RecurringJobKind,
  runAt: number,
  options: { exceptJobId?: number; maxAttempts?: number } = {},
): Promise<boolean> {
  let q = db
    .selectFrom('jobs')
    .select('id')
    .where('kind', '=', kind)
    .where('payload', '=', '{}')
    .where('failed_at', 'is', null)
  // A run scheduling its successor looks only for a later run: two rows due at once (instances
  // that started together) then converge to one instead of each waiting for the other.
  if (options.exceptJobId !== undefined)
    q = q.where('id', '!=', options.exceptJobId).where('run_at', '>', Date.now())
  if (await q.executeTakeFirst()) return false
  await enqueueJob(db, kind, {}, { runAt, maxAttempts: options.maxAttempts ?? 3 })
  return true
}

export type ClaimOptions = {
  kinds: readonly JobKind[]
  workerId: string
  limit: number
  /** A lock older than this is considered abandoned (its worker died) and the job is reclaimed. */
  lockTimeoutMs: number
  now?: number
  /**
   * Jobs whose lane starts with one of these are left for other claimers (a send worker that
   * already holds as much of a number's queue as the number can send in its horizon).
   */
  skipLanePrefixes?: readonly string[]
}

function toJob(row: Selectable<JobsTable>): Job {
  return {
    id: row.id,
    kind: row.kind as JobKind,
    payload: JSON.parse(row.payload),
    attempts: row.attempts,
    maxAttempts: row.max_attempts,
    lane: row.lane,
    runAt: row.run_at,
  }
}

/**
 * Claims up to `limit` due jobs. On PostgreSQL the candidate rows are locked with
 * `FOR UPDATE SKIP LOCKED`, so concurrent claimers (several `wahub serve` instances) get
 * disjoint jobs without waiting on each other. SQLite serialises writers, so the same UPDATE
 * is atomic there. A job with a lane waits until every earlier job of its lane is finished:
 * messages to one recipient leave in order.
 */
export async function claimJobs(db: Db, caps: DialectCapabilities, options: ClaimOptions): Promise<Job[]> {
  if (options.kinds.length === 0 || options.limit <= 0) return []
  const now = options.now ?? Date.now()
  const staleBefore = now - options.lockTimeoutMs
  let candidates = db
    .selectFrom('jobs as j')
    .select('j.id')
    .where('j.kind', 'in', options.kinds)
    .where('j.failed_at', 'is', null)
    .where('j.run_at', '<=', now)
    .where((eb) => eb.or([eb('j.locked_by', 'is', null), eb('j.locked_at', '<', staleBefore)]))
    .where((eb) =>
      eb.or([
        eb('j.lane', 'is', null),
        eb.not(
          eb.exists(
            eb
              .selectFrom('jobs as earlier')
              .select(sql.lit(1).as('one'))
              .whereRef('earlier.lane', '=', 'j.lane')
              .whereRef('earlier.id', '<', 'j.id')
              .where('earlier.failed_at', 'is', null),
          ),
        ),
      ]),
    )
    .orderBy('j.run_at')
    .orderBy('j.id')
    .limit(options.limit)
  for (const prefix of options.skipLanePrefixes ?? []) {
    // substr, not LIKE: ids may hold `_`, a LIKE wildcard.
    candidates = candidates.where((eb) =>
      eb.or([
        eb('j.lane', 'is', null),
        eb(sql`substr(${sql.ref('j.lane')}, 1, ${sql.lit(prefix.length)})`, '<>', prefix),
      ]),
    )
  }
  if (caps.skipLocked) candidates = candidates.forUpdate().skipLocked()

  const rows = await db
    .updateTable('jobs')
    .set((eb) => ({ locked_by: options.workerId, locked_at: now, attempts: eb('attempts', '+', 1) }))
    .where('id', 'in', candidates)
    .returningAll()
    .execute()
  return rows.map(toJob).sort((a, b) => a.runAt - b.runAt || a.id - b.id)
}

/** The job is done: it leaves the table. */
export async function completeJob(db: Db, jobId: number, workerId: string): Promise<boolean> {
  const result = await db
    .deleteFrom('jobs')
    .where('id', '=', jobId)
    .where('locked_by', '=', workerId)
    .executeTakeFirst()
  return Number(result.numDeletedRows) === 1
}

/**
 * completeJob for several jobs in one statement (a group commit), locking them in id order on
 * PostgreSQL so it cannot deadlock with a lease renewal (renewLocks takes the same order).
 */
export async function completeJobs(
  db: Db,
  jobIds: readonly number[],
  workerId: string,
  caps?: DialectCapabilities,
): Promise<number> {
  if (jobIds.length === 0) return 0
  const ids = [...jobIds].sort((a, b) => a - b)
  const result = await db
    .deleteFrom('jobs')
    .where(
      'id',
      'in',
      caps?.skipLocked
        ? (eb) =>
            eb
              .selectFrom('jobs')
              .select('id')
              .where('id', 'in', ids)
              .where('locked_by', '=', workerId)
              .orderBy('id')
              .forUpdate()
        : (eb) => eb.selectFrom('jobs').select('id').where('id', 'in', ids).where('locked_by', '=', workerId),
    )
    .executeTakeFirst()
  return Number(result.numDeletedRows)
}

/**
 * A failed attempt. With `retryAt` the job runs again then; without, it is kept as dead
 * (failed_at set) for inspection and replay, and no longer blocks its lane.
 */
export async function failJob(
  db: Db,
  jobId: number,
  workerId: string,
  outcome: { error: string; retryAt?: number },
): Promise<boolean> {
  const now = Date.now()
  const result = await db
    .updateTable('jobs')
    .set({
      locked_by: null,
      locked_at: null,
      last_error: outcome.error.slice(0, 2000),
      run_at: outcome.retryAt ?? now,
      failed_at: outcome.retryAt === undefined ? now : null,
    })
    .where('id', '=', jobId)
    .where('locked_by', '=', workerId)
    .executeTakeFirst()
  return Number(result.numUpdatedRows) === 1
}

/** Put a claimed job back without counting the attempt (rate limited, shutting down). */
export async function releaseJob(
  db: Db,
  jobId: number,
  workerId: string,
  runAt = Date.now(),
): Promise<boolean> {
  const result = await db
    .updateTable('jobs')
    .set((eb) => ({ locked_by: null, locked_at: null, run_at: runAt, attempts: eb('attempts', '-', 1) }))
    .where('id', '=', jobId)
    .where('locked_by', '=', workerId)
    .executeTakeFirst()
  return Number(result.numUpdatedRows) === 1
}

/** releaseJob for several jobs in one statement, due at once (another claimer may take them). */
export async function releaseJobs(db: Db, jobIds: readonly number[], workerId: string): Promise<number> {
  if (jobIds.length === 0) return 0
  const result = await db
    .updateTable('jobs')
    .set((eb) => ({ locked_by: null, locked_at: null, run_at: Date.now(), attempts: eb('attempts', '-', 1) }))
    .where('id', 'in', jobIds)
    .where('locked_by', '=', workerId)
    .executeTakeFirst()
  return Number(result.numUpdatedRows)
}

/** A live worker extends the lease on the jobs it is running (see runner.ts). */
export async function renewLocks(
  db: Db,
  workerId: string,
  now = Date.now(),
  caps?: DialectCapabilities,
): Promise<number> {
  // On PostgreSQL the rows are locked in id order, like completeJobs: the two never deadlock.
  const result = await db
    .updateTable('jobs')
    .set({ locked_at: now })
    .where(
      'id',
      'in',
      caps?.skipLocked
        ? (eb) =>
            eb.selectFrom('jobs').select('id').where('locked_by', '=', workerId).orderBy('id').forUpdate()
        : (eb) => eb.selectFrom('jobs').select('id').where('locked_by', '=', workerId),
    )
    .where('locked_by', '=', workerId)
    .executeTakeFirst()
  return Number(result.numUpdatedRows)
}

/**
 * Releases locks so the jobs run again at once instead of after the lock timeout; the attempts
 * they used stay counted. With a worker id, only that worker's: a worker that stops before its
 * jobs finished (the shutdown deadline passed; a send found `sending` is settled as unknown).
 * Without, every lock: for a process that knows no other worker can be alive (SQLite: one
 * process owns the file), so jobs interrupted by a crash run again at once.
 */
export async function releaseLocks(db: Db, workerId?: string): Promise<number> {
  let query = db.updateTable('jobs').set({ locked_by: null, locked_at: null })
  query =
    workerId === undefined
      ? query.where('locked_by', 'is not', null)
      : query.where('locked_by', '=', workerId)
  return Number((await query.executeTakeFirst()).numUpdatedRows)
}

export type JobCounts = { due: number; scheduled: number; running: number; dead: number }

export async function countJobs(db: Db, kind?: JobKind, now = Date.now()): Promise<JobCounts> {
  let query = db.selectFrom('jobs').select((eb) => [
    eb.fn.sum<number>(eb.case().when('failed_at', 'is not', null).then(1).else(0).end()).as('dead'),
    eb.fn
      .sum<number>(
        eb
          .case()
          .when(eb.and([eb('failed_at', 'is', null), eb('locked_by', 'is not', null)]))
          .then(1)
          .else(0)
          .end(),
      )
      .as('running'),
    eb.fn
      .sum<number>(
        eb
          .case()
          .when(eb.and([eb('failed_at', 'is', null), eb('locked_by', 'is', null), eb('run_at', '<=', now)]))
          .then(1)
          .else(0)
          .end(),
      )
      .as('due'),
    eb.fn
      .sum<number>(
        eb
          .case()
          .when(eb.and([eb('failed_at', 'is', null), eb('locked_by', 'is', null), eb('run_at', '>', now)]))
          .then(1)
          .else(0)
          .end(),
      )
      .as('scheduled'),
  ])
  if (kind) query = query.where('kind', '=', kind)
  const row = await query.executeTakeFirstOrThrow()
  return {
    due: Number(row.due ?? 0),
    scheduled: Number(row.scheduled ?? 0),
    running: Number(row.running ?? 0),
    dead: Number(row.dead ?? 0),
  }
}
