import type { Kysely } from 'kysely'
import type { DialectCapabilities } from '../dialect.ts'

// The analytics fold (analytics/rollup.ts) reads the messages changed since its cursor, a page
// at a time, in (updated_at, id) order. With an index on updated_at alone each page sorted every
// message changed since the cursor: after a burst (150,000 statuses in a minute) one page read
// them all, holding SQLite's write lock for seconds while webhook processing waited on it. An
// index on (updated_at, id) serves the row-value cursor directly; it replaces the narrower one,
// which every other reader of updated_at can use in its place. The fold's first-response measure
// asks, per outbound message, for the first inbound and outbound message of its conversation after
// a moment: (conversation_id, direction, created_at) answers each with one index seek instead of
// walking the conversation's whole thread (decision 0092).

export async function up(db: Kysely<unknown>, _caps: DialectCapabilities): Promise<void> {
  await db.schema.createIndex('messages_changed').on('messages').columns(['updated_at', 'id']).execute()
  await db.schema.dropIndex('messages_updated').execute()
  await db.schema
    .createIndex('messages_episode')
    .on('messages')
    .columns(['conversation_id', 'direction', 'created_at'])
    .execute()
}
