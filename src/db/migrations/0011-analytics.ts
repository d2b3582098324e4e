import type { Kysely } from 'kysely'
import type { DialectCapabilities } from '../dialect.ts'

// Analytics and cost (issue 19): rate cards imported by operators (the bundled ones live in
// src/analytics/prices/), the cost estimate recorded per delivered message, the hourly rollups
// and the cursor that keeps them in step with `messages`, and the history of each number's
// quality rating, messaging limit and throughput level. Same conventions as 0001
// (docs/decisions/0003-portable-schema.md); money is integer millionths of the currency unit.

export async function up(db: Kysely<unknown>, _caps: DialectCapabilities): Promise<void> {
  const schema = db.schema

  await schema
    .createTable('price_tables')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('effective_from', 'text', (c) => c.notNull()) // YYYY-MM-DD (UTC)
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('rates', 'text', (c) => c.notNull()) // JSON: { market: { category: micros } }
    .addColumn('imported_at', 'int8', (c) => c.notNull())
    .addColumn('imported_by', 'text')
    .addUniqueConstraint('price_tables_effective', ['effective_from'])
    .execute()

  // The estimate of one delivered outbound message, recorded once (a later rate card does not
  // rewrite what was estimated under the card in force that day).
  await schema
    .createTable('message_costs')
    .addColumn('message_id', 'text', (c) => c.primaryKey().references('messages.id').onDelete('cascade'))
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('model', 'text', (c) => c.notNull()) // PMP | CBP | none
    .addColumn('category', 'text')
    .addColumn('market', 'text')
    .addColumn('currency', 'text')
    .addColumn('amount_micros', 'int8') // null: not priced (CBP, unknown market or category)
    .addColumn('price_table', 'text') // effective date of the card used
    .addColumn('delivered_at', 'int8', (c) => c.notNull())
    .addColumn('created_at', 'int8', (c) => c.notNull())
    .execute()

  // One row per hour × tenant × number × template × category × country × direction × outcome ×
  // error code. Absent dimensions are '' (or 0 for the code), so the key is a plain unique one.
  await schema
    .createTable('analytics_hourly')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('hour', 'int8', (c) => c.notNull()) // epoch ms of the hour's start (UTC)
    .addColumn('phone_number_id', 'text', (c) => c.notNull())
    .addColumn('template', 'text', (c) => c.notNull())
    .addColumn('category', 'text', (c) => c.notNull())
    .addColumn('country', 'text', (c) => c.notNull())
    .addColumn('direction', 'text', (c) => c.notNull())
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('error_code', 'integer', (c) => c.notNull())
    .addColumn('messages', 'integer', (c) => c.notNull())
    .addColumn('delivered', 'integer', (c) => c.notNull())
    .addColumn('read', 'integer', (c) => c.notNull())
    .addColumn('failed', 'integer', (c) => c.notNull())
    .addColumn('replies', 'integer', (c) => c.notNull())
    .addColumn('billable', 'integer', (c) => c.notNull())
    .addColumn('unpriced', 'integer', (c) => c.notNull())
    .addColumn('cbp', 'integer', (c) => c.notNull())
    .addColumn('opt_outs', 'integer', (c) => c.notNull())
    .addColumn('cost_micros', 'int8', (c) => c.notNull())
    .addUniqueConstraint('analytics_hourly_key', [
      'tenant_id',
      'hour',
      'phone_number_id',
      'template',
      'category',
      'country',
      'direction',
      'outcome',
      'error_code',
    ])
    .execute()
  await schema.createIndex('analytics_hourly_hour').on('analytics_hourly').columns(['hour']).execute()

  // What each message last added to analytics_hourly (its key and counters), so a change of
  // status moves it from one bucket to another exactly once, however often it is folded again.
  await schema
    .createTable('analytics_folded')
    .addColumn('message_id', 'text', (c) => c.primaryKey().references('messages.id').onDelete('cascade'))
    .addColumn('bucket', 'text', (c) => c.notNull())
    .addColumn('counts', 'text', (c) => c.notNull())
    .execute()

  // Which messages changed since the last fold, and which hours of a tenant to recompute.
  await schema.createIndex('messages_updated').on('messages').columns(['updated_at']).execute()
  await schema
    .createIndex('messages_tenant_created')
    .on('messages')
    .columns(['tenant_id', 'created_at'])
    .execute()

  await schema
    .createTable('analytics_cursor')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('updated_after', 'int8', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'int8', (c) => c.notNull())
    .execute()

  await schema
    .createTable('number_history')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('phone_number_id', 'text', (c) =>
      c.notNull().references('phone_numbers.id').onDelete('cascade'),
    )
    .addColumn('at', 'int8', (c) => c.notNull())
    .addColumn('quality_rating', 'text')
    .addColumn('messaging_limit_tier', 'text')
    .addColumn('throughput_level', 'text')
    .addColumn('source', 'text', (c) => c.notNull())
    .execute()
  await schema
    .createIndex('number_history_number')
    .on('number_history')
    .columns(['phone_number_id', 'at'])
    .execute()
}
