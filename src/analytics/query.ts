import { type SelectQueryBuilder, sql } from 'kysely'
import { explainMetaError } from '../cloud-api/error-catalogue.ts'
import type { Db } from '../db/connect.ts'
import type { Database } from '../db/schema.ts'
import { type Counters, counterNames, zeroCounts } from './contribution.ts'

// The read side of the rollups: totals, time series, breakdowns and top failures over
// analytics_hourly, with the same filters everywhere. `tenantId` null means every tenant (an
// operator); the routes decide it from the caller, never from the request alone.

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

const column: Record<
  BreakdownDimension,
  'tenant_id' | 'phone_number_id' | 'template' | 'category' | 'country' | 'outcome' | 'direction'
> = {
  tenant: 'tenant_id',
  number: 'phone_number_id',
  template: 'template',
  category: 'category',
  country: 'country',
  outcome: 'outcome',
  direction: 'direction',
}

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
}

type Q = SelectQueryBuilder<Database, 'analytics_hourly', object>

function filtered(db: Db, f: AnalyticsFilter): Q {
  let q = db.selectFrom('analytics_hourly').where('hour', '>=', f.from).where('hour', '<', f.to) as Q
  if (f.tenantId !== null) q = q.where('tenant_id', '=', f.tenantId)
  if (f.numberId) q = q.where('phone_number_id', '=', f.numberId)
  if (f.template !== undefined) q = q.where('template', '=', f.template)
  if (f.category !== undefined) q = q.where('category', '=', f.category)
  if (f.country !== undefined) q = q.where('country', '=', f.country.toUpperCase())
  if (f.direction) q = q.where('direction', '=', f.direction)
  return q
}

function sums(q: Q) {
  return q.select((eb) => [
    ...counterNames.map((n) => eb.fn.sum<number>(n).as(n)),
    eb.fn.sum<number>(sql`case when direction = 'out' then messages else 0 end`).as('out_messages'),
  ])
}

type SumRow = Partial<Record<(typeof counterNames)[number] | 'out_messages', unknown>>

function figures(row: SumRow | undefined): Figures {
  const c: Counters = zeroCounts()
  for (const n of counterNames) c[n] = Number(row?.[n] ?? 0)
  const sent = Number(row?.out_messages ?? 0)
  const settled = sent
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
    deliveryRate: settled > 0 ? c.delivered / settled : null,
    readRate: c.delivered > 0 ? c.read / c.delivered : null,
  }
}

export async function summary(db: Db, f: AnalyticsFilter): Promise<Figures> {
  return figures((await sums(filtered(db, f)).executeTakeFirst()) as SumRow | undefined)
}

export async function timeseries(
  db: Db,
  f: AnalyticsFilter,
  interval: 'hour' | 'day',
): Promise<({ at: number } & Figures)[]> {
  const rows = (await sums(filtered(db, f).select('hour'))
    .groupBy('hour')
    .orderBy('hour')
    .execute()) as (SumRow & {
    hour: unknown
  })[]
  if (interval === 'hour') return rows.map((r) => ({ at: Number(r.hour), ...figures(r) }))
  const byDay = new Map<number, SumRow>()
  for (const r of rows) {
    const day = Number(r.hour) - (Number(r.hour) % 86_400_000)
    const acc = (byDay.get(day) ?? {}) as Record<string, number>
    for (const n of [...counterNames, 'out_messages'] as const) acc[n] = (acc[n] ?? 0) + Number(r[n] ?? 0)
    byDay.set(day, acc)
  }
  return [...byDay.entries()].map(([at, r]) => ({ at, ...figures(r) }))
}

export async function breakdown(
  db: Db,
  f: AnalyticsFilter,
  by: BreakdownDimension,
  limit: number,
): Promise<({ key: string } & Figures)[]> {
  const col = column[by]
  const rows = (await sums(filtered(db, f).select(col))
    .groupBy(col)
    .orderBy(sql`sum(messages)`, 'desc')
    .limit(limit)
    .execute()) as (SumRow & Record<string, unknown>)[]
  return rows.map((r) => ({ key: String(r[col] ?? ''), ...figures(r) }))
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
  const rows = await filtered(db, f)
    .select(['error_code', (eb) => eb.fn.sum<number>('failed').as('count')])
    .where('outcome', '=', 'failed')
    .groupBy('error_code')
    .orderBy(sql`sum(failed)`, 'desc')
    .limit(limit)
    .execute()
  return rows.map((r) => {
    const code = Number(r.error_code)
    const info = explainMetaError(code)
    return {
      code,
      count: Number(r.count),
      title: info.title,
      meaning: info.meaning,
      fix: info.fix,
      category: info.category,
    }
  })
}
