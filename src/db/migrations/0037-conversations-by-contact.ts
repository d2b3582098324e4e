import type { Kysely } from 'kysely'
import type { DialectCapabilities } from '../dialect.ts'

// Inbox search (decision 0086): a search that matches contacts (a name, a number) reads their
// conversations by contact_id. The only index holding contact_id led with phone_number_id, so
// each such search scanned every conversation (26 ms at 100,000 on PostgreSQL). The contact
// panel's conversations of a contact on every number use it too.

export async function up(db: Kysely<unknown>, _caps: DialectCapabilities): Promise<void> {
  await db.schema.createIndex('conversations_contact').on('conversations').columns(['contact_id']).execute()
}
