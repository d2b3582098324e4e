import { type Kysely, sql } from 'kysely'
import type { DialectCapabilities } from '../dialect.ts'

// PostgreSQL only (decision 0113). The analytics fold writes `analytics_folded` for messages that
// are still being sent; its foreign key to `messages` took a KEY SHARE lock on each of them,
// while a send's group commit, storing the wamid (a column of the unique (phone_number_id, wamid)
// index, so a key update), locks its messages FOR UPDATE in another order: the two deadlocked
// under load (PostgreSQL waits deadlock_timeout, one second, before breaking it — a second
// without sends). The fold's own table needs no lock on messages: a row of it is the fold's
// memory of one message's contribution, read only by the fold, by message id. A message is
// deleted only with its tenant (cascade); its folded row then stays behind, unread. SQLite,
// whose writers take no row locks, keeps the key.

export async function up(db: Kysely<unknown>, caps: DialectCapabilities): Promise<void> {
  if (!caps.multiProcess) return
  await sql`alter table analytics_folded drop constraint if exists analytics_folded_message_id_fkey`.execute(
    db,
  )
}
