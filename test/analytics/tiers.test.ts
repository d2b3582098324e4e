import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { bundledTables } from '../../src/analytics/price-table.ts'
import { saveImportedTable } from '../../src/analytics/prices-repo.ts'
import { testDbKind } from '../helpers/db.ts'
import { type SendWorld, sendOk, startSendWorld, waitStatus } from '../messaging/helpers.ts'

// Volume tiers applied to the estimate (decision 0046): with a card whose Argentine utility rate
// falls from the 3rd billable message of the month on, four utility templates delivered to
// Argentina cost 2 × the base rate + 2 × the tier's — a hand computation — and each recorded
// estimate carries its place in the month's volume.

const customers = ['5491123450001', '5491123450002', '5491123450003', '5491123450004']
const base = 0.0289 // the bundled 2025-07-01 card's AR utility rate
const tier = 0.02

describe(`analytics: volume tiers in the estimate (${testDbKind})`, () => {
  let w: SendWorld
  before(async () => {
    w = await startSendWorld()
    const card = bundledTables()[0]
    await saveImportedTable(
      w.h.db.db,
      {
        effectiveFrom: card.effectiveFrom,
        currency: card.currency,
        source: 'test card with volume tiers',
        rates: card.rates,
        tiers: {
          AR: {
            utility: [
              { from: 1, micros: 28_900 },
              { from: 3, micros: 20_000 },
            ],
          },
        },
      },
      'test',
    )
    for (const to of customers) w.h.emulator.control.addCustomer({ wa_id: to, name: to.slice(-4) })
    for (const to of customers) {
      // One at a time, so they are delivered (and ranked) in order.
      const sent = await sendOk(w, {
        to,
        type: 'template',
        template: { name: 'hello_world', language: 'en_US' },
      })
      await waitStatus(w, sent.id, 'read', { timeoutMs: 15_000 })
      await w.h.wahub.rollups?.foldNow()
    }
  })
  after(async () => {
    await w.h.close()
  })

  test('the cost is 2 × the base rate + 2 × the tier rate', async () => {
    const res = await w.h.api('GET', '/api/v1/analytics/summary', { key: w.key })
    assert.equal(res.status, 200, res.text)
    const { figures } = res.body as { figures: { cost: number; billable: number } }
    assert.equal(figures.billable, 4)
    assert.equal(Math.round(figures.cost * 1e6), Math.round((2 * base + 2 * tier) * 1e6))
    const costs = await w.h.db.db
      .selectFrom('message_costs')
      .select(['volume_rank', 'amount_micros'])
      .orderBy('volume_rank')
      .execute()
    assert.deepEqual(
      costs.map((c) => [Number(c.volume_rank), Number(c.amount_micros)]),
      [
        [1, 28_900],
        [2, 28_900],
        [3, 20_000],
        [4, 20_000],
      ],
    )
    const volume = await w.h.db.db.selectFrom('analytics_volume').selectAll().execute()
    assert.deepEqual(
      volume.map((v) => [v.market, v.category, Number(v.count)]),
      [['AR', 'utility', 4]],
      'the month volume per WABA × market × category',
    )
  })
})
