import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { MessageStatusUpdate } from '../../src/cloud-api/webhook-types.ts'
import { applyStatus, applyStatuses, type StatusInput } from '../../src/messaging/status.ts'
import { bareConversationMessage, seedBareConversation } from '../helpers/channel-fixture.ts'
import { createTestDb, type TestDb, testDbKind } from '../helpers/db.ts'

// A processing transaction applies its status webhooks together: the messages that moved are
// written in one statement per set of columns. Whatever a batch holds (several statuses of one
// message, out of order, repeated, a failure then a later delivery, pricing), each message must
// end exactly as applying the statuses one by one leaves it.

describe(`status webhooks applied as a batch (${testDbKind})`, () => {
  let db: TestDb
  const now = Date.now()
  const t = Math.floor(now / 1000)
  before(async () => {
    db = await createTestDb()
    await seedBareConversation(db.db, now)
  })
  after(async () => {
    await db.drop()
  })

  const pricing = { billable: true, pricing_model: 'PMP', category: 'utility', type: 'regular' }
  const failure = [{ code: 131047, title: 'Re-engagement message', error_data: { details: 'window closed' } }]
  /** The statuses of one message `m`, as Meta could deliver them in one burst. */
  const script = (wamid: string): MessageStatusUpdate[][] => [
    // delivered, read, then the same delivered again (a redelivery) and a late `sent`.
    [
      { id: wamid, status: 'delivered', timestamp: String(t + 1), recipient_id: '34600000000', pricing },
      { id: wamid, status: 'read', timestamp: String(t + 2), recipient_id: '34600000000' },
      { id: wamid, status: 'delivered', timestamp: String(t + 1), recipient_id: '34600000000', pricing },
      { id: wamid, status: 'sent', timestamp: String(t), recipient_id: '34600000000' },
    ],
    // failed with Meta's error, then delivered after all (the error stays on record).
    [
      { id: wamid, status: 'failed', timestamp: String(t + 1), recipient_id: '34600000000', errors: failure },
      { id: wamid, status: 'delivered', timestamp: String(t + 3), recipient_id: '34600000000', pricing },
    ],
    // read before delivered: the late delivered does not move it back.
    [
      { id: wamid, status: 'read', timestamp: String(t + 5), recipient_id: '34600000000' },
      { id: wamid, status: 'delivered', timestamp: String(t + 4), recipient_id: '34600000000' },
    ],
    // a failure alone.
    [{ id: wamid, status: 'failed', timestamp: String(t + 6), recipient_id: '34600000000', errors: failure }],
  ]

  async function seedOutbound(prefix: string): Promise<string[]> {
    const ids = script('x').map((_, i) => `${prefix}${i}`)
    await db.db
      .insertInto('messages')
      .values(ids.map((id) => bareConversationMessage(id, now)))
      .execute()
    return ids
  }

  const inputs = (ids: string[]): StatusInput[][] =>
    ids.map((id, i) =>
      script(`wamid.${id}`)[i].map((status) => ({
        metaPhoneNumberId: '100',
        numberRowId: 'p1',
        status,
        webhookEventId: null,
      })),
    )

  async function rows(ids: string[]) {
    const found = await db.db
      .selectFrom('messages')
      .select([
        'id',
        'status',
        'status_at',
        'error_code',
        'error_title',
        'error_details',
        'error_explanation',
        'pricing_model',
        'pricing_category',
        'pricing_type',
        'billable',
      ])
      .where('id', 'in', ids)
      .orderBy('id')
      .execute()
    return found.map(({ id: _id, ...rest }) => ({ ...rest, status_at: Number(rest.status_at) }))
  }

  test('one batch leaves every message as the statuses applied one by one do, and reports the same moves', async () => {
    const oneByOne = await seedOutbound('a')
    const batched = await seedOutbound('b')
    const singleResults = []
    for (const list of inputs(oneByOne))
      for (const input of list) singleResults.push(await applyStatus(db.db, input))
    // The statuses of all four messages interleaved, as a burst delivers them.
    const perMessage = inputs(batched)
    const interleaved: StatusInput[] = []
    for (let k = 0; perMessage.some((l) => k < l.length); k++)
      for (const list of perMessage) if (k < list.length) interleaved.push(list[k])
    const batchResults = await applyStatuses(db.db, interleaved)

    assert.deepEqual(
      await rows(batched),
      await rows(oneByOne),
      'a batch ended a message elsewhere than one by one',
    )
    const moved = (results: typeof batchResults, list: StatusInput[]) =>
      results
        .map((r, n) => ({ r, s: list[n].status }))
        .filter(({ r }) => r.changed)
        // The message's place in the script (wamid.a2, wamid.b2 → 2) and the status it moved to.
        .map(({ s }) => `${s.id.slice(-1)} ${s.status}`)
        .sort()
    assert.deepEqual(
      moved(batchResults, interleaved),
      moved(singleResults, inputs(oneByOne).flat()),
      'the batch reported other moves than one by one',
    )
    const [first, second, third, fourth] = await rows(batched)
    assert.deepEqual(
      [first.status, first.status_at, first.pricing_category, first.billable],
      ['read', (t + 2) * 1000, 'utility', 1],
      'delivered then read: read, at its time, priced by the delivered',
    )
    assert.deepEqual(
      [second.status, second.error_code, second.error_details],
      ['delivered', 131047, 'window closed'],
      'failed then delivered: delivered, Meta’s error kept',
    )
    assert.ok(second.error_explanation, 'a failure carries our explanation')
    assert.deepEqual(
      [third.status, third.status_at],
      ['read', (t + 5) * 1000],
      'a late delivered does not undo read',
    )
    assert.deepEqual([fourth.status, fourth.error_code], ['failed', 131047], 'a failure alone is recorded')
  })
})
