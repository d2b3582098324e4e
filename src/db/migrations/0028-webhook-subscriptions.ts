import { type Kysely, sql } from 'kysely'
import type { DialectCapabilities } from '../dialect.ts'

// Issue 20: webhook subscriptions (several URLs per tenant, each with its event filter and its
// own secret), the state of each event's delivery to each subscription, and every attempt (the
// delivery log). The tenant's single callback URL becomes one subscription flagged `legacy`
// (its secret stays vault ciphertext under the tenant row's context, so it is copied as is;
// decision 0065).

export async function up(db: Kysely<unknown>, _caps: DialectCapabilities): Promise<void> {
  await db.schema
    .createTable('webhook_subscriptions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('events', 'text', (c) => c.notNull()) // JSON array of kinds and wildcards
    .addColumn('secret_enc', 'text')
    .addColumn('legacy', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('disabled_reason', 'text')
    .addColumn('failing_since', 'int8')
    .addColumn('created_at', 'int8', (c) => c.notNull())
    .addColumn('updated_at', 'int8', (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('webhook_subscriptions_tenant')
    .on('webhook_subscriptions')
    .column('tenant_id')
    .execute()
  await db.schema
    .createTable('webhook_deliveries')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('subscription_id', 'text', (c) => c.notNull())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('event_id', 'int8', (c) => c.notNull())
    .addColumn('event_kind', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull()) // pending | delivered | failed
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'int8', (c) => c.notNull())
    .addColumn('updated_at', 'int8', (c) => c.notNull())
    .addUniqueConstraint('webhook_deliveries_event', ['subscription_id', 'event_id'])
    .execute()
  await db.schema
    .createIndex('webhook_deliveries_status')
    .on('webhook_deliveries')
    .columns(['subscription_id', 'status', 'updated_at'])
    .execute()
  await db.schema
    .createTable('webhook_attempts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('subscription_id', 'text', (c) => c.notNull())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('delivery_id', 'text') // null for a test event
    .addColumn('event_id', 'int8')
    .addColumn('event_kind', 'text', (c) => c.notNull())
    .addColumn('webhook_id', 'text', (c) => c.notNull())
    .addColumn('http_status', 'integer')
    .addColumn('ok', 'integer', (c) => c.notNull())
    .addColumn('latency_ms', 'integer', (c) => c.notNull())
    .addColumn('response_excerpt', 'text')
    .addColumn('error', 'text')
    .addColumn('at', 'int8', (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('webhook_attempts_subscription')
    .on('webhook_attempts')
    .columns(['subscription_id', 'at'])
    .execute()
  // The tenant's callback URL, one subscription each, receiving every event as before.
  const now = Date.now()
  await sql`insert into webhook_subscriptions
      (id, tenant_id, url, description, events, secret_enc, legacy, enabled, created_at, updated_at)
    select 'whs_cb_' || id, id, callback_url, 'Callback URL', '["*"]', callback_secret_enc, 1, 1, ${now}, ${now}
    from tenants where callback_url is not null`.execute(db)
}
