import type { Db } from '../db/connect.ts'
import { countryOf } from './market.ts'
import { estimateCost, tableInForce } from './price-table.ts'
import { loadPriceTables } from './prices-repo.ts'

// What a campaign costs (issue 18), from analytics' price tables: before launch, the estimate of
// its would-be recipients (each a delivered template of its category in the recipient's market,
// at the card in force today); while it runs, the sum of its delivered messages' recorded
// estimates (message_costs, written by the fold). A report reader: only SELECTs.

export type CostEstimateByMarket = {
  currency: string | null
  totalMicros: number
  /** Recipients whose market or category has no rate in the card. */
  unpriced: number
  byCountry: { country: string; category: string; recipients: number; micros: number }[]
}

export async function estimateCampaignCost(
  db: Db,
  waIds: readonly string[],
  category: string | null,
  at = Date.now(),
): Promise<CostEstimateByMarket> {
  const tables = await loadPriceTables(db)
  const counts = new Map<string, number>()
  for (const w of waIds) {
    const c = countryOf(w) ?? '*'
    counts.set(c, (counts.get(c) ?? 0) + 1)
  }
  const cat = (category ?? 'marketing').toLowerCase()
  let total = 0
  let unpriced = 0
  const byCountry: CostEstimateByMarket['byCountry'] = []
  for (const [country, recipients] of [...counts.entries()].sort((a, b) => b[1] - a[1])) {
    const one = estimateCost(tables, {
      pricingModel: 'PMP',
      pricingType: 'regular',
      pricingCategory: cat,
      billable: 1,
      market: country === '*' ? null : country,
      deliveredAt: at,
    })
    if (one.amountMicros === null) unpriced += recipients
    const micros = (one.amountMicros ?? 0) * recipients
    total += micros
    byCountry.push({ country, category: cat, recipients, micros })
  }
  return { currency: tableInForce(tables, at)?.currency ?? null, totalMicros: total, unpriced, byCountry }
}

/** The recorded estimates of a campaign's delivered messages so far. */
export async function campaignCostSoFar(
  db: Db,
  campaignId: string,
): Promise<{ micros: number; currency: string | null }> {
  const row = await db
    .selectFrom('campaign_recipients as r')
    .innerJoin('message_costs as mc', 'mc.message_id', 'r.message_id')
    .select([
      (eb) => eb.fn.sum<number | string | null>('mc.amount_micros').as('micros'),
      (eb) => eb.fn.max('mc.currency').as('currency'),
    ])
    .where('r.campaign_id', '=', campaignId)
    .executeTakeFirst()
  return { micros: Number(row?.micros ?? 0), currency: (row?.currency as string | null) ?? null }
}
