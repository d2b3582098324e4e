import { sql } from 'kysely'
import type { Db } from '../db/connect.ts'
import { type BucketKey, type Counters, counterNames, decodeKey, zeroCounts } from './contribution.ts'

// The daily marginals (analytics_daily, decision 0046): what the fold adds to an hourly bucket it
// also adds, per UTC day, to the bucket's tenant × direction totals and to each of its values —
// number, template, category, country, outcome, and the error code of a failure — and, for one
// filter value, to each value of another dimension: dimension `template>country:summer_sale`,
// value `AR` (a page filtered by one template, grouped by country). A 30-day query over every
// tenant then reads a few thousand rows instead of every hourly bucket.

export const dayMs = 86_400_000

export const dailyDimensions = ['', 'number', 'template', 'category', 'country', 'outcome', 'error'] as const
export type DailyDimension = (typeof dailyDimensions)[number]

/** The dimensions a filter names, and those a filtered query may group by. */
export const filterDimensions = ['number', 'template', 'category', 'country'] as const
export const pairedDimensions = ['number', 'template', 'category', 'country', 'outcome', 'error'] as const

/** The daily dimension holding, for `filter` = `value`, the values of `by`. */
export function pairDimension(filter: string, value: string, by: string): string {
  return `${filter}>${by}:${value}`
}

export type DailyKey = { tenant_id: string; day: number; direction: string; dimension: string; value: string }

const sep = '\u001f'

function valuesOf(k: BucketKey): [string, string][] {
  const out: [string, string][] = [
    ['', ''],
    ['number', k.phone_number_id],
    ['template', k.template],
    ['category', k.category],
    ['country', k.country],
    ['outcome', k.outcome],
  ]
  if (k.outcome === 'failed') out.push(['error', String(k.error_code)])
  const marginal = new Map(out)
  for (const f of filterDimensions) {
    for (const by of pairedDimensions) {
      const value = marginal.get(by)
      if (by !== f && value !== undefined) out.push([pairDimension(f, marginal.get(f) ?? '', by), value])
    }
  }
  return out
}

/** The daily deltas of a set of hourly deltas (keys as encoded by contribution.ts). */
export function dailyDeltas(hourly: Map<string, Counters>): Map<string, Counters> {
  const out = new Map<string, Counters>()
  for (const [encoded, c] of hourly) {
    const k = decodeKey(encoded)
    const day = k.hour - (k.hour % dayMs)
    for (const [dimension, value] of valuesOf(k)) {
      const key = [k.tenant_id, day, k.direction, dimension, value].join(sep)
      const acc = out.get(key) ?? zeroCounts()
      for (const n of counterNames) acc[n] += c[n]
      out.set(key, acc)
    }
  }
  return out
}

function decodeDaily(s: string): DailyKey {
  const [tenant_id, day, direction, dimension, value] = s.split(sep)
  return { tenant_id, day: Number(day), direction, dimension, value }
}

export async function applyDailyDeltas(tx: Db, deltas: Map<string, Counters>): Promise<void> {
  const rows = [...deltas.entries()]
    .filter(([, c]) => counterNames.some((n) => c[n] !== 0))
    .map(([k, c]) => ({ ...decodeDaily(k), ...c }))
  if (rows.length === 0) return
  for (let i = 0; i < rows.length; i += 200) {
    await tx
      .insertInto('analytics_daily')
      .values(rows.slice(i, i + 200))
      .onConflict((oc) =>
        oc
          .columns(['tenant_id', 'dimension', 'day', 'value', 'direction'])
          .doUpdateSet(
            Object.fromEntries(
              counterNames.map((n) => [n, sql`analytics_daily.${sql.ref(n)} + excluded.${sql.ref(n)}`]),
            ) as Record<(typeof counterNames)[number], never>,
          ),
      )
      .execute()
  }
  // A value whose last message moved elsewhere leaves an all-zero row: drop it (only a row that
  // was decremented can have become empty).
  for (const r of rows) {
    if (!counterNames.some((n) => r[n] < 0)) continue
    await tx
      .deleteFrom('analytics_daily')
      .where('tenant_id', '=', r.tenant_id)
      .where('dimension', '=', r.dimension)
      .where('day', '=', r.day)
      .where('value', '=', r.value)
      .where('direction', '=', r.direction)
      .where('messages', '=', 0)
      .where('resolutions', '=', 0)
      .execute()
  }
}
