import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { after, before, describe, test } from 'node:test'
import { Worker } from 'node:worker_threads'
import type { Driver } from 'kysely'
import { LockWaitingDriver, openSqlite } from '../../src/db/sqlite-driver.ts'
import { createTestDb, type TestDb, testDbKind } from '../helpers/db.ts'

// Decision 0092: the connection of the thread that answers Meta never waits for SQLite's write
// lock inside SQLite (its busy handler sleeps with every request behind it). A write that finds
// the lock taken by another connection (the webhook thread's) waits on timers and then succeeds;
// the thread keeps running meanwhile.

describe('SQLite: writes wait for the lock without stopping the thread', {
  skip: testDbKind !== 'sqlite',
}, () => {
  let db: TestDb
  let other: DatabaseSync
  before(async () => {
    db = await createTestDb()
    other = new DatabaseSync(db.location)
  })
  after(async () => {
    other.close()
    await db.drop()
  })

  const insert = (name: string) =>
    db.db.insertInto('settings').values({ key: name, value: '"x"', updated_at: Date.now() }).execute()

  test('an autocommit write and a transaction wait for another connection to commit, with the event loop running', async () => {
    other.exec('begin immediate')
    let turns = 0
    const ticker = setInterval(() => turns++, 1)
    try {
      const write = insert('lock-wait-a')
      const trx = db.db
        .transaction()
        .execute((tx) =>
          tx
            .insertInto('settings')
            .values({ key: 'lock-wait-b', value: '"y"', updated_at: Date.now() })
            .execute(),
        )
      let settled = false
      void Promise.allSettled([write, trx]).then(() => (settled = true))
      // Timers keep firing while both wait: the thread is not stuck inside SQLite.
      while (turns < 5) await new Promise((resolve) => setTimeout(resolve, 1))
      assert.equal(settled, false, 'the writes finished while another connection held the write lock')
      other.exec('commit')
      await write
      await trx
    } finally {
      clearInterval(ticker)
      if (other.isTransaction) other.exec('rollback')
    }
    const rows = await db.db
      .selectFrom('settings')
      .select('key')
      .where('key', 'in', ['lock-wait-a', 'lock-wait-b'])
      .execute()
    assert.deepEqual(
      rows.map((r) => r.key).sort(),
      ['lock-wait-a', 'lock-wait-b'],
      'both writes are stored once',
    )
  })

  test('a constraint error is not retried: it fails at once with its own message', async () => {
    await insert('lock-wait-c')
    await assert.rejects(insert('lock-wait-c'), /UNIQUE constraint failed/)
  })
})

describe('SQLite: savepoints through the lock-waiting driver', () => {
  test('a nested transaction rolls back its savepoint and keeps the outer work', {
    skip: testDbKind !== 'sqlite',
  }, async () => {
    const db = await createTestDb()
    try {
      const row = (key: string) => ({ key, value: '"x"', updated_at: Date.now() })
      const trx = await db.db.startTransaction().execute()
      await trx.insertInto('settings').values(row('sp.outer')).execute()
      const sp = await trx.savepoint('inner').execute()
      await sp.insertInto('settings').values(row('sp.inner')).execute()
      await sp.rollbackToSavepoint('inner').execute()
      await trx.commit().execute()
      const keys = await db.db.selectFrom('settings').select('key').where('key', 'like', 'sp.%').execute()
      assert.deepEqual(
        keys.map((k) => k.key),
        ['sp.outer'],
        'only the outer insert stays',
      )
    } finally {
      await db.drop()
    }
  })

  test('a driver without savepoints refuses them instead of skipping them in silence', async () => {
    const inner = { savepoint: undefined } as unknown as Driver
    const driver = new LockWaitingDriver(inner, new DatabaseSync(':memory:'), 10)
    const connection = {} as Parameters<NonNullable<Driver['savepoint']>>[0]
    const compile = ((q: unknown) => q) as unknown as Parameters<NonNullable<Driver['savepoint']>>[2]
    for (const call of [
      () => driver.savepoint(connection, 'inner', compile),
      () => driver.rollbackToSavepoint(connection, 'inner', compile),
      () => driver.releaseSavepoint(connection, 'inner', compile),
    ]) {
      await assert.rejects(call(), /has no \w+\(\): a nested transaction cannot run on it/)
    }
  })
})

describe('SQLite: opening a file another process is setting up', { skip: testDbKind !== 'sqlite' }, () => {
  // `wahub migrate` run twice at once (or beside `wahub serve`) on a fresh file: one process holds
  // the lock while it switches the file to WAL; the other's own set-up pragmas must wait for it,
  // even on a connection that otherwise waits for locks on timers (busyTimeoutMs 0). CI saw
  // "database is locked" from the second `wahub migrate` before this.
  test('a connection opened with busyTimeoutMs 0 waits for the set-up lock instead of failing', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'wahub-open-'))
    const file = path.join(dir, 'fresh.db')
    // Another thread takes an exclusive lock on the fresh (rollback-journal) file and keeps it
    // until a short while after telling us, so our open meets the lock and must wait for it.
    const worker = new Worker(
      `const { DatabaseSync } = require('node:sqlite')
       const { parentPort, workerData } = require('node:worker_threads')
       const db = new DatabaseSync(workerData)
       db.exec('begin exclusive; create table holder (a)')
       parentPort.postMessage('held')
       Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 150)
       db.exec('commit')
       db.close()`,
      { eval: true, workerData: file },
    )
    try {
      await new Promise((resolve) => worker.once('message', resolve))
      const db = openSqlite(file, { busyTimeoutMs: 0 })
      try {
        const mode = db.raw.prepare('PRAGMA journal_mode').get() as { journal_mode: string }
        assert.equal(mode.journal_mode, 'wal', 'the file is in WAL mode once open')
        const busy = db.raw.prepare('PRAGMA busy_timeout').get() as Record<string, number>
        assert.equal(Object.values(busy)[0], 0, 'the connection keeps the busy timeout it asked for')
      } finally {
        db.close()
      }
    } finally {
      await new Promise((resolve) => worker.once('exit', resolve))
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
