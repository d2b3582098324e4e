import type { Kysely } from 'kysely'
import type { DialectCapabilities } from '../dialect.ts'

// Issue 20, the dashboard's delivery log: each attempt shows which try of its delivery it was
// ("attempt 3"), counted over the delivery's attempts; this index finds them by delivery.
// Owned by delivery/ (decision 0066).

export async function up(db: Kysely<unknown>, _caps: DialectCapabilities): Promise<void> {
  await db.schema
    .createIndex('webhook_attempts_delivery')
    .on('webhook_attempts')
    .columns(['delivery_id', 'at'])
    .execute()
}
