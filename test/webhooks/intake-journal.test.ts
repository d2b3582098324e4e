import assert from 'node:assert/strict'
import fs from 'node:fs'
import { after, before, describe, test } from 'node:test'
import { openSqlite } from '../../src/db/sqlite-driver.ts'
import {
  journalSegments,
  openIntakeJournal,
  readSegment,
  recoverIntakeJournal,
  segmentBytes,
} from '../../src/webhooks/intake-journal.ts'
import { packIntakeBatch } from '../../src/webhooks/sqlite-intake.ts'
import { createTestDb, type TestDb, testDbKind } from '../helpers/db.ts'

// The intake journal (decision 0129): on SQLite a webhook is answered once its batch is appended
// here; what the webhook thread had not committed when the process died is committed at the next
// start, exactly once.

const batch = (from: number, count: number, size = 40) =>
  packIntakeBatch(
    Array.from({ length: count }, (_, i) => ({
      id: `evt_journal_${from + i}`,
      receivedAt: 1_750_000_000_000 + from + i,
      body: Buffer.from(JSON.stringify({ n: from + i, pad: 'x'.repeat(size) })),
      metaAppRowId: null,
      headers: { 'content-type': 'application/json' },
    })),
  )

describe('webhook intake journal (sqlite)', { skip: testDbKind !== 'sqlite' }, () => {
  let db: TestDb
  before(async () => {
    db = await createTestDb()
  })
  after(async () => {
    await db.drop()
  })

  test('a previous run’s journal is committed at start: a torn last record ends it, stored events are skipped, each new event is in one processing job', async () => {
    const journal = openIntakeJournal(db.location)
    const a = batch(0, 3)
    const b = batch(3, 2)
    journal.append(a.rows, a.bodies)
    journal.append(b.rows, b.bodies)
    journal.close()
    const [segment] = journalSegments(db.location)
    assert.ok(segment, 'the appends made a segment beside the database')
    assert.equal(fs.statSync(segment.file).mode & 0o777, 0o600, 'the journal holds raw webhooks: owner only')
    // An OS crash in the middle of a third append: a header and half its bytes reached the file.
    const torn = batch(5, 1)
    const header = Buffer.alloc(12)
    header.writeUInt32LE(Buffer.byteLength(torn.rows), 0)
    header.writeUInt32LE(torn.bodies.byteLength, 4)
    fs.appendFileSync(segment.file, Buffer.concat([header, Buffer.from(torn.rows).subarray(0, 10)]))
    // One of the five had been committed before the process died.
    const raw = openSqlite(db.location).raw
    try {
      raw
        .prepare(
          `insert into webhook_events (id, received_at, body, signature_ok, headers, meta_app_id, outcome, attempts)
           values ('evt_journal_1', 1, x'7b7d', 1, '{}', null, 'processed', 0)`,
        )
        .run()
      await db.db.deleteFrom('jobs').execute()
      const recovered = recoverIntakeJournal(raw, db.location, segment.n)
      assert.deepEqual(recovered, { segments: 1, batches: 2, events: 4 })
    } finally {
      raw.close()
    }
    const rows = await db.db
      .selectFrom('webhook_events')
      .select(['id', 'body', 'outcome'])
      .where('id', 'like', 'evt_journal_%')
      .orderBy('id')
      .execute()
    assert.deepEqual(
      rows.map((r) => [r.id, r.outcome]),
      [
        ['evt_journal_0', 'pending'],
        ['evt_journal_1', 'processed'],
        ['evt_journal_2', 'pending'],
        ['evt_journal_3', 'pending'],
        ['evt_journal_4', 'pending'],
      ],
      'the committed event is left as it was; the torn one was never answered and is not stored',
    )
    assert.match(Buffer.from(rows[4].body).toString(), /"n":4/, 'each body is its own bytes')
    const jobs = await db.db
      .selectFrom('jobs')
      .select('payload')
      .where('kind', '=', 'webhook.process')
      .execute()
    assert.deepEqual(
      jobs.flatMap((j) => (JSON.parse(j.payload) as { eventIds: string[] }).eventIds).sort(),
      ['evt_journal_0', 'evt_journal_2', 'evt_journal_3', 'evt_journal_4'],
      'every recovered event is queued for processing once; the stored one is not queued again',
    )
    assert.deepEqual(journalSegments(db.location), [], 'recovered segments are deleted')
  })

  test('a restarted webhook thread recovers only the previous run’s segments, never the one this run appends to', () => {
    const old = openIntakeJournal(db.location)
    const a = batch(100, 1)
    old.append(a.rows, a.bodies)
    old.close()
    // The processor starts: what exists now is the previous run's; its thread recovers it.
    const upTo = journalSegments(db.location).at(-1)?.n ?? 0
    const raw = openSqlite(db.location).raw
    try {
      assert.equal(recoverIntakeJournal(raw, db.location, upTo).events, 1)
      assert.deepEqual(journalSegments(db.location), [], 'the previous run’s segment is gone')
      const current = openIntakeJournal(db.location, upTo)
      const b = batch(101, 1)
      current.append(b.rows, b.bodies)
      // The thread dies and the next one recovers again, with the same bound.
      assert.equal(recoverIntakeJournal(raw, db.location, upTo).segments, 0)
      const left = journalSegments(db.location)
      assert.equal(left.length, 1, 'this run’s segment is still there')
      assert.ok(left[0].n > upTo, 'numbered after the previous run’s, though those are deleted')
      assert.deepEqual(
        readSegment(left[0].file).map((x) => x.rows),
        [b.rows],
        'and still holds its uncommitted batch',
      )
      current.close()
      for (const s of left) fs.rmSync(s.file)
    } finally {
      raw.close()
    }
  })

  test('a full segment is deleted once its batches are committed; one with an uncommitted batch stays for the next start', () => {
    const journal = openIntakeJournal(db.location)
    const big = batch(200, 1, segmentBytes)
    const first = journal.append(big.rows, big.bodies)
    const small = batch(201, 1)
    const second = journal.append(small.rows, small.bodies)
    const segments = journalSegments(db.location)
    assert.equal(segments.length, 2, `an append after ${segmentBytes} bytes starts a new segment`)
    journal.committed(second)
    assert.equal(journalSegments(db.location).length, 2, 'the current segment is kept for the next appends')
    journal.committed(first)
    assert.deepEqual(
      journalSegments(db.location).map((s) => s.n),
      [segments[1].n],
      'the full one goes once nothing in it waits',
    )
    const third = batch(202, 1)
    journal.append(third.rows, third.bodies)
    journal.close()
    assert.deepEqual(
      readSegment(segments[1].file).map((x) => x.rows),
      [small.rows, third.rows],
      'an uncommitted batch outlives close()',
    )
    fs.rmSync(segments[1].file)
  })
})
