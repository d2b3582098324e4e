import { stringify } from 'csv-stringify/sync'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { Static, TSchema } from 'typebox'
import { resolveFilter } from '../../../analytics/filter.ts'
import { numberHistories } from '../../../analytics/number-history.ts'
import { tableInForce } from '../../../analytics/price-table.ts'
import { loadPriceTables } from '../../../analytics/prices-repo.ts'
import {
  type AnalyticsFilter,
  type BreakdownDimension,
  breakdown,
  summary,
  timeseries,
  topFailures,
} from '../../../analytics/query.ts'
import type { Db } from '../../../db/connect.ts'
import { readScopeOf } from '../../auth.ts'
import { authErrors, ErrorSchema } from '../../presenters/schema-helpers.ts'
import { routes } from '../plugin.ts'
import {
  AnalyticsQuery,
  BreakdownAnswer,
  BreakdownQuery,
  FailuresAnswer,
  FailuresQuery,
  NumbersAnswer,
  PricesAnswer,
  SummaryAnswer,
  TimeseriesAnswer,
  TimeseriesQuery,
} from './schema.ts'

// Analytics (SPEC §16, issue 19): what was sent, delivered, read, answered, failed and what it
// cost, from the hourly rollups, with the same filters on every route. A tenant's key or agent
// sees its own tenant; an operator every tenant or the one it names. `format=csv` downloads the
// same rows as a spreadsheet.

const read = { access: { scope: 'read', tenant: 'any' } } as const

/** The options of an analytics route: read access for any tenant, its query and its answer. */
function report<const Q extends TSchema, const A extends TSchema>(
  summary: string,
  querystring: Q,
  answer: A,
) {
  const response = { 200: answer, 400: ErrorSchema, ...authErrors, 404: ErrorSchema }
  return { config: read, schema: { tags: ['analytics'], summary, querystring, response } }
}

function filterOf(db: Db, req: FastifyRequest, q: Static<typeof AnalyticsQuery>): Promise<AnalyticsFilter> {
  return resolveFilter(db, {
    from: q.from,
    to: q.to,
    tenantId: readScopeOf(req, q.tenant_id),
    number: q.number_id,
    template: q.template,
    category: q.category,
    country: q.country,
    direction: q.direction,
  })
}

function sendCsv(reply: FastifyReply, name: string, rows: Record<string, unknown>[]) {
  const columns = rows.length > 0 ? Object.keys(rows[0]) : ['empty']
  reply
    .header('content-type', 'text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="wahub-${name}.csv"`)
  return reply.send(stringify(rows, { header: true, columns }))
}

async function currencyAt(db: Db, at: number): Promise<string | null> {
  return tableInForce(await loadPriceTables(db), at)?.currency ?? null
}

export const analyticsRoutes = routes(async (app, { handle: { db } }) => {
  app.get(
    '/analytics/summary',
    report('Totals: sent, delivered, read, failed, replies, cost', AnalyticsQuery, SummaryAnswer),
    async (req, reply) => {
      const f = await filterOf(db, req, req.query)
      const figures = await summary(db, f)
      if (req.query.format === 'csv')
        return sendCsv(reply, 'summary', [
          { from: new Date(f.from).toISOString(), to: new Date(f.to).toISOString(), ...figures },
        ])
      return { from: f.from, to: f.to, currency: await currencyAt(db, f.to - 1), figures }
    },
  )

  app.get(
    '/analytics/timeseries',
    report('Figures per hour or day', TimeseriesQuery, TimeseriesAnswer),
    async (req, reply) => {
      const f = await filterOf(db, req, req.query)
      const interval = req.query.interval ?? 'day'
      const points = await timeseries(db, f, interval)
      if (req.query.format === 'csv')
        return sendCsv(
          reply,
          `timeseries-${interval}`,
          points.map((p) => ({ ...p, at: new Date(p.at).toISOString() })),
        )
      return { interval, currency: await currencyAt(db, f.to - 1), points }
    },
  )

  app.get(
    '/analytics/breakdown',
    report(
      'Figures grouped by tenant, number, template, category, country, outcome or direction',
      BreakdownQuery,
      BreakdownAnswer,
    ),
    async (req, reply) => {
      const f = await filterOf(db, req, req.query)
      const by = req.query.by as BreakdownDimension
      const rows = await breakdown(db, f, by, req.query.limit ?? 100)
      if (req.query.format === 'csv')
        return sendCsv(
          reply,
          `by-${by}`,
          rows.map(({ key, ...r }) => ({ [by]: key, ...r })),
        )
      return { by, currency: await currencyAt(db, f.to - 1), rows }
    },
  )

  app.get(
    '/analytics/failures',
    report(
      "The most frequent failures by Meta's error code, with their meaning and fix",
      FailuresQuery,
      FailuresAnswer,
    ),
    async (req, reply) => {
      const f = await filterOf(db, req, req.query)
      const failures = await topFailures(db, f, req.query.limit ?? 20)
      if (req.query.format === 'csv') return sendCsv(reply, 'failures', failures)
      return { failures }
    },
  )

  app.get(
    '/analytics/numbers',
    report(
      'Quality rating, messaging-limit tier and throughput level of each number, now and their changes in the range',
      AnalyticsQuery,
      NumbersAnswer,
    ),
    async (req, reply) => {
      const f = await filterOf(db, req, req.query)
      const numbers = await numberHistories(db, f)
      if (req.query.format === 'csv') {
        return sendCsv(
          reply,
          'numbers',
          numbers.flatMap((n) =>
            n.history.map((h) => ({
              number: n.displayPhoneNumber ?? n.phoneNumberId,
              ...h,
              at: new Date(h.at).toISOString(),
            })),
          ),
        )
      }
      return { numbers }
    },
  )

  app.get(
    '/analytics/prices',
    {
      config: read,
      schema: {
        tags: ['analytics'],
        summary: 'The price tables (rate cards) used for cost estimates, oldest first',
        response: { 200: PricesAnswer, ...authErrors },
      },
    },
    async () => {
      const tables = await loadPriceTables(db)
      return {
        tables: tables.map((t) => ({
          effectiveFrom: t.effectiveFrom,
          currency: t.currency,
          source: t.source,
          origin: t.origin,
          markets: Object.keys(t.rates).length,
          rates: Object.fromEntries(
            Object.entries(t.rates).map(([m, r]) => [
              m,
              Object.fromEntries(Object.entries(r).map(([c, v]) => [c, (v ?? 0) / 1_000_000])),
            ]),
          ),
        })),
      }
    },
  )
})
