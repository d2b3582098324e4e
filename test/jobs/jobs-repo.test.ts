import assert from 'node:assert/strict'
import { after, before, beforeEach, describe, test } from 'node:test'
import {
  claimJobs,
  completeJob,
  countJobs,
  enqueueJob,
  failJob,
  releaseJob,
  releaseJobs,
  scheduleRecurringJob,
} from '../../src/jobs/jobs-repo.ts'
import { createTestDb, type TestDb, testDbKind } from '../helpers/db.ts'

const claim = (db: TestDb, workerId: string, limit = 10, now?: number) =>
  claimJobs(db.db, db.caps, { kinds: ['system.noop'], workerId, limit, lockTimeoutMs: 60_000, now })

describe(`jobs table (${testDbKind})`, () => {
  let db: TestDb
  before(async () => {
    db = await createTestDb()
  })
  after(async () => {
    await db.drop()
  })
  beforeEach(async () => {
    await db.db.deleteFrom('jobs').execute()
  })

  test('a job enqueued in a transaction that rolls back does not exist', async () => {
    await assert.rejects(
      db.db.transaction().execute(async (trx) => {
        await enqueueJob(trx, 'system.noop', { note: 'rolled back' })
        throw new Error('abort the transaction')
      }),
      /abort the transaction/,
    )
    const counts = await countJobs(db.db)
    assert.equal(counts.due, 0, 'the rolled-back job must not be in the table')
  })

  test('a job enqueued in a committed transaction is claimed with its payload', async () => {
    await db.db.transaction().execute((trx) => enqueueJob(trx, 'system.noop', { note: 'committed' }))
    const [job] = await claim(db, 'w1')
    assert.ok(job, 'the committed job should be claimable')
    assert.deepEqual(job.payload, { note: 'committed' })
    assert.equal(job.attempts, 1, 'claiming counts an attempt')
  })

  test('a claimed job is not claimed again until released, and complete removes it', async () => {
    const id = await enqueueJob(db.db, 'system.noop', {})
    assert.equal((await claim(db, 'w1')).length, 1)
    assert.equal((await claim(db, 'w2')).length, 0, 'a locked job must not be handed to a second worker')
    assert.equal(
      await completeJob(db.db, id, 'w2'),
      false,
      'a worker that does not hold the lock cannot complete',
    )
    assert.equal(await completeJob(db.db, id, 'w1'), true)
    assert.deepEqual(await countJobs(db.db), { due: 0, scheduled: 0, running: 0, dead: 0 })
  })

  test('a job scheduled in the future waits until its run_at', async () => {
    const now = Date.now()
    await enqueueJob(db.db, 'system.noop', {}, { runAt: now + 60_000 })
    assert.equal((await claim(db, 'w1', 10, now)).length, 0, 'not due yet')
    assert.equal((await claim(db, 'w1', 10, now + 61_000)).length, 1, 'due after run_at')
  })

  test('a failed attempt with retryAt runs again later; without it the job is dead and kept', async () => {
    const now = Date.now()
    const id = await enqueueJob(db.db, 'system.noop', {})
    await claim(db, 'w1')
    await failJob(db.db, id, 'w1', { error: 'boom', retryAt: now + 5_000 })
    assert.equal((await claim(db, 'w1', 10, now)).length, 0)
    const [again] = await claim(db, 'w1', 10, now + 6_000)
    assert.equal(again?.attempts, 2, 'the retry is the second attempt')
    await failJob(db.db, id, 'w1', { error: 'boom again' })
    assert.equal((await claim(db, 'w1', 10, now + 3_600_000)).length, 0, 'a dead job is never claimed')
    const row = await db.db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirstOrThrow()
    assert.equal(row.last_error, 'boom again')
    assert.ok(row.failed_at, 'a dead job keeps its failure time for inspection')
  })

  test('releasing a job does not count the attempt', async () => {
    const id = await enqueueJob(db.db, 'system.noop', {})
    await claim(db, 'w1')
    await releaseJob(db.db, id, 'w1')
    const [job] = await claim(db, 'w1')
    assert.equal(job?.attempts, 1, 'a release (rate limit, shutdown) is not a failed attempt')
  })

  test('lanes under a skipped prefix are left for other claimers, taken literally (no LIKE wildcards)', async () => {
    // A send worker that holds a number's horizon skips `send:<number>:` (decision 0111).
    await enqueueJob(db.db, 'system.noop', { note: 'slow' }, { lane: 'send:pn_1:34600' })
    await enqueueJob(db.db, 'system.noop', { note: 'wildcard-lookalike' }, { lane: 'send:pnX1:34600' })
    await enqueueJob(db.db, 'system.noop', { note: 'other' }, { lane: 'send:pn_2:34600' })
    await enqueueJob(db.db, 'system.noop', { note: 'laneless' })
    const mine = await claimJobs(db.db, db.caps, {
      kinds: ['system.noop'],
      workerId: 'w1',
      limit: 10,
      lockTimeoutMs: 60_000,
      skipLanePrefixes: ['send:pn_1:'],
    })
    assert.deepEqual(
      mine.map((j) => (j.payload as { note?: string }).note).sort(),
      ['laneless', 'other', 'wildcard-lookalike'],
      "only the skipped number's lanes are left ('_' is not a wildcard)",
    )
    const theirs = await claim(db, 'w2')
    assert.deepEqual(
      theirs.map((j) => (j.payload as { note?: string }).note),
      ['slow'],
      'another claimer takes what was skipped',
    )
    assert.equal(
      await releaseJobs(
        db.db,
        [...mine, ...theirs].map((j) => j.id),
        'w1',
      ),
      3,
      'w1 releases its own only',
    )
    const again = await claim(db, 'w3')
    assert.equal(again.length, 3, 'released jobs are due at once')
    assert.ok(
      again.every((j) => j.attempts === 1),
      'a release does not count the attempt',
    )
  })

  test('a lock older than the lock timeout is reclaimed (its worker died)', async () => {
    await enqueueJob(db.db, 'system.noop', {})
    // The clock is read after the job is queued: it is due from the moment it was queued, and a
    // claim dated earlier (a busy machine crossing a millisecond) would not see it.
    const now = Date.now()
    const taken = await claimJobs(db.db, db.caps, {
      kinds: ['system.noop'],
      workerId: 'dead',
      limit: 1,
      lockTimeoutMs: 1000,
      now,
    })
    assert.equal(taken.length, 1, 'the worker that will die claims the job')
    const early = await claimJobs(db.db, db.caps, {
      kinds: ['system.noop'],
      workerId: 'w2',
      limit: 1,
      lockTimeoutMs: 1000,
      now: now + 500,
    })
    assert.equal(early.length, 0, 'a fresh lock is respected')
    const late = await claimJobs(db.db, db.caps, {
      kinds: ['system.noop'],
      workerId: 'w2',
      limit: 1,
      lockTimeoutMs: 1000,
      now: now + 1500,
    })
    assert.equal(late.length, 1, 'a stale lock is taken over')
    assert.equal(late[0].attempts, 2)
  })

  test('jobs of one lane run one at a time, in order; other lanes are not blocked', async () => {
    const a1 = await enqueueJob(db.db, 'system.noop', { note: 'a1' }, { lane: 'a' })
    await enqueueJob(db.db, 'system.noop', { note: 'a2' }, { lane: 'a' })
    await enqueueJob(db.db, 'system.noop', { note: 'b1' }, { lane: 'b' })
    const first = await claim(db, 'w1')
    assert.deepEqual(
      first.map((j) => (j.payload as { note?: string }).note),
      ['a1', 'b1'],
      'only the head of each lane is claimable',
    )
    assert.equal((await claim(db, 'w1')).length, 0, 'a2 waits while a1 is unfinished')
    await completeJob(db.db, a1, 'w1')
    const next = await claim(db, 'w1')
    assert.deepEqual(
      next.map((j) => (j.payload as { note?: string }).note),
      ['a2'],
    )
  })

  test('a dead job no longer blocks its lane', async () => {
    const a1 = await enqueueJob(db.db, 'system.noop', { note: 'a1' }, { lane: 'a' })
    await enqueueJob(db.db, 'system.noop', { note: 'a2' }, { lane: 'a' })
    await claim(db, 'w1')
    await failJob(db.db, a1, 'w1', { error: 'permanent' })
    const next = await claim(db, 'w1')
    assert.deepEqual(
      next.map((j) => (j.payload as { note?: string }).note),
      ['a2'],
    )
  })

  test('two workers on separate connections claiming at once get disjoint jobs', async () => {
    const total = 200
    for (let i = 0; i < total; i++) await enqueueJob(db.db, 'system.noop', { note: String(i) })
    const other = testDbKind === 'postgres' ? await db.connectAgain() : db
    try {
      const seen = new Map<number, string>()
      const worker = async (handle: typeof db | typeof other, name: string) => {
        for (;;) {
          const jobs = await claimJobs(handle.db, handle.caps, {
            kinds: ['system.noop'],
            workerId: name,
            limit: 7,
            lockTimeoutMs: 60_000,
          })
          if (jobs.length === 0) return
          for (const job of jobs) {
            assert.ok(!seen.has(job.id), `job ${job.id} was claimed by ${seen.get(job.id)} and ${name}`)
            seen.set(job.id, name)
          }
        }
      }
      await Promise.all([worker(db, 'w1'), worker(other, 'w2'), worker(db, 'w3'), worker(other, 'w4')])
      assert.equal(seen.size, total, 'every job is claimed exactly once')
    } finally {
      if (other !== db) await other.close()
    }
  })
  test('a recurring job keeps one row: start adds none when one waits; two due runs converge to one next run', async () => {
    const recurring = () =>
      db.db.selectFrom('jobs').select(['id', 'run_at']).where('kind', '=', 'quality.watch').execute()
    const now = Date.now()
    assert.equal(await scheduleRecurringJob(db.db, 'quality.watch', now + 60_000), true)
    assert.equal(
      await scheduleRecurringJob(db.db, 'quality.watch', now + 60_000),
      false,
      'a second start adds none',
    )
    // An on-demand run (a payload) is not the schedule.
    await enqueueJob(db.db, 'numbers.refresh', { wabaId: 'waba_1' })
    assert.equal(await scheduleRecurringJob(db.db, 'numbers.refresh', now + 60_000), true)

    // Two instances started together left two rows, both due: the first run schedules the next,
    // the second sees that later run and adds none.
    await db.db.deleteFrom('jobs').execute()
    const a = await enqueueJob(db.db, 'quality.watch', {}, { runAt: now - 1 })
    const b = await enqueueJob(db.db, 'quality.watch', {}, { runAt: now - 1 })
    assert.equal(
      await scheduleRecurringJob(db.db, 'quality.watch', now + 3_600_000, { exceptJobId: a }),
      true,
    )
    await db.db.deleteFrom('jobs').where('id', '=', a).execute()
    assert.equal(
      await scheduleRecurringJob(db.db, 'quality.watch', now + 3_600_000, { exceptJobId: b }),
      false,
    )
    await db.db.deleteFrom('jobs').where('id', '=', b).execute()
    const left = await recurring()
    assert.equal(left.length, 1, 'one next run')
    assert.equal(Number(left[0].run_at), now + 3_600_000)
  })
})
