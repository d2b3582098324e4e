import { readFileSync } from 'node:fs'

// Per-message pricing (PMP, since 2025-07-01): a delivered template is charged by its category
// and the recipient's market (country calling code); everything else is free. A price table is
// one rate card: its effective date, currency, where the figures come from, and per market
// (ISO 3166 alpha-2, or `*` for Meta's "Other") the rate per category in millionths of the
// currency unit. Bundled cards live beside this file; operators import newer ones
// (`wahub prices import`), kept in price_tables. The card in force on a day is the one with the
// latest effective date not after it (Meta changes rates only on Jan 1, Apr 1, Jul 1, Oct 1).

export type RateCategory =
  | 'marketing'
  | 'utility'
  | 'authentication'
  | 'authentication_international'
  | 'marketing_lite'

export const rateCategories: readonly RateCategory[] = [
  'marketing',
  'utility',
  'authentication',
  'authentication_international',
  'marketing_lite',
]

/** Categories whose rate falls with the month's volume (Meta's volume tiers). */
export type TieredCategory = 'utility' | 'authentication'
export const tieredCategories: readonly TieredCategory[] = ['utility', 'authentication']

/**
 * One step of a volume tier ladder: from the `from`-th billable message of the calendar month
 * (per WABA × market × category, counted from 1) on, each message costs `micros`. Telescopic:
 * only the messages past a threshold get its rate (decision 0046).
 */
export type VolumeTier = { from: number; micros: number }

export type PriceTable = {
  effectiveFrom: string // YYYY-MM-DD, UTC
  currency: string
  source: string
  /** market → category → micros (millionths of the currency unit). */
  rates: Record<string, Partial<Record<RateCategory, number>>>
  /** market → category → ladder, ascending `from`; absent: the base rate at every volume. */
  tiers?: Record<string, Partial<Record<TieredCategory, VolumeTier[]>>>
  origin: 'bundled' | 'imported'
}

export const pmpStart = '2025-07-01'
const bundledFiles = ['2025-07-01.json']

type BundledFile = {
  effectiveFrom: string
  currency: string
  source: string
  rates: Record<string, Record<string, number>>
  /** market → category → [{ from, rate }] in the currency's units. */
  tiers?: Record<string, Record<string, { from: number; rate: number }[]>>
}

export function toMicros(amount: number): number {
  return Math.round(amount * 1_000_000)
}

let bundled: PriceTable[] | undefined

/** The rate cards shipped with Wahub (src/analytics/prices/*.json). */
export function bundledTables(): PriceTable[] {
  bundled ??= bundledFiles.map((file) => {
    const raw = JSON.parse(readFileSync(new URL(`./prices/${file}`, import.meta.url), 'utf8')) as BundledFile
    const rates: PriceTable['rates'] = {}
    for (const [market, byCategory] of Object.entries(raw.rates)) {
      rates[market] = {}
      for (const [category, amount] of Object.entries(byCategory)) {
        rates[market][category as RateCategory] = toMicros(amount)
      }
    }
    let tiers: PriceTable['tiers']
    for (const [market, byCategory] of Object.entries(raw.tiers ?? {})) {
      tiers ??= {}
      tiers[market] = {}
      for (const [category, ladder] of Object.entries(byCategory)) {
        tiers[market][category as TieredCategory] = ladder.map((t) => ({
          from: t.from,
          micros: toMicros(t.rate),
        }))
      }
    }
    return {
      effectiveFrom: raw.effectiveFrom,
      currency: raw.currency,
      source: raw.source,
      rates,
      ...(tiers ? { tiers } : {}),
      origin: 'bundled',
    }
  })
  return bundled
}

/** Imported cards replace a bundled card of the same effective date. */
export function mergeTables(imported: readonly PriceTable[]): PriceTable[] {
  const byDate = new Map<string, PriceTable>()
  for (const t of bundledTables()) byDate.set(t.effectiveFrom, t)
  for (const t of imported) byDate.set(t.effectiveFrom, t)
  return [...byDate.values()].sort((a, b) => a.effectiveFrom.localeCompare(b.effectiveFrom))
}

export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10)
}

/** The card in force on the (UTC) day of `at`, or undefined before the first card. */
export function tableInForce(tables: readonly PriceTable[], at: number): PriceTable | undefined {
  const day = utcDay(at)
  let found: PriceTable | undefined
  for (const t of tables) if (t.effectiveFrom <= day) found = t
  return found
}

/** Meta's category names in status webhooks → the rate card's. */
export function rateCategory(category: string | null | undefined): RateCategory | undefined {
  if (!category) return undefined
  const c = category.toLowerCase().replace(/-/g, '_')
  return (rateCategories as readonly string[]).includes(c) ? (c as RateCategory) : undefined
}

export type CostInput = {
  pricingModel: string | null
  pricingType: string | null
  pricingCategory: string | null
  billable: number | null
  market: string | null
  deliveredAt: number
  /** Its place in the month's billable volume of its WABA × market × category (tiered categories). */
  volumeRank?: number | null
}

export type CostEstimate = {
  model: 'PMP' | 'CBP' | 'none'
  category: string | null
  market: string | null
  currency: string | null
  /** null: cannot be priced (CBP, no card, unknown market or category). */
  amountMicros: number | null
  priceTable: string | null
  /** The volume tier applied (its first message), when the card has tiers for it. */
  tierFrom?: number
}

/** The tier of `rank` in a ladder: the last step whose `from` it has reached. */
export function tierOf(ladder: readonly VolumeTier[] | undefined, rank: number): VolumeTier | undefined {
  let found: VolumeTier | undefined
  for (const t of ladder ?? []) if (t.from <= rank) found = t
  return found
}

/**
 * The estimate of one delivered message. PMP: `regular` (or, without a type, billable) is
 * charged at the card's rate for category × market (authentication-international falls back to
 * authentication, marketing_lite to marketing, and a market missing from the card to `*`);
 * free types cost 0. CBP-era messages keep their own model and no per-message amount.
 */
export function estimateCost(tables: readonly PriceTable[], input: CostInput): CostEstimate {
  const category = input.pricingCategory ? input.pricingCategory.toLowerCase().replace(/-/g, '_') : null
  const base = { category, market: input.market }
  if (input.pricingModel === 'CBP') {
    return { ...base, model: 'CBP', currency: null, amountMicros: null, priceTable: null }
  }
  if (!input.pricingModel && !input.pricingType && input.billable === null) {
    return { ...base, model: 'none', currency: null, amountMicros: null, priceTable: null }
  }
  const table = tableInForce(tables, input.deliveredAt)
  const charged = input.pricingType ? input.pricingType === 'regular' : input.billable === 1
  if (!charged) {
    return {
      ...base,
      model: 'PMP',
      currency: table?.currency ?? null,
      amountMicros: 0,
      priceTable: table?.effectiveFrom ?? null,
    }
  }
  const rc = rateCategory(category)
  if (!table || !rc)
    return {
      ...base,
      model: 'PMP',
      currency: table?.currency ?? null,
      amountMicros: null,
      priceTable: table?.effectiveFrom ?? null,
    }
  const marketKey = input.market && table.rates[input.market] ? input.market : '*'
  const row = table.rates[marketKey]
  const fallback: Partial<Record<RateCategory, RateCategory>> = {
    authentication_international: 'authentication',
    marketing_lite: 'marketing',
  }
  const fb = fallback[rc]
  const rate = row?.[rc] ?? (fb ? row?.[fb] : undefined)
  const ladders = table.tiers?.[marketKey]
  const tier =
    rate !== undefined && input.volumeRank && (tieredCategories as readonly string[]).includes(rc)
      ? tierOf(ladders?.[rc as TieredCategory], input.volumeRank)
      : undefined
  return {
    ...base,
    model: 'PMP',
    currency: table.currency,
    amountMicros: tier ? tier.micros : (rate ?? null),
    priceTable: table.effectiveFrom,
    ...(tier ? { tierFrom: tier.from } : {}),
  }
}
