import type { Db } from '../db/connect.ts'
import { type RateCategory, type TieredCategory, tieredCategories, utcDay } from './price-table.ts'

// The month's billable volume per WABA × market × category (analytics_volume), counted as the
// fold prices delivered messages in order of delivery: the place of each in Meta's volume tiers
// (decision 0046). Meta aggregates across the business portfolio; Wahub does not know which WABAs
// share one, so it counts per WABA (an estimate never below Meta's bill for a portfolio's WABA).
// Runs under the fold's cursor lock, so the counts it writes back are the only writer's.

export type VolumeItem = {
  id: string
  wabaId: string | null
  market: string | null
  category: RateCategory | undefined
  charged: boolean
  at: number
}

const sep = '\u001f'

export async function rankVolumes(tx: Db, items: readonly VolumeItem[]): Promise<Map<string, number>> {
  const ranks = new Map<string, number>()
  const counted = items
    .filter(
      (i) =>
        i.charged &&
        i.wabaId &&
        i.market &&
        (tieredCategories as readonly string[]).includes(i.category ?? ''),
    )
    .sort((a, b) => a.at - b.at || a.id.localeCompare(b.id))
  if (counted.length === 0) return ranks
  const keyOf = (i: VolumeItem) => [i.wabaId, utcDay(i.at).slice(0, 7), i.market, i.category].join(sep)
  const counts = new Map<string, number>()
  const wabas = [...new Set(counted.map((i) => i.wabaId as string))]
  const months = [...new Set(counted.map((i) => utcDay(i.at).slice(0, 7)))]
  const known = await tx
    .selectFrom('analytics_volume')
    .selectAll()
    .where('waba_id', 'in', wabas)
    .where('month', 'in', months)
    .execute()
  for (const k of known) counts.set([k.waba_id, k.month, k.market, k.category].join(sep), Number(k.count))
  const touched = new Set<string>()
  for (const i of counted) {
    const key = keyOf(i)
    const n = (counts.get(key) ?? 0) + 1
    counts.set(key, n)
    touched.add(key)
    ranks.set(i.id, n)
  }
  const rows = [...touched].map((key) => {
    const [waba_id, month, market, category] = key.split(sep)
    return { waba_id, month, market, category: category as TieredCategory, count: counts.get(key) ?? 0 }
  })
  for (let i = 0; i < rows.length; i += 200) {
    await tx
      .insertInto('analytics_volume')
      .values(rows.slice(i, i + 200))
      .onConflict((oc) =>
        oc
          .columns(['waba_id', 'month', 'market', 'category'])
          .doUpdateSet((eb) => ({ count: eb.ref('excluded.count') })),
      )
      .execute()
  }
  return ranks
}
