import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { foldMemoSize, foldRollups } from '../../src/analytics/rollup.ts'
import { bareConversationMessage, seedBareConversation } from '../helpers/channel-fixture.ts'
import { createTestDb, type TestDb, testDbKind } from '../helpers/db.ts'

// Each fold round re-reads the last ten seconds of changed messages; a message this process
// folded before and unchanged since is skipped after a light read outside any transaction,
// inbound and outbound alike (decisions 0122, 0128). The figures must stay exact: a message that
// changed, or committed late, is folded; one folded before and unchanged is never counted twice.

describe(`analytics fold: the overlap re-read changes no figure (${testDbKind})`, () => {
  let db: TestDb
  const now = Date.now()
  before(async () => {
    db = await createTestDb()
    await seedBareConversation(db.db, now)
  })
  after(async () => {
    await db.drop()
  })

  const message = (n: number, direction: 'in' | 'out', at: number) =>
    bareConversationMessage(`m${String(n).padStart(3, '0')}`, at, {
      direction,
      wamid: `wamid.${n}`,
      status: direction === 'in' ? 'received' : 'sent',
    })

  const fold = (at: number) =>
    foldRollups(db.db, { tables: [], rowLocks: db.caps.multiProcess, now: at, pageSize: 10 })

  async function totals() {
    const rows = await db.db
      .selectFrom('analytics_hourly')
      .select(['direction', 'messages', 'delivered'])
      .where('tenant_id', '=', 't1')
      .execute()
    const sum = (dir: string, k: 'messages' | 'delivered') =>
      rows.filter((r) => r.direction === dir).reduce((s, r) => s + Number(r[k]), 0)
    return { out: sum('out', 'messages'), delivered: sum('out', 'delivered'), in: sum('in', 'messages') }
  }

  test('60 outbound and 5 inbound messages folded three times, 25 of them delivered between rounds', async () => {
    const rows = [
      ...Array.from({ length: 60 }, (_, i) => message(i, 'out', now - 5000 + i)),
      ...Array.from({ length: 5 }, (_, i) => message(100 + i, 'in', now - 6000 + i * 10)),
    ]
    await db.db.insertInto('messages').values(rows).execute()
    await fold(now)
    assert.deepEqual(await totals(), { out: 60, delivered: 0, in: 5 }, 'first round counts each message once')
    // Folded again within the overlap: nothing changed, nothing moves.
    await fold(now + 500)
    assert.deepEqual(
      await totals(),
      { out: 60, delivered: 0, in: 5 },
      'a second round counted a message twice',
    )
    // Every other outbound message from m010 on (25 of them) is delivered: they move to the end of
    // the change order, in full pages of messages folded before whose row changed, after pages
    // that hold only messages folded before and unchanged.
    const changed = Array.from({ length: 25 }, (_, i) => `m${String(10 + i * 2).padStart(3, '0')}`)
    await db.db
      .updateTable('messages')
      .set({ status: 'delivered', status_at: now + 600, updated_at: now + 600 })
      .where('id', 'in', changed)
      .execute()
    // Two inbound messages are read by the business: changed rows, folded again, still counted once.
    await db.db
      .updateTable('messages')
      .set({ status: 'read', status_at: now + 700, updated_at: now + 700 })
      .where('id', 'in', ['m101', 'm103'])
      .execute()
    await fold(now + 1000)
    assert.deepEqual(
      await totals(),
      { out: 60, delivered: 25, in: 5 },
      'the delivered messages were not folded again, or a message was counted twice',
    )
    await fold(now + 1500)
    assert.deepEqual(
      await totals(),
      { out: 60, delivered: 25, in: 5 },
      'a round with nothing changed moved a figure',
    )
  })

  test('the fold remembers a bounded number of rows; those it forgot are folded again and still counted once', async () => {
    const before = await totals()
    const at = now + 2000
    await db.db
      .insertInto('messages')
      .values(Array.from({ length: 30 }, (_, i) => message(200 + i, 'out', at + i)))
      .execute()
    const limited = (when: number) =>
      foldRollups(db.db, {
        tables: [],
        rowLocks: db.caps.multiProcess,
        now: when,
        pageSize: 10,
        memoLimit: 10,
      })
    await limited(at + 500)
    assert.ok(foldMemoSize() <= 10, `the fold remembers ${foldMemoSize()} rows, more than its limit of 10`)
    assert.deepEqual(await totals(), { ...before, out: before.out + 30 }, 'each new message is counted once')
    // Most of those 30 were forgotten: the next round within the overlap folds them again.
    await limited(at + 1000)
    assert.deepEqual(
      await totals(),
      { ...before, out: before.out + 30 },
      'a message folded again after the fold forgot it was counted twice',
    )
    assert.ok(foldMemoSize() <= 10, `the fold remembers ${foldMemoSize()} rows after a second round`)
  })

  test('a message committed late inside the overlap is folded, between many rows folded before', async () => {
    const before = await totals()
    const at = now + 3000
    // 150 outbound messages, more than a light re-read's worth (ten pages of 10) before and after
    // the late one's place in the change order.
    await db.db
      .insertInto('messages')
      .values(Array.from({ length: 150 }, (_, i) => message(300 + i, 'out', at + i)))
      .execute()
    await fold(at + 500)
    assert.deepEqual(await totals(), { ...before, out: before.out + 150 }, 'each new message is counted once')
    // Committed now with a change time among them (a transaction that committed late).
    await db.db
      .insertInto('messages')
      .values({ ...message(500, 'in', at + 120), id: 'm300late' })
      .execute()
    await fold(at + 1000)
    assert.deepEqual(
      await totals(),
      { ...before, out: before.out + 150, in: before.in + 1 },
      'the late message was skipped with the folded rows around it, or one of those was counted twice',
    )
  })
})
