import type { Kysely } from 'kysely'
import type { DialectCapabilities } from '../dialect.ts'

// The team inbox's contact panel (issue 16): a name the team gives the contact (shown instead
// of the WhatsApp profile name), custom attributes (JSON object of strings), when the business
// blocked them, and the history of their number changes (system `user_changed_number`).

export async function up(db: Kysely<unknown>, _caps: DialectCapabilities): Promise<void> {
  const schema = db.schema
  await schema.alterTable('contacts').addColumn('name', 'text').execute()
  await schema.alterTable('contacts').addColumn('attributes', 'text').execute()
  await schema.alterTable('contacts').addColumn('blocked_at', 'int8').execute()
  await schema
    .createTable('contact_number_changes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('contact_id', 'text', (c) => c.notNull().references('contacts.id').onDelete('cascade'))
    .addColumn('old_wa_id', 'text', (c) => c.notNull())
    .addColumn('new_wa_id', 'text', (c) => c.notNull())
    .addColumn('at', 'int8', (c) => c.notNull())
    .execute()
  await schema
    .createIndex('contact_number_changes_contact')
    .on('contact_number_changes')
    .columns(['contact_id', 'at'])
    .execute()
}
