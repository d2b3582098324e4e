import assert from 'node:assert/strict'
import { DatabaseSync } from 'node:sqlite'
import { after, before, beforeEach, describe, test } from 'node:test'
import { claimJobs, failJob } from '../../src/jobs/jobs-repo.ts'
import { coalescedJobEvents, createIntakeCommit, packIntakeBatch } from '../../src/webhooks/sqlite-intake.ts'
import { createTestDb, type TestDb, testDbKind } from '../helpers/db.ts'

// Decision 0126: on SQLite an intake batch joins the processing job of the batch before it while
// no worker has claimed that job (processing is behind), so a backlog is a few large jobs rather
// than one small job per batch — and never delays or reorders an event.

describe('SQLite intake: batches join the job processing has not claimed yet', {
  skip: testDbKind !== 'sqlite',
}, () => {
  let db: TestDb
  let raw: DatabaseSync
  let intake: ReturnType<typeof createIntakeCommit>
  let n = 0
  before(async () => {
    db = await createTestDb()
    raw = new DatabaseSync(db.location)
  })
  after(async () => {
    raw.close()
    await db.drop()
  })
  beforeEach(async () => {
    await db.db.deleteFrom('jobs').execute()
    intake = createIntakeCommit(raw)
  })

  /** Commits a batch of `size` events through the thread's path; returns their ids. */
  const commit = (size: number): string[] => {
    const batch = Array.from({ length: size }, () => ({
      id: `evt_coalesce_${++n}`,
      receivedAt: Date.now(),
      body: Buffer.from(`{"n":${n}}`),
      metaAppRowId: null,
      headers: {},
    }))
    const { rows, bodies } = packIntakeBatch(batch)
    intake.commit(rows, bodies)
    return batch.map((e) => e.id)
  }
  const jobs = async () =>
    (
      await db.db
        .selectFrom('jobs')
        .select(['id', 'payload'])
        .where('kind', '=', 'webhook.process')
        .orderBy('id')
        .execute()
    ).map((j) => ({ id: j.id, eventIds: (JSON.parse(j.payload) as { eventIds: string[] }).eventIds }))
  const claim = (workerId: string) =>
    claimJobs(db.db, db.caps, { kinds: ['webhook.process'], workerId, limit: 1, lockTimeoutMs: 30_000 })

  test('batches committed while their job waits share it, their events in arrival order', async () => {
    const ids = [...commit(3), ...commit(1), ...commit(5)]
    const found = await jobs()
    assert.equal(
      found.length,
      1,
      `three batches behind an unclaimed job made ${found.length} jobs; they should share one`,
    )
    assert.deepEqual(found[0].eventIds, ids, 'the job lists every event once, in the order they arrived')
    const events = await db.db.selectFrom('webhook_events').select('id').where('id', 'in', ids).execute()
    assert.equal(events.length, ids.length, 'every event of every batch is stored')
  })

  test('a batch never joins a job a worker has claimed: it gets a job of its own', async () => {
    const first = commit(2)
    const [claimed] = await claim('w_busy')
    assert.deepEqual((claimed?.payload as { eventIds: string[] } | undefined)?.eventIds, first)
    const second = commit(2)
    const found = await jobs()
    assert.deepEqual(
      found.map((j) => j.eventIds),
      [first, second],
      'the claimed job keeps the events it was claimed with; the new batch is a second job',
    )
  })

  test('a batch never joins a job waiting for a retry (it would wait out the back-off)', async () => {
    const first = commit(1)
    const [claimed] = await claim('w_fails')
    assert.ok(claimed, 'the job is claimed')
    await failJob(db.db, claimed.id, 'w_fails', { error: 'boom', retryAt: Date.now() + 60_000 })
    const second = commit(1)
    assert.deepEqual(
      (await jobs()).map((j) => j.eventIds),
      [first, second],
      'the fresh event is in a job of its own that runs now',
    )
  })

  test(`a job gathers at most ${coalescedJobEvents} events; the next batch starts another`, async () => {
    const size = coalescedJobEvents / 5
    const all: string[] = []
    for (let i = 0; i < 11; i++) all.push(...commit(size))
    const found = await jobs()
    for (const j of found)
      assert.ok(
        j.eventIds.length <= coalescedJobEvents,
        `a job holds ${j.eventIds.length} events, more than ${coalescedJobEvents}`,
      )
    assert.deepEqual(
      found.map((j) => j.eventIds.length),
      [coalescedJobEvents, coalescedJobEvents, size],
      `${11 * size} events in batches of ${size}: two full jobs and one with the last batch`,
    )
    assert.deepEqual(
      found.flatMap((j) => j.eventIds),
      all,
      'every event is in exactly one job, in arrival order',
    )
  })

  test('with a linger, a new job is due that long after its first batch, and later batches join it meanwhile', async () => {
    const lingerMs = 60_000
    const due: number[] = []
    intake = createIntakeCommit(raw, { lingerMs, onJobQueued: (dueAt) => due.push(dueAt) })
    const before = Date.now()
    const ids = [...commit(2), ...commit(3)]
    assert.equal(due.length, 1, `two batches in one job should report one new job, reported ${due.length}`)
    assert.ok(
      due[0] >= before + lingerMs && due[0] <= Date.now() + lingerMs,
      `the job should be due ${lingerMs} ms after its first batch, is due at ${due[0] - before} ms`,
    )
    const [row] = await db.db
      .selectFrom('jobs')
      .select(['run_at', 'payload'])
      .where('kind', '=', 'webhook.process')
      .execute()
    assert.equal(Number(row.run_at), due[0], 'the reported due time is the run_at of the job row')
    assert.deepEqual(
      (JSON.parse(row.payload) as { eventIds: string[] }).eventIds,
      ids,
      'the second batch joined the lingering job',
    )
    assert.deepEqual(await claim('w_early'), [], 'no worker claims the job before it is due')
  })

  test('batches handed over together beyond what a job holds become jobs of at most 50, in order', async () => {
    commit(1)
    const big = commit(coalescedJobEvents + 10)
    const found = await jobs()
    assert.equal(found.length, 3, 'the first job, then the big batch in two')
    assert.deepEqual(found[1].eventIds, big.slice(0, coalescedJobEvents))
    assert.deepEqual(found[2].eventIds, big.slice(coalescedJobEvents))
  })
})
