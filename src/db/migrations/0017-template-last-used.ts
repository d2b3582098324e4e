import type { Kysely } from 'kysely'
import type { DialectCapabilities } from '../dialect.ts'

// Issue 17: the Templates page shows when each template was last sent. Written by the send
// service after a template send commits, at most once a minute per template (templates-repo.ts).

export async function up(db: Kysely<unknown>, _caps: DialectCapabilities): Promise<void> {
  await db.schema.alterTable('templates').addColumn('last_used_at', 'int8').execute()
}
