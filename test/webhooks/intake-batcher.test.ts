import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { createLogger } from '../../src/log.ts'
import { createIntakeBatcher } from '../../src/webhooks/intake-batcher.ts'
import { createSqliteIntakeWriter } from '../../src/webhooks/processor.ts'
import { createTestDb, type TestDb, testDbKind } from '../helpers/db.ts'

const log = createLogger('silent')

describe(`webhook intake group commit (${testDbKind})`, () => {
  let db: TestDb
  before(async () => {
    db = await createTestDb()
  })
  after(async () => {
    await db.drop()
  })

  const event = (i: number) => ({ body: Buffer.from(`{"n":${i}}`), metaAppRowId: null, headers: {} })

  test('events stored together share one transaction and one processing job, and each is committed when its promise resolves', async () => {
    await db.db.deleteFrom('jobs').execute()
    const committed: string[][] = []
    const intake = createIntakeBatcher(db.db, { onCommitted: (ids) => committed.push(ids) })
    const ids = await Promise.all(Array.from({ length: 50 }, (_, i) => intake.store(event(i))))
    const rows = await db.db.selectFrom('webhook_events').select('id').where('id', 'in', ids).execute()
    assert.equal(rows.length, 50, 'every resolved event is in the database')
    const jobs = await db.db
      .selectFrom('jobs')
      .select('payload')
      .where('kind', '=', 'webhook.process')
      .execute()
    const batched = jobs.map((j) => (JSON.parse(j.payload) as { eventIds: string[] }).eventIds)
    assert.ok(jobs.length < 50, `50 concurrent events made ${jobs.length} jobs; they should share`)
    assert.deepEqual(batched.flat().sort(), [...ids].sort(), 'every event is in exactly one job')
    assert.deepEqual(committed.flat().sort(), [...ids].sort())
  })

  test('a failed commit rejects every event of its batch (Meta gets an error and delivers again)', async () => {
    const broken = await createTestDb()
    await broken.close()
    const intake = createIntakeBatcher(broken.db)
    await assert.rejects(intake.store(event(1)))
    await broken.drop()
  })

  test('on SQLite the writer thread stores the same rows and job as the main-connection path, and commits before resolving', {
    skip: testDbKind !== 'sqlite',
  }, async () => {
    await db.db.deleteFrom('jobs').execute()
    const writer = createSqliteIntakeWriter(db.location, log)
    const viaThread = createIntakeBatcher(db.db, { writer, concurrency: 2 })
    const viaMain = createIntakeBatcher(db.db)
    const signed = (i: number) => ({
      body: Buffer.from(`{"object":"whatsapp_business_account","n":${i}}`),
      metaAppRowId: null,
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': `sha256=${'ab'.repeat(32)}` },
    })
    try {
      const threadIds = await Promise.all(Array.from({ length: 30 }, (_, i) => viaThread.store(signed(i))))
      const mainId = await viaMain.store(signed(99))
      const columns = ['body', 'signature_ok', 'headers', 'meta_app_id', 'outcome', 'attempts'] as const
      const rows = await db.db
        .selectFrom('webhook_events')
        .select(['id', ...columns])
        .where('id', 'in', [...threadIds, mainId])
        .execute()
      assert.equal(rows.length, 31, 'every event the writer thread acknowledged is in the database')
      const byId = new Map(rows.map((r) => [r.id, r]))
      const reference = byId.get(mainId)
      for (const [i, id] of threadIds.entries()) {
        const row = byId.get(id)
        assert.equal(
          Buffer.from(row?.body ?? []).toString(),
          signed(i).body.toString(),
          `event ${i} keeps its exact bytes`,
        )
        for (const column of columns.slice(1))
          assert.deepEqual(
            row?.[column],
            reference?.[column],
            `${column} is written as the main path writes it`,
          )
      }
      const jobs = await db.db
        .selectFrom('jobs')
        .select(['payload', 'max_attempts'])
        .where('kind', '=', 'webhook.process')
        .execute()
      const batched = jobs.flatMap((j) => (JSON.parse(j.payload) as { eventIds: string[] }).eventIds)
      assert.deepEqual(
        batched.sort(),
        [...threadIds, mainId].sort(),
        'every event is in exactly one processing job',
      )
      assert.ok(
        jobs.every((j) => j.max_attempts === 10),
        'thread jobs retry like main-path jobs',
      )
    } finally {
      await viaThread.close()
    }
  })

  test('on SQLite a writer thread that cannot commit rejects the batch (Meta delivers again) and the intake keeps working', {
    skip: testDbKind !== 'sqlite',
  }, async () => {
    const other = await createTestDb({ migrate: false })
    // No tables: every insert fails inside the thread.
    const writer = createSqliteIntakeWriter(other.location, log)
    const intake = createIntakeBatcher(other.db, { writer })
    try {
      await assert.rejects(intake.store(event(1)), /webhook intake writer failed: no such table/)
      await assert.rejects(
        intake.store(event(2)),
        /no such table/,
        'the next batch starts a new writer thread',
      )
    } finally {
      await intake.close()
      await other.drop()
    }
  })
})
