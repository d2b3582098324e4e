import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { after, before, describe, test } from 'node:test'
import { promisify } from 'node:util'
import { sql } from 'kysely'
import { startSqliteCheckpointer } from '../../src/db/sqlite-checkpointer.ts'
import { metricsAuth } from '../helpers/config.ts'
import { testDbKind } from '../helpers/db.ts'
import { type Harness, startHarness } from '../helpers/harness.ts'
import { captureLog } from '../helpers/log-capture.ts'
import { waitFor } from '../helpers/wait.ts'

// On SQLite the WAL is copied back into the database file by a thread of its own (decisions 0107
// and 0123), not inside the commits of the threads that answer Meta, send and process webhooks,
// nor between the webhook thread's transactions, where its wait for the disk held up the intake.

describe('SQLite checkpoints on their own thread', { skip: testDbKind !== 'sqlite' && 'SQLite only' }, () => {
  let h: Harness
  before(async () => {
    h = await startHarness({ workers: false })
  })
  after(async () => {
    await h?.close()
  })

  test('a running Wahub’s commits leave the WAL to the checkpoint thread, which keeps it copied into the file', async () => {
    const checkpointer = h.wahub.checkpoints
    assert.ok(checkpointer, 'Wahub on SQLite runs a checkpoint thread')
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
    const copied = await waitFor('the checkpoint thread to copy the whole WAL into the database file', () => {
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

  test('a checkpoint thread that fails is started again, with a warning', async () => {
    const { log, lines } = captureLog('warn')
    // A file in a directory that does not exist: the thread cannot open it and ends.
    const missing = path.join(os.tmpdir(), `wahub-missing-${process.pid}`, 'wahub.db')
    const checkpointer = startSqliteCheckpointer(missing, { log })
    try {
      await waitFor('a restart of the failed checkpoint thread', () => checkpointer.restarts >= 1)
      assert.ok(
        lines().some((l) => l.includes('SQLite checkpoint thread stopped; starting it again')),
        'the restart is logged',
      )
    } finally {
      await checkpointer.stop()
    }
  })

  test('stopping the thread lets a process with nothing else to do finish its shutdown', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wahub-checkpoint-'))
    try {
      const file = path.join(dir, 'wahub.db')
      const db = new DatabaseSync(file)
      db.exec('pragma journal_mode = wal')
      db.close()
      const module = new URL('../../src/db/sqlite-checkpointer.ts', import.meta.url).href
      const script = `import { startSqliteCheckpointer } from ${JSON.stringify(module)}
const checkpointer = startSqliteCheckpointer(${JSON.stringify(file)}, { log: { warn() {} } })
await checkpointer.stop()
console.log('stopped')`
      const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script])
      assert.match(stdout, /stopped/, 'the stop resolved before the process ended')
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })
})
