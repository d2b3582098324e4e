import { type Kysely, sql } from 'kysely'
import type { DialectCapabilities } from '../dialect.ts'

// Sending (issue 6): the history of an outbound message's own transitions, the cluster-wide
// rate lanes, the once-a-minute template auto-sync mark and the callback cursor. Same
// conventions as 0001 (docs/decisions/0003-portable-schema.md).

export async function up(db: Kysely<unknown>, _caps: DialectCapabilities): Promise<void> {
  const schema = db.schema

  // Wahub's own steps of an outbound message (queued, sending, sent = accepted by Meta,
  // throttled, retrying, failed, unknown, requeued); Meta's statuses stay in message_status_events.
  await schema
    .createTable('message_transitions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('message_id', 'text', (c) => c.notNull().references('messages.id').onDelete('cascade'))
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('at', 'int8', (c) => c.notNull())
    .addColumn('detail', 'text')
    .execute()
  await schema
    .createIndex('message_transitions_message')
    .on('message_transitions')
    .columns(['message_id', 'at'])
    .execute()

  // One row per number lane (`number:<id>`) and per number × recipient pair (`pair:<id>:<wa_id>`):
  // a GCRA "theoretical arrival time" in microseconds, booked atomically by every instance
  // (docs/decisions/0015-cluster-wide-rate-lanes.md).
  await schema
    .createTable('rate_lanes')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('tat_us', 'int8', (c) => c.notNull())
    .addColumn('strikes', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('slowed_until', 'int8', (c) => c.notNull().defaultTo(0))
    .addColumn('updated_at', 'int8', (c) => c.notNull())
    .execute()

  // When a send named an unknown template, the WABA is synced at most once a minute, whichever
  // instance asks first.
  await schema
    .createTable('template_sync_marks')
    .addColumn('waba_id', 'text', (c) => c.primaryKey().references('wabas.id').onDelete('cascade'))
    .addColumn('attempted_at', 'int8', (c) => c.notNull())
    .addColumn('completed_at', 'int8')
    .execute()

  // How far the events table has been forwarded to tenants' callback URLs, and ids skipped
  // because their transaction had not committed yet (PostgreSQL serials commit out of order).
  await schema
    .createTable('callback_cursor')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('last_event_id', 'int8', (c) => c.notNull())
    .addColumn('pending', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'int8', (c) => c.notNull())
    .execute()
  // Forwarding starts with the events written from now on (no flood of history on upgrade).
  await sql`insert into callback_cursor (name, last_event_id, pending, version, updated_at)
    select 'events', coalesce(max(id), 0), '[]', 0, ${Date.now()} from events`.execute(db)
}
