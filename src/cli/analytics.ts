import { stringify } from 'csv-stringify/sync'
import { resolveFilter } from '../analytics/filter.ts'
import { loadPriceTables } from '../analytics/prices-repo.ts'
import {
  type BreakdownDimension,
  breakdown,
  breakdownDimensions,
  type Figures,
  summary,
  timeseries,
  topFailures,
} from '../analytics/query.ts'
import { foldRollups } from '../analytics/rollup.ts'
import { findTenant } from '../channels/tenants-repo.ts'
import { parseFlags, runAdmin, subcommand, table } from './admin-io.ts'
import { type CliCommand, UsageError } from './command.ts'

const filterFlags = ['from', 'to', 'tenant', 'number', 'template', 'category', 'country', 'direction']

const figureColumns = ['sent', 'delivered', 'read', 'failed', 'received', 'replies', 'cost'] as const

function pct(v: number | null): string {
  return v === null ? '-' : `${(v * 100).toFixed(1)}%`
}

function secs(v: number | null): string {
  if (v === null) return '-'
  return v < 120
    ? `${v.toFixed(0)} s`
    : v < 7200
      ? `${(v / 60).toFixed(1)} min`
      : `${(v / 3600).toFixed(1)} h`
}

function figureCells(f: Figures): (string | number)[] {
  return [
    f.sent,
    f.delivered,
    f.read,
    f.failed,
    f.received,
    f.replies,
    f.cost.toFixed(4),
    pct(f.deliveryRate),
    pct(f.readRate),
    f.optOuts,
    secs(f.avgFirstResponseSeconds),
    secs(f.avgResolutionSeconds),
  ]
}

const headers = [...figureColumns, 'delivery', 'read rate', 'opt-outs', 'first response', 'resolution']

export const analyticsCommand: CliCommand = {
  name: 'analytics',
  summary: 'What was sent, delivered, read, answered, failed and what it cost',
  usage: `wahub analytics summary|timeseries|breakdown|failures [filters] [--csv | --json]
    Figures from the hourly rollups (folded up to now first).
  filters: --from YYYY-MM-DD  --to YYYY-MM-DD (exclusive; default the last 7 days)
           --tenant NAME|ID  --number ID|PHONE_NUMBER_ID  --template NAME
           --category marketing|utility|authentication|service  --country AR  --direction in|out
  timeseries: --interval hour|day (default day)
  breakdown:  --by ${breakdownDimensions.join('|')} (required)  --limit N
  failures:   --limit N   Meta's error codes with their meaning and fix
Examples:
  wahub analytics summary --tenant acme --from 2026-01-01
  wahub analytics breakdown --by country --csv > cost-by-country.csv`,
  async run(argv, io) {
    const [sub, ...rest] = argv
    const which = subcommand(sub, ['summary', 'timeseries', 'breakdown', 'failures'])
    const f = parseFlags(rest, { values: [...filterFlags, 'by', 'interval', 'limit'], booleans: ['csv'] })
    const by = f.value('by') as BreakdownDimension | undefined
    if (which === 'breakdown' && (!by || !breakdownDimensions.includes(by))) {
      throw new UsageError(`--by must be one of ${breakdownDimensions.join(', ')}`)
    }
    const interval = (f.value('interval') ?? 'day') as 'hour' | 'day'
    if (!['hour', 'day'].includes(interval)) throw new UsageError('--interval must be hour or day')
    const direction = f.value('direction') as 'in' | 'out' | undefined
    if (direction && !['in', 'out'].includes(direction)) throw new UsageError('--direction must be in or out')
    const limit = Number(f.value('limit') ?? (which === 'failures' ? 20 : 100))
    if (!Number.isInteger(limit) || limit < 1) throw new UsageError('--limit must be a positive whole number')
    return runAdmin(
      io,
      f.json,
      async (s): Promise<Record<string, unknown>[]> => {
        await foldRollups(s.db, {
          tables: await loadPriceTables(s.db),
          rowLocks: s.config.databaseUrl !== undefined,
        })
        const tenant = f.value('tenant')
        const filter = await resolveFilter(s.db, {
          from: f.value('from'),
          to: f.value('to'),
          tenantId: tenant ? (await findTenant(s.db, tenant)).id : null,
          number: f.value('number'),
          template: f.value('template'),
          category: f.value('category'),
          country: f.value('country'),
          direction,
        })
        if (which === 'summary') return [{ ...(await summary(s.db, filter)) }]
        if (which === 'timeseries')
          return (await timeseries(s.db, filter, interval)).map((p) => ({
            ...p,
            at: new Date(p.at).toISOString(),
          }))
        if (which === 'breakdown')
          return (await breakdown(s.db, filter, by as BreakdownDimension, limit)).map(({ key, ...r }) => ({
            [by as string]: key,
            ...r,
          }))
        return (await topFailures(s.db, filter, limit)) as unknown as Record<string, unknown>[]
      },
      (rows) => {
        if (f.has('csv'))
          return stringify(rows, {
            header: true,
            columns: rows.length > 0 ? Object.keys(rows[0]) : ['empty'],
          })
        if (rows.length === 0) return 'No messages in that range.\n'
        if (which === 'failures')
          return table([
            ['code', 'count', 'meaning', 'fix'],
            ...rows.map((r) => [r.code, r.count, r.meaning, r.fix] as string[]),
          ])
        const first = which === 'summary' ? [] : [which === 'timeseries' ? 'at' : (by as string)]
        return table([
          [...first, ...headers],
          ...rows.map((r) => [
            ...first.map((c) => String(r[c] || '(none)')),
            ...figureCells(r as unknown as Figures),
          ]),
        ])
      },
    )
  },
}
