import { type Kysely, sql } from 'kysely'
import type { DialectCapabilities } from '../dialect.ts'

// Analytics, second part (issue 19; docs/decisions/0046, 0047, 0048): time to first response and
// to resolution, the daily marginals that keep 30-day queries over every tenant fast, the
// resolutions measured from the team inbox's status changes, and the monthly volume per WABA ×
// market × category that volume tiers are priced from. Same conventions as 0001.

const counters = [
  'messages',
  'delivered',
  'read',
  'failed',
  'replies',
  'billable',
  'unpriced',
  'cbp',
  'opt_outs',
  'cost_micros',
  'first_responses',
  'first_response_ms',
  'resolutions',
  'resolution_ms',
] as const

const dayMs = 86_400_000

export async function up(db: Kysely<unknown>, _caps: DialectCapabilities): Promise<void> {
  const schema = db.schema
  for (const c of ['first_responses', 'resolutions'])
    await schema
      .alterTable('analytics_hourly')
      .addColumn(c, 'integer', (col) => col.notNull().defaultTo(0))
      .execute()
  for (const c of ['first_response_ms', 'resolution_ms'])
    await schema
      .alterTable('analytics_hourly')
      .addColumn(c, 'int8', (col) => col.notNull().defaultTo(0))
      .execute()

  // One row per tenant × UTC day × direction × dimension × value: the day's figures of each
  // value of one dimension (dimension '' = the day's totals). A query over whole days without a
  // filter beyond tenant and direction — or with one filter, on the dimension it groups by or
  // the totals — reads these instead of every hourly bucket.
  let daily = schema
    .createTable('analytics_daily')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('day', 'int8', (c) => c.notNull()) // epoch ms of the day's start (UTC)
    .addColumn('direction', 'text', (c) => c.notNull())
    .addColumn('dimension', 'text', (c) => c.notNull()) // '' | number | template | category | country | outcome | error
    .addColumn('value', 'text', (c) => c.notNull())
  for (const c of counters)
    daily = daily.addColumn(c, c.endsWith('_ms') || c === 'cost_micros' ? 'int8' : 'integer', (col) =>
      col.notNull().defaultTo(0),
    )
  await daily
    .addUniqueConstraint('analytics_daily_key', ['tenant_id', 'dimension', 'day', 'value', 'direction'])
    .execute()
  await schema
    .createIndex('analytics_daily_range')
    .on('analytics_daily')
    .columns(['dimension', 'day'])
    .execute()

  await backfillDaily(db)

  // Each resolution of a conversation (a status change to resolved), measured once: when the
  // customer's first message of that episode came, when the business first answered it.
  await schema
    .createTable('analytics_resolutions')
    .addColumn('activity_id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('conversation_id', 'text', (c) => c.notNull())
    .addColumn('opened_at', 'int8') // null: resolved with no customer message since the last resolution
    .addColumn('first_response_at', 'int8')
    .addColumn('resolved_at', 'int8', (c) => c.notNull())
    .execute()

  // Billable utility / authentication messages per WABA × calendar month (UTC) × market ×
  // category, counted as the fold prices them: the position of the next one in Meta's volume tiers.
  await schema
    .createTable('analytics_volume')
    .addColumn('waba_id', 'text', (c) => c.notNull())
    .addColumn('month', 'text', (c) => c.notNull()) // YYYY-MM
    .addColumn('market', 'text', (c) => c.notNull())
    .addColumn('category', 'text', (c) => c.notNull())
    .addColumn('count', 'int8', (c) => c.notNull())
    .addPrimaryKeyConstraint('analytics_volume_pk', ['waba_id', 'month', 'market', 'category'])
    .execute()
  await schema.alterTable('message_costs').addColumn('volume_rank', 'int8').execute()
  // An imported card's volume tiers: JSON { market: { utility|authentication: [{ from, micros }] } }.
  await schema.alterTable('price_tables').addColumn('tiers', 'text').execute()
}

const columns: Record<string, string> = {
  number: 'phone_number_id',
  template: 'template',
  category: 'category',
  country: 'country',
  outcome: 'outcome',
  error: 'cast(error_code as text)',
}

/**
 * Fills analytics_daily from the hourly rollups already folded: the totals, each dimension's
 * values, and each filter value × another dimension's values (src/analytics/daily.ts keeps them
 * from then on; the two must agree, which test/analytics/reconcile.test.ts checks).
 */
export async function backfillDaily(db: Kysely<unknown>): Promise<void> {
  const sums = counters.map((c) => `sum(${c})`).join(', ')
  const cols = counters.join(', ')
  const day = `hour - (hour % ${dayMs})`
  // PostgreSQL refuses a constant in GROUP BY: group by the computed parts only.
  const constant = (expr: string) => /^'[^']*'$/.test(expr)
  const insert = (dimension: string, value: string, where = '') =>
    sql
      .raw(
        `insert into analytics_daily (tenant_id, day, direction, dimension, value, ${cols})
         select tenant_id, ${day}, direction, ${dimension}, ${value}, ${sums}
         from analytics_hourly ${where}
         group by tenant_id, ${day}, direction${constant(dimension) ? '' : `, ${dimension}`}${constant(value) ? '' : `, ${value}`}`,
      )
      .execute(db)
  const failed = (by: string) => (by === 'error' ? "where outcome = 'failed'" : '')
  await insert("''", "''")
  for (const [by, expr] of Object.entries(columns)) await insert(`'${by}'`, expr, failed(by))
  for (const filter of ['number', 'template', 'category', 'country']) {
    for (const [by, expr] of Object.entries(columns)) {
      if (by !== filter) await insert(`'${filter}>${by}:' || ${columns[filter]}`, expr, failed(by))
    }
  }
}
