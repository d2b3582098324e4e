import type { Kysely } from 'kysely'
import type { DialectCapabilities } from '../dialect.ts'

// Issue 20: the website chat widget (seed 002). One row per tenant: its publishable key (public
// by design: it names the tenant, it grants nothing), the origins allowed to use it, what the
// visitor gets (an approved template, or a wa.me link) and an optional CAPTCHA verify URL.

export async function up(db: Kysely<unknown>, _caps: DialectCapabilities): Promise<void> {
  await db.schema
    .createTable('widget_settings')
    .addColumn('tenant_id', 'text', (c) => c.primaryKey())
    .addColumn('public_key', 'text', (c) => c.notNull().unique())
    .addColumn('enabled', 'integer', (c) => c.notNull())
    .addColumn('allowed_origins', 'text', (c) => c.notNull()) // JSON array of origins
    .addColumn('reply_mode', 'text', (c) => c.notNull()) // template | link
    .addColumn('template_name', 'text')
    .addColumn('template_language', 'text')
    .addColumn('captcha_verify_url', 'text')
    .addColumn('updated_at', 'int8', (c) => c.notNull())
    .execute()
}
