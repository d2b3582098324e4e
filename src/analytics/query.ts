import { type SelectQueryBuilder, sql } from 'kysely'
import { explainMetaError } from '../cloud-api/error-catalogue.ts'
import type { Db } from '../db/connect.ts'
import type { Database } from '../db/schema.ts'
import { type Counters, counterNames, zeroCounts } from './contribution.ts'
import { dayMs, pairDimension, pairedDimensions } from './daily.ts'

// The read side of the rollups: totals, time series, breakdowns and top failures, with the same
// filters everywhere. `tenantId` null means every tenant (an operator); the routes decide it from
// the caller, never from the request alone. Whole UTC days are read from the daily marginals
// when they can answer (no filter beyond tenant and direction, or one filter on the dimension
// grouped by or totalled), the hours at either end of the range from the hourly buckets
// (decision 0046); both hold the same sums, so the split never changes a figure.

export type AnalyticsFilter = {
  tenantId: string | null
  from: number // inclusive, epoch ms
  to: number // exclusive
  /** Wahub's number row id. */
  numberId?: string
  template?: string
  category?: string
  country?: string
  direction?: 'in' | 'out'
}

export const breakdownDimensions = [
  'tenant',
  'number',
  'template',
  'category',
  'country',
  'outcome',
  'direction',
] as const
export type BreakdownDimension = (typeof breakdownDimensions)[number]

/** What rows are grouped by: a breakdown dimension, Meta's error code, a time interval, or nothing. */
type Grouping = BreakdownDimension | 'error' | 'hour' | 'day' | 'none'

const hourlyColumn = {
  tenant: 'tenant_id',
  number: 'phone_number_id',
  template: 'template',
  category: 'category',
  country: 'country',
  outcome: 'outcome',
  direction: 'direction',
  error: 'error_code',
  hour: 'hour',
  day: 'hour',
} as const

export type Figures = {
  sent: number
  received: number
  delivered: number
  read: number
  failed: number
  replies: number
  billable: number
  unpriced: number
  cbp: number
  optOuts: number
  cost: number // in the currency's units
  deliveryRate: number | null
  readRate: number | null
  /** Conversations answered for the first time (per episode), and the mean wait in seconds. */
  firstResponses: number
  avgFirstResponseSeconds: number | null
  /** Conversations resolved, and the mean time from the customer's first message, in seconds. */
  resolutions: number
  avgResolutionSeconds: number | null
}

type Sums = Counters & { out_messages: number }
const sumNames = [...counterNames, 'out_messages'] as const

function zeroSums(): Sums {
  return { ...zeroCounts(), out_messages: 0 }
}

function figures(c: Sums): Figures {
  const sent = c.out_messages
  return {
    sent,
    received: c.messages - sent,
    delivered: c.delivered,
    read: c.read,
    failed: c.failed,
    replies: c.replies,
    billable: c.billable,
    unpriced: c.unpriced,
    cbp: c.cbp,
    optOuts: c.opt_outs,
    cost: c.cost_micros / 1_000_000,
    deliveryRate: sent > 0 ? c.delivered / sent : null,
    readRate: c.delivered > 0 ? c.read / c.delivered : null,
    firstResponses: c.first_responses,
    avgFirstResponseSeconds: c.first_responses > 0 ? c.first_response_ms / c.first_responses / 1000 : null,
    resolutions: c.resolutions,
    avgResolutionSeconds: c.resolutions > 0 ? c.resolution_ms / c.resolutions / 1000 : null,
  }
}

// biome-ignore lint/suspicious/noExplicitAny: either rollup table, same counter columns
type Q = SelectQueryBuilder<Database, any, object>

function withSums(q: Q): Q {
  return q.select((eb) => [
    ...counterNames.map((n) => eb.fn.sum<number>(n).as(n)),
    eb.fn.sum<number>(sql`case when direction = 'out' then messages else 0 end`).as('out_messages'),
  ])
}

type Row = Record<string, unknown>

function addRow(into: Map<string, Sums>, key: string, r: Row) {
  const acc = into.get(key) ?? zeroSums()
  for (const n of sumNames) acc[n] += Number(r[n] ?? 0)
  into.set(key, acc)
}

const filterDims = [
  ['numberId', 'number', 'phone_number_id'],
  ['template', 'template', 'template'],
  ['category', 'category', 'category'],
  ['country', 'country', 'country'],
] as const

/** The daily marginal that answers `f` grouped by `by`, or undefined (the hourly buckets must). */
function dailyPlan(f: AnalyticsFilter, by: Grouping): { dimension: string; value?: string } | undefined {
  if (by === 'hour') return undefined
  const set = filterDims.filter(([field]) => f[field] !== undefined)
  const totalled = by === 'none' || by === 'tenant' || by === 'direction' || by === 'day'
  if (set.length === 0) return { dimension: totalled ? '' : by }
  if (set.length > 1) return undefined
  const [field, dimension] = set[0]
  if (totalled || by === dimension) return { dimension, value: f[field] as string }
  if ((pairedDimensions as readonly string[]).includes(by))
    return { dimension: pairDimension(dimension, f[field] as string, by) }
  return undefined
}

async function hourlyPart(
  db: Db,
  f: AnalyticsFilter,
  by: Grouping,
  from: number,
  to: number,
  into: Map<string, Sums>,
) {
  let q = db.selectFrom('analytics_hourly').where('hour', '>=', from).where('hour', '<', to) as Q
  if (f.tenantId !== null) q = q.where('tenant_id', '=', f.tenantId)
  if (f.numberId) q = q.where('phone_number_id', '=', f.numberId)
  if (f.template !== undefined) q = q.where('template', '=', f.template)
  if (f.category !== undefined) q = q.where('category', '=', f.category)
  if (f.country !== undefined) q = q.where('country', '=', f.country.toUpperCase())
  if (f.direction) q = q.where('direction', '=', f.direction)
  if (by === 'error') q = q.where('outcome', '=', 'failed')
  if (by !== 'none') {
    const col = hourlyColumn[by]
    q = q.select(col).groupBy(col)
  }
  const rows = (await withSums(q).execute()) as Row[]
  for (const r of rows) {
    let key = by === 'none' ? '' : String(r[hourlyColumn[by as Exclude<Grouping, 'none'>]] ?? '')
    if (by === 'day') key = String(Number(r.hour) - (Number(r.hour) % dayMs))
    addRow(into, key, r)
  }
}

async function dailyPart(
  db: Db,
  f: AnalyticsFilter,
  by: Grouping,
  plan: { dimension: string; value?: string },
  from: number,
  to: number,
  into: Map<string, Sums>,
) {
  let q = db
    .selectFrom('analytics_daily')
    .where('dimension', '=', plan.dimension)
    .where('day', '>=', from)
    .where('day', '<', to) as Q
  if (plan.value !== undefined) q = q.where('value', '=', plan.value)
  if (f.tenantId !== null) q = q.where('tenant_id', '=', f.tenantId)
  if (f.direction) q = q.where('direction', '=', f.direction)
  const col =
    by === 'tenant'
      ? 'tenant_id'
      : by === 'direction'
        ? 'direction'
        : by === 'day'
          ? 'day'
          : by === 'none'
            ? undefined
            : 'value'
  if (col) q = q.select(col).groupBy(col)
  const rows = (await withSums(q).execute()) as Row[]
  for (const r of rows) addRow(into, col ? String(r[col] ?? '') : '', r)
}

/** The sums of `f` grouped by `by`, whole days from the daily marginals when they can answer. */
async function grouped(db: Db, f: AnalyticsFilter, by: Grouping): Promise<Map<string, Sums>> {
  const out = new Map<string, Sums>()
  const plan = dailyPlan(f, by)
  const firstDay = Math.ceil(f.from / dayMs) * dayMs
  const lastDay = Math.floor(f.to / dayMs) * dayMs
  if (!plan || firstDay >= lastDay) {
    await hourlyPart(db, f, by, f.from, f.to, out)
    return out
  }
  await dailyPart(db, f, by, plan, firstDay, lastDay, out)
  if (f.from < firstDay) await hourlyPart(db, f, by, f.from, firstDay, out)
  if (lastDay < f.to) await hourlyPart(db, f, by, lastDay, f.to, out)
  return out
}

export async function summary(db: Db, f: AnalyticsFilter): Promise<Figures> {
  return figures((await grouped(db, f, 'none')).get('') ?? zeroSums())
}

export async function timeseries(
  db: Db,
  f: AnalyticsFilter,
  interval: 'hour' | 'day',
): Promise<({ at: number } & Figures)[]> {
  const rows = await grouped(db, f, interval)
  return [...rows.entries()].map(([at, s]) => ({ at: Number(at), ...figures(s) })).sort((a, b) => a.at - b.at)
}

export async function breakdown(
  db: Db,
  f: AnalyticsFilter,
  by: BreakdownDimension,
  limit: number,
): Promise<({ key: string } & Figures)[]> {
  const rows = await grouped(db, f, by)
  return [...rows.entries()]
    .sort(
      ([ka, a], [kb, b]) => b.messages - a.messages || b.resolutions - a.resolutions || ka.localeCompare(kb),
    )
    .slice(0, limit)
    .map(([key, s]) => ({ key, ...figures(s) }))
}

export type FailureRow = {
  code: number
  count: number
  title: string
  meaning: string
  fix: string
  category: string
}

export async function topFailures(db: Db, f: AnalyticsFilter, limit: number): Promise<FailureRow[]> {
  const rows = await grouped(db, f, 'error')
  return [...rows.entries()]
    .filter(([, s]) => s.failed > 0)
    .sort(([ka, a], [kb, b]) => b.failed - a.failed || Number(ka) - Number(kb))
    .slice(0, limit)
    .map(([key, s]) => {
      const code = Number(key)
      const info = explainMetaError(code)
      return {
        code,
        count: s.failed,
        title: info.title,
        meaning: info.meaning,
        fix: info.fix,
        category: info.category,
      }
    })
}
