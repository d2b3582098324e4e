import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { countryOf } from '../../src/analytics/market.ts'
import { parsePriceCard, parseVolumeTiers } from '../../src/analytics/price-card-csv.ts'
import { bundledTables, estimateCost, mergeTables, tableInForce } from '../../src/analytics/price-table.ts'
import { WahubError } from '../../src/errors.ts'

// The price table and the estimate of one message (pure): which card is in force on a day, what
// a delivered message costs by its pricing, category and market, and Meta's CSV rate card.

const day = (d: string) => Date.parse(`${d}T12:00:00Z`)
const delivered = (over: Partial<Parameters<typeof estimateCost>[1]>) => ({
  pricingModel: 'PMP',
  pricingType: 'regular',
  pricingCategory: 'marketing',
  billable: 1,
  market: 'AR',
  deliveredAt: day('2025-08-01'),
  ...over,
})

describe('price table', () => {
  test('the bundled card says its effective date, currency and source', () => {
    const [card] = bundledTables()
    assert.equal(card.effectiveFrom, '2025-07-01')
    assert.equal(card.currency, 'USD')
    assert.match(card.source, /rate card/)
    assert.equal(card.rates.AR.marketing, 61_800, '0.0618 USD in millionths')
  })

  test('a regular PMP message costs its category × market rate; free types cost nothing', () => {
    const tables = bundledTables()
    assert.equal(estimateCost(tables, delivered({})).amountMicros, 61_800)
    assert.equal(
      estimateCost(tables, delivered({ pricingCategory: 'utility', market: 'AU' })).amountMicros,
      11_300,
    )
    assert.equal(
      estimateCost(tables, delivered({ pricingCategory: 'authentication-international', market: 'AT' }))
        .amountMicros,
      17_100,
      'authentication-international falls back to the authentication rate when the card has none',
    )
    assert.equal(
      estimateCost(tables, delivered({ pricingType: 'free_customer_service', pricingCategory: 'utility' }))
        .amountMicros,
      0,
    )
    assert.equal(estimateCost(tables, delivered({ pricingType: 'free_entry_point' })).amountMicros, 0)
  })

  test('a market missing from the card is unpriced, not guessed; CBP keeps its own model', () => {
    const tables = bundledTables()
    const es = estimateCost(tables, delivered({ market: 'ES' }))
    assert.equal(es.amountMicros, null)
    assert.equal(es.model, 'PMP')
    const cbp = estimateCost(
      tables,
      delivered({ pricingModel: 'CBP', pricingType: null, deliveredAt: day('2025-06-20') }),
    )
    assert.deepEqual([cbp.model, cbp.amountMicros], ['CBP', null])
  })

  test('the card in force is the latest not after the day; an imported card wins over a bundled one', () => {
    const newer = {
      effectiveFrom: '2026-01-01',
      currency: 'USD',
      source: 't',
      rates: { AR: { marketing: 70_000 } },
      origin: 'imported' as const,
    }
    const tables = mergeTables([newer])
    assert.equal(tableInForce(tables, day('2025-12-31'))?.effectiveFrom, '2025-07-01')
    assert.equal(tableInForce(tables, day('2026-01-01'))?.effectiveFrom, '2026-01-01')
    assert.equal(tableInForce(tables, day('2025-06-30')), undefined)
    assert.equal(estimateCost(tables, delivered({ deliveredAt: day('2026-02-01') })).amountMicros, 70_000)
  })

  test("Meta's CSV card: title lines, country names, North America, Other, and rest-of regions reported", () => {
    const csv = [
      'WhatsApp Business Platform rate card,,,,,',
      'Effective 2026-01-01,,,,,',
      'Market,Currency,Marketing,Utility,Authentication,Authentication-International,Service',
      'Argentina,USD,0.0618,0.0260,0.0260,n/a,0',
      'North America,USD,0.0250,0.0034,0.0034,,0',
      '"United Kingdom",USD,0.0529,0.0220,0.0220,0.0358,0',
      'Rest of Africa,USD,0.0225,0.0040,0.0040,,0',
      'Other,USD,0.0604,0.0077,0.0077,,0',
    ].join('\n')
    const { table, skipped } = parsePriceCard(csv, { effectiveFrom: '2026-01-01', source: 'test' })
    assert.equal(table.currency, 'USD')
    assert.deepEqual(table.rates.AR, { marketing: 61_800, utility: 26_000, authentication: 26_000 })
    assert.equal(table.rates.US.utility, 3_400)
    assert.equal(table.rates.CA.utility, 3_400)
    assert.equal(table.rates.GB.authentication_international, 35_800)
    assert.equal(table.rates['*'].marketing, 60_400)
    assert.deepEqual(skipped, ['Rest of Africa'])
  })

  test('a broken card is refused with the line and column', () => {
    assert.throws(
      () =>
        parsePriceCard('Market,Currency,Marketing\nBrazil,USD,cheap\n', {
          effectiveFrom: '2026-01-01',
          source: 't',
        }),
      (err: unknown) =>
        err instanceof WahubError &&
        err.code === 'price_card_invalid' &&
        /Line 2 \(Brazil\), Marketing/.test(err.message),
    )
    assert.throws(
      () => parsePriceCard('a,b\n1,2\n', { effectiveFrom: '2026-01-01', source: 't' }),
      (err: unknown) => err instanceof WahubError && /Market/.test(err.message),
    )
    assert.throws(
      () => parsePriceCard('Market,Marketing\nBrazil,0.1\n', { effectiveFrom: '1 Jan', source: 't' }),
      (err: unknown) => err instanceof WahubError && /YYYY-MM-DD/.test(err.message),
    )
  })

  test("the recipient's market comes from the wa_id's calling code", () => {
    assert.equal(countryOf('5491123456701'), 'AR')
    assert.equal(countryOf('16505551234'), 'US')
    assert.equal(countryOf('447700900123'), 'GB')
    assert.equal(countryOf(null), null)
  })

  test('volume tiers: each message past a threshold costs the lower rate (telescopic), others the base', () => {
    const tiers = parseVolumeTiers(
      [
        'Volume tiers,,,',
        'Market,Category,Tier,Rate',
        'Argentina,Utility,1:100000,0.0289',
        'Argentina,Utility,100001:500000,0.0260',
        'AR,authentication,500001:,0.0200',
        'Argentina,Utility,500001:,0.0231',
      ].join('\n'),
    )
    assert.deepEqual(tiers.AR.utility, [
      { from: 1, micros: 28_900 },
      { from: 100_001, micros: 26_000 },
      { from: 500_001, micros: 23_100 },
    ])
    const tables = mergeTables([{ ...bundledTables()[0], tiers, origin: 'imported' }])
    const utility = (volumeRank: number | null, over = {}) =>
      estimateCost(tables, delivered({ pricingCategory: 'utility', volumeRank, ...over }))
    assert.equal(utility(1).amountMicros, 28_900, 'the first message of the month: base rate')
    assert.equal(utility(100_000).amountMicros, 28_900, 'the last one of the first tier')
    assert.equal(utility(100_001).amountMicros, 26_000, 'the first one past 100,000')
    assert.equal(utility(100_001).tierFrom, 100_001)
    assert.equal(utility(2_000_000).amountMicros, 23_100)
    assert.equal(utility(null).amountMicros, 28_900, 'no volume known: the base rate')
    assert.equal(
      estimateCost(tables, delivered({ pricingCategory: 'authentication', volumeRank: 10 })).amountMicros,
      28_900,
      'below the first step of a ladder: the base rate',
    )
    assert.equal(
      estimateCost(tables, delivered({ pricingCategory: 'marketing', volumeRank: 900_000 })).amountMicros,
      61_800,
      'marketing has no volume tiers',
    )
    assert.equal(
      utility(900_000, { market: 'AU' }).amountMicros,
      11_300,
      "another market's ladder never applies",
    )
    assert.throws(
      () => parseVolumeTiers('Market,Category,From,Rate\nAR,marketing,1,0.05'),
      /utility or authentication/,
    )
    assert.throws(() => parseVolumeTiers('Market,Category,From,Rate\nAR,utility,many,0.05'), /message count/)
  })
})
