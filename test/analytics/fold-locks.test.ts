import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { sql } from 'kysely'
import { foldRollups } from '../../src/analytics/rollup.ts'
import type { DbHandle } from '../../src/db/connect.ts'
import { bareConversationMessage, seedBareConversation } from '../helpers/channel-fixture.ts'
import { createTestDb, type TestDb, testDbKind } from '../helpers/db.ts'
import { waitFor } from '../helpers/wait.ts'

// The analytics fold runs beside the sends (decision 0113). On PostgreSQL a send's group commit
// stores the wamid of messages the fold may be folding at that moment; the fold must not wait on
// (or lock) those rows, or the two deadlock under load. SQLite's writers take no row locks.

describe(`analytics fold beside a send storing its wamid (${testDbKind})`, {
  skip: testDbKind !== 'postgres',
}, () => {
  let db: TestDb
  let other: DbHandle
  const now = Date.now()
  before(async () => {
    db = await createTestDb()
    other = await db.connectAgain()
    await seedBareConversation(db.db, now)
  })
  after(async () => {
    await other?.close()
    await db.drop()
  })

  test("a fold page holding a message whose send is committing does not wait for that send's transaction", async () => {
    await db.db
      .insertInto('messages')
      .values(bareConversationMessage('m001', now, { wamid: null, status: 'sending' }))
      .execute()
    // The send's group commit, held open after storing the wamid (as sendOnce's commit is when
    // the machine is busy): the row is locked FOR UPDATE until it commits.
    let release: () => void = () => {}
    const held = new Promise<void>((r) => {
      release = r
    })
    let stored: () => void = () => {}
    const storedWamid = new Promise<void>((r) => {
      stored = r
    })
    const send = other.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('messages')
        .set({ status: 'sent', wamid: 'wamid.1', status_at: now + 1, updated_at: now + 1 })
        .where('id', '=', 'm001')
        .execute()
      stored()
      await held
    })
    await storedWamid
    let folded = false
    const fold = foldRollups(db.db, { tables: [], rowLocks: true, now: now + 10, pageSize: 10 }).then(() => {
      folded = true
    })
    // Either the fold finishes, or it is seen waiting on a lock (the key's share lock on the row).
    let waiting = false
    await waitFor(
      'the fold to finish or to wait on a lock',
      async () => {
        if (folded) return true
        const { rows } = await sql<{ n: number | string }>`select count(*) as n from pg_stat_activity
          where datname = current_database() and wait_event_type = 'Lock'`.execute(other.db)
        waiting = Number(rows[0]?.n ?? 0) > 0
        return waiting
      },
      { timeoutMs: 20_000, intervalMs: 20 },
    )
    const waitedFirst = waiting && !folded
    release()
    await send
    await fold
    assert.equal(
      waitedFirst,
      false,
      "the fold waited on the send's row lock (analytics_folded's key to messages locks the message)",
    )
    const row = await db.db.selectFrom('analytics_folded').select('message_id').executeTakeFirst()
    assert.equal(row?.message_id, 'm001', 'the message was folded')
  })
})
