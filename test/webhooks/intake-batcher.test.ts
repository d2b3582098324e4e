import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { migrateToLatest } from '../../src/db/migrate.ts'
import { createLogger } from '../../src/log.ts'
import { createIntakeBatcher } from '../../src/webhooks/intake-batcher.ts'
import { journalSegments, readSegment } from '../../src/webhooks/intake-journal.ts'
import { createSqliteIntakeWriter } from '../../src/webhooks/processor.ts'
import { createTestDb, type TestDb, testDbKind } from '../helpers/db.ts'
import { waitFor } from '../helpers/wait.ts'

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

  /** The ids of the events the intake journal of `file` holds (decision 0129). */
  const journaledIds = (file: string) =>
    journalSegments(file).flatMap((s) =>
      readSegment(s.file).flatMap((b) => (JSON.parse(b.rows) as { id: string }[]).map((r) => r.id)),
    )

  test('on SQLite each batch is in the intake journal when its events resolve, and the writer thread then stores the same rows and job as the main-connection path', {
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
      const inJournal = new Set(journaledIds(db.location))
      assert.deepEqual(
        threadIds.filter((id) => !inJournal.has(id)),
        [],
        'an event is answered only once the intake journal holds it (it survives kill -9 from then on)',
      )
      const mainId = await viaMain.store(signed(99))
      const columns = ['body', 'signature_ok', 'headers', 'meta_app_id', 'outcome', 'attempts'] as const
      const rows = await waitFor('the writer thread to commit the 30 journaled events', async () => {
        const found = await db.db
          .selectFrom('webhook_events')
          .select(['id', ...columns])
          .where('id', 'in', [...threadIds, mainId])
          .execute()
        return found.length === 31 ? found : undefined
      })
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

  test('on SQLite an answered batch the writer thread cannot commit stays in the journal and is committed once the database can take it; past the bound of waiting events the intake refuses', {
    skip: testDbKind !== 'sqlite',
  }, async () => {
    const other = await createTestDb({ migrate: false })
    // No tables: every writer thread fails at its start, and another is started after a pause.
    const lines: string[] = []
    const writer = createSqliteIntakeWriter(
      other.location,
      createLogger('info', { write: (line: string) => void lines.push(line) }),
      { maxUncommittedEvents: 2 },
    )
    const intake = createIntakeBatcher(other.db, { writer })
    try {
      const first = await intake.store(event(1))
      const second = await intake.store(event(2))
      await waitFor('the writer thread to fail on the missing table', () =>
        lines.some((l) => l.includes('no such table')),
      )
      assert.deepEqual(journaledIds(other.location), [first, second], 'both answered events are kept')
      await assert.rejects(
        intake.store(event(3)),
        /2 answered events are waiting for the webhook thread to commit them/,
        'a third is refused (Meta delivers it again) instead of held in memory without end',
      )
      await migrateToLatest(other)
      const rows = await waitFor('a later writer thread to commit the journaled events', async () => {
        const found = await other.db.selectFrom('webhook_events').select('id').execute()
        return found.length === 2 ? found : undefined
      })
      assert.deepEqual(rows.map((r) => r.id).sort(), [first, second].sort())
      const fourth = await intake.store(event(4))
      await waitFor('the intake to take events again once they are committed', async () => {
        const found = await other.db
          .selectFrom('webhook_events')
          .select('id')
          .where('id', '=', fourth)
          .execute()
        return found.length === 1
      })
    } finally {
      await intake.close()
      await other.drop()
    }
  })
})
