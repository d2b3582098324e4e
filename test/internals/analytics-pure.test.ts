import assert from 'node:assert/strict'
import { test } from 'node:test'
import { counterNames, encodeKey, zeroCounts } from '../../src/analytics/contribution.ts'
import { dailyDeltas, pairDimension } from '../../src/analytics/daily.ts'

// The pure parts of the analytics fold: what one hourly bucket adds to the daily rollups
// (decision 0046). Which replies are opt-outs: test/internals/campaigns-pure.test.ts.

test('one hourly bucket adds the same counts to its day’s totals, each value, and each filter × value pair', () => {
  const hour = Date.UTC(2026, 0, 5, 13)
  const counts = { ...zeroCounts(), messages: 3, failed: 3 }
  const key = encodeKey({
    tenant_id: 'ten_a',
    hour,
    phone_number_id: 'num_1',
    template: 'summer_sale',
    category: 'marketing',
    country: 'AR',
    direction: 'out',
    outcome: 'failed',
    error_code: 131026,
  })
  const daily = dailyDeltas(new Map([[key, counts]]))
  const dims = [...daily.keys()].map((k) => k.split('\u001f'))
  assert.ok(
    dims.every(
      ([tenant, day, direction]) =>
        tenant === 'ten_a' && Number(day) === Date.UTC(2026, 0, 5) && direction === 'out',
    ),
  )
  const byDim = Object.fromEntries(dims.map((d) => [d[3], d[4]]))
  assert.deepEqual(
    [byDim[''], byDim.country, byDim.outcome, byDim.error],
    ['', 'AR', 'failed', '131026'],
    'totals and marginals',
  )
  assert.equal(byDim[pairDimension('template', 'summer_sale', 'country')], 'AR', 'one template, by country')
  assert.equal(byDim[pairDimension('country', 'AR', 'error')], '131026', 'one country, its failures')
  assert.equal(daily.size, 7 + 4 * 5, '7 marginals and 20 pairs (4 filters × 5 other groups)')
  for (const c of daily.values())
    assert.deepEqual(
      counterNames.map((n) => c[n]),
      counterNames.map((n) => counts[n]),
    )
})
