import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { after, before, describe, test } from 'node:test'
import { sql } from 'kysely'
import { checkpointCells, startCheckpoints } from '../../src/db/sqlite-checkpointer.ts'
import { metricsAuth } from '../helpers/config.ts'
import { testDbKind } from '../helpers/db.ts'
import { type Harness, startHarness } from '../helpers/harness.ts'
import { waitFor } from '../helpers/wait.ts'

// On SQLite the WAL is copied back into the database file on a timer (decision 0107) that runs on
// the webhook thread between its transactions (decision 0117), not inside the commits of the
// threads that answer Meta, send and process webhooks.

describe('SQLite checkpoints on a timer', { skip: testDbKind !== 'sqlite' && 'SQLite only' }, () => {
  let h: Harness
  before(async () => {
    // With its workers: the webhook thread, which runs the checkpoints, starts with processing.
    h = await startHarness()
  })
  after(async () => {
    await h?.close()
  })

  test('a running Wahub’s commits leave the WAL to the checkpoints, which keep it copied into the file', async () => {
    const checkpointer = h.wahub.checkpoints
    assert.ok(checkpointer, 'Wahub on SQLite checkpoints the WAL on a timer')
    const setting = await sql<{ wal_autocheckpoint: number }>`pragma wal_autocheckpoint`.execute(h.db.db)
    assert.equal(
      setting.rows[0]?.wal_autocheckpoint,
      10_000,
      'the main connection checkpoints only as a fallback, past 10,000 pages of WAL',
    )
    // ~8 MB of writes: eight times SQLite's default checkpoint threshold of 1,000 pages.
    await sql`create table checkpoint_probe (body text not null)`.execute(h.db.db)
    const body = 'x'.repeat(4000)
    for (let i = 0; i < 40; i++)
      await h.db.db.transaction().execute(async (trx) => {
        for (let j = 0; j < 50; j++)
          await sql`insert into checkpoint_probe (body) values (${body})`.execute(trx)
      })
    // A run already under way may have read the WAL before the last commit: wait for the one after.
    const before = checkpointer.progress().runs + 1
    const copied = await waitFor('the checkpoints to copy the whole WAL into the database file', () => {
      const p = checkpointer.progress()
      return p.runs > before && p.checkpointedPages === p.walPages ? p : undefined
    })
    assert.ok(
      copied.walPages < 10_000,
      `the WAL held ${copied.walPages} pages: the fallback threshold was reached`,
    )
    assert.ok(fs.statSync(h.db.location).size > 8_000_000, 'the rows are in the database file itself')

    const metrics = await fetch(`${h.url}/metrics`, { headers: metricsAuth })
    const text = await metrics.text()
    assert.match(text, /wahub_sqlite_wal_pages\{state="pending"\} \d+/, 'the WAL gauge is on /metrics')
  })

  test('a checkpoint due inside an open transaction runs once it ends, and the connection keeps working', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wahub-checkpoint-'))
    const db = new DatabaseSync(path.join(dir, 'wahub.db'))
    const cells = checkpointCells()
    // A timer that never fires here: each run is asked for with run().
    const checkpoints = startCheckpoints(db, cells.shared, 3_600_000)
    try {
      db.exec('pragma journal_mode = wal')
      db.exec('create table probe (body text not null)')
      db.exec('begin immediate')
      db.prepare('insert into probe (body) values (?)').run('x'.repeat(4000))
      // SQLite refuses a checkpoint here ("database table is locked"): it must wait, not throw.
      checkpoints.run()
      assert.equal(cells.progress().runs, 0, 'no checkpoint ran inside the open transaction')
      db.exec('commit')
      await waitFor('the waiting checkpoint to run after the commit', () => {
        const p = cells.progress()
        return p.runs === 1 && p.walPages > 0 && p.checkpointedPages === p.walPages ? p : undefined
      })
      const count = db.prepare('select count(*) as n from probe').get() as { n: number }
      assert.equal(count.n, 1, 'the committed row is there')
    } finally {
      checkpoints.stop()
      db.close()
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })
})
