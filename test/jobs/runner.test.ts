import assert from 'node:assert/strict'
import { after, before, beforeEach, describe, test } from 'node:test'
import { countJobs, enqueueJob } from '../../src/jobs/jobs-repo.ts'
import { backoffMs, createJobRunner } from '../../src/jobs/runner.ts'
import { createLogger } from '../../src/log.ts'
import { createTestDb, type TestDb, testDbKind } from '../helpers/db.ts'
import { waitFor } from '../helpers/wait.ts'

const log = createLogger('silent')

describe(`job runner (${testDbKind})`, () => {
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

  test('runs each enqueued job once and removes it', async () => {
    const seen: string[] = []
    const runner = createJobRunner({
      handle: db,
      log,
      pollMs: 20,
      handlers: {
        'system.noop': async (payload) => {
          seen.push(payload.note ?? '')
          return undefined
        },
      },
    })
    for (let i = 0; i < 30; i++) await enqueueJob(db.db, 'system.noop', { note: String(i) })
    runner.start()
    runner.nudge()
    await waitFor('all 30 jobs to run', () => seen.length >= 30)
    await runner.idle()
    await runner.stop()
    assert.equal(seen.length, 30, 'no job runs twice')
    assert.deepEqual((await countJobs(db.db)).due, 0)
  })

  test('a handler that throws is retried later, then kept as dead after max attempts', async () => {
    let calls = 0
    const runner = createJobRunner({
      handle: db,
      log,
      pollMs: 10,
      handlers: {
        'system.noop': async () => {
          calls++
          throw new Error('handler exploded')
        },
      },
    })
    const id = await enqueueJob(db.db, 'system.noop', {}, { maxAttempts: 2 })
    runner.start()
    await waitFor('the first attempt', () => calls >= 1)
    const afterFirst = await db.db
      .selectFrom('jobs')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow()
    assert.equal(afterFirst.last_error, 'handler exploded', 'the error is recorded on the job')
    assert.ok(afterFirst.run_at > Date.now() + 200, 'the retry is scheduled with backoff, not at once')
    // Make the retry due now instead of waiting for the backoff.
    await db.db.updateTable('jobs').set({ run_at: Date.now() }).where('id', '=', id).execute()
    runner.nudge()
    await waitFor('the job to be dead', async () => (await countJobs(db.db)).dead === 1)
    await runner.stop()
    assert.equal(calls, 2, 'exactly max_attempts attempts')
  })

  test('a handler asking for a rate-limit retry does not use up an attempt', async () => {
    let calls = 0
    const runner = createJobRunner({
      handle: db,
      log,
      pollMs: 10,
      handlers: {
        'system.noop': async () => {
          calls++
          return calls < 3 ? { retry: true, delayMs: 0, countAttempt: false } : undefined
        },
      },
    })
    await enqueueJob(db.db, 'system.noop', {}, { maxAttempts: 1 })
    runner.start()
    await waitFor('three calls', () => calls >= 3)
    await waitFor('the job to be done', async () => (await countJobs(db.db)).due === 0)
    await runner.stop()
    assert.equal((await countJobs(db.db)).dead, 0, 'slowing down is not failing')
  })

  test('stop() waits for running handlers and leaves unfinished jobs in the table', async () => {
    let started = false
    const runner = createJobRunner({
      handle: db,
      log,
      pollMs: 10,
      handlers: {
        'system.noop': async (_payload, { signal }) => {
          started = true
          await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }))
          throw new Error('aborted')
        },
      },
    })
    await enqueueJob(db.db, 'system.noop', {})
    runner.start()
    await waitFor('the handler to start', () => started)
    await runner.stop()
    const row = await db.db.selectFrom('jobs').selectAll().executeTakeFirst()
    assert.ok(row, 'an interrupted job is not lost')
    assert.equal(row.locked_by, null, 'it is released for the next worker')
    assert.equal(row.failed_at, null)
  })

  test('backoff grows exponentially with jitter and is capped', () => {
    assert.ok(backoffMs(1) >= 800 && backoffMs(1) <= 1200)
    assert.ok(backoffMs(5) >= 12_800 && backoffMs(5) <= 19_200)
    assert.ok(backoffMs(40) <= 3_600_000 * 1.2)
  })
})

describe(`job leases (${testDbKind})`, () => {
  let db: TestDb
  before(async () => {
    db = await createTestDb()
  })
  after(async () => {
    await db.drop()
  })

  test('a running job keeps its lease, so a slow handler is not taken over by another worker', async () => {
    let release: () => void = () => {}
    const gate = new Promise<void>((resolve) => {
      release = resolve
    })
    let calls = 0
    const runner = createJobRunner({
      handle: db,
      log,
      pollMs: 10,
      lockTimeoutMs: 300,
      handlers: {
        'system.noop': async () => {
          calls++
          await gate
          return undefined
        },
      },
    })
    await enqueueJob(db.db, 'system.noop', {})
    runner.start()
    await waitFor('the handler to start', () => calls === 1)
    const before =
      (await db.db.selectFrom('jobs').select('locked_at').executeTakeFirstOrThrow()).locked_at ?? 0
    await waitFor('the lease to be renewed', async () => {
      const row = await db.db.selectFrom('jobs').select('locked_at').executeTakeFirst()
      return (row?.locked_at ?? 0) > before
    })
    release()
    await waitFor('the job to finish', async () => (await countJobs(db.db)).running === 0)
    await runner.stop()
    assert.equal(calls, 1)
  })

  test('a runner that owns the database releases locks left by a crashed process at start', async () => {
    await db.db.deleteFrom('jobs').execute()
    const id = await enqueueJob(db.db, 'system.noop', {})
    await db.db
      .updateTable('jobs')
      .set({ locked_by: 'dead-worker', locked_at: Date.now(), attempts: 1 })
      .where('id', '=', id)
      .execute()
    let ran = false
    const runner = createJobRunner({
      handle: db,
      log,
      pollMs: 10,
      releaseLocksOnStart: true,
      handlers: {
        'system.noop': async () => {
          ran = true
          return undefined
        },
      },
    })
    runner.start()
    await waitFor('the interrupted job to run again at once', () => ran)
    await runner.stop()
  })
})
