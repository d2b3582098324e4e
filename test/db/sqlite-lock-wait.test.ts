import assert from 'node:assert/strict'
import { DatabaseSync } from 'node:sqlite'
import { after, before, describe, test } from 'node:test'
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
