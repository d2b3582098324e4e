import assert from 'node:assert/strict'
import { after, before, beforeEach, describe, test } from 'node:test'
import { claimJobs } from '../../src/jobs/jobs-repo.ts'
import { createIntakeBatcher, createJoiningIntakeWriter } from '../../src/webhooks/intake-batcher.ts'
import { coalescedJobEvents } from '../../src/webhooks/sqlite-intake.ts'
import { createTestDb, type TestDb, testDbKind } from '../helpers/db.ts'

// Decisions 0126 and 0131 for the intake committed through Kysely (PostgreSQL's): a batch joins the
// job of the batch before while no worker has claimed it, and a new job is due `lingerMs` after
// its first batch — without ever losing, duplicating or reordering an event of a batch, whatever
// commits run at once.

describe(`intake through Kysely: batches join the job nobody claimed yet (${testDbKind})`, () => {
  let db: TestDb
  let n = 0
  before(async () => {
    db = await createTestDb()
  })
  after(async () => {
    await db.drop()
  })
  beforeEach(async () => {
    await db.db.deleteFrom('jobs').execute()
  })

  const batch = (size: number) =>
    Array.from({ length: size }, () => ({
      id: `evt_join_${testDbKind}_${++n}`,
      receivedAt: Date.now(),
      body: Buffer.from(`{"n":${n}}`),
      metaAppRowId: null,
      headers: {},
    }))
  const jobs = async () =>
    (
      await db.db
        .selectFrom('jobs')
        .select(['id', 'payload', 'run_at'])
        .where('kind', '=', 'webhook.process')
        .orderBy('id')
        .execute()
    ).map((j) => ({
      id: j.id,
      runAt: Number(j.run_at),
      eventIds: (JSON.parse(j.payload) as { eventIds: string[] }).eventIds,
    }))
  const claim = (workerId: string) =>
    claimJobs(db.db, db.caps, { kinds: ['webhook.process'], workerId, limit: 1, lockTimeoutMs: 30_000 })

  test('batches committed while the job lingers share it in arrival order; it is due lingerMs after the first', async () => {
    const lingerMs = 60_000
    const due: number[] = []
    const writer = createJoiningIntakeWriter(db.db, { lingerMs, onJobQueued: (at) => due.push(at) })
    const before = Date.now()
    const batches = [batch(2), batch(1), batch(4)]
    for (const b of batches) await writer.commit(b)
    const found = await jobs()
    assert.equal(
      found.length,
      1,
      `three batches behind a lingering job made ${found.length} jobs; they should share one`,
    )
    assert.deepEqual(
      found[0].eventIds,
      batches.flat().map((e) => e.id),
      'every event once, in arrival order',
    )
    assert.deepEqual(due, [found[0].runAt], 'one new job reported, with its run_at')
    assert.ok(
      found[0].runAt >= before + lingerMs,
      `the job is due ${found[0].runAt - before} ms after the first batch, not ${lingerMs}`,
    )
    assert.deepEqual(await claim('w_early'), [], 'no worker claims the job before it is due')
  })

  test('a batch never joins a job a worker claimed meanwhile: it gets a job of its own, due after the linger', async () => {
    const writer = createJoiningIntakeWriter(db.db, { lingerMs: 0 })
    const first = batch(2)
    await writer.commit(first)
    const [claimed] = await claim('w_busy')
    assert.deepEqual(
      (claimed?.payload as { eventIds: string[] } | undefined)?.eventIds,
      first.map((e) => e.id),
    )
    const second = batch(3)
    await writer.commit(second)
    assert.deepEqual(
      (await jobs()).map((j) => j.eventIds),
      [first.map((e) => e.id), second.map((e) => e.id)],
      'the claimed job keeps the events it was claimed with; the new batch is a second job',
    )
  })

  test(`commits running at once lose no event and put none in two jobs; a job holds at most ${coalescedJobEvents}`, async () => {
    const writer = createJoiningIntakeWriter(db.db, { lingerMs: 60_000 })
    const first = batch(1)
    await writer.commit(first)
    // Six commits at once after the first: at most one of them may join its job.
    const together = Array.from({ length: 6 }, () => batch(3))
    await Promise.all(together.map((b) => writer.commit(b)))
    // Then the batcher's way: several in flight, each starting as one ends.
    const intake = createIntakeBatcher(db.db, { concurrency: 4, maxBatch: 7, writer })
    const stored = await Promise.all(
      Array.from({ length: 300 }, (_, i) =>
        intake.store({ body: Buffer.from(`{"i":${i}}`), metaAppRowId: null, headers: {} }),
      ),
    )
    const ids = [...first, ...together.flat()].map((e) => e.id).concat(stored)
    const found = await jobs()
    for (const j of found)
      assert.ok(
        j.eventIds.length <= coalescedJobEvents,
        `a job holds ${j.eventIds.length} events, more than ${coalescedJobEvents}`,
      )
    const inJobs = found.flatMap((j) => j.eventIds)
    assert.equal(inJobs.length, new Set(inJobs).size, 'no event is in two jobs')
    assert.deepEqual([...inJobs].sort(), [...ids].sort(), 'every stored event is in exactly one job')
    assert.ok(
      found.length < 300 / 7,
      `${Math.ceil(300 / 7)} batches made ${found.length} jobs; lingering jobs should gather several`,
    )
  })
})
