import type { Kysely } from 'kysely'
import type { DialectCapabilities } from '../dialect.ts'

// Indexes the inbox's read side needs at 100,000 conversations and 1,000,000 messages
// (bench/inbox.ts, docs/PERFORMANCE.md): each conversation-list filter walks an index already in
// the list's order (last activity, newest first) instead of scanning and sorting.
// - by status, and by number: the filter's column, then the list order;
// - unread: a partial index of the few conversations with unread messages;
// - across tenants (an operator's inbox): the list order alone;
// - a thread page (tenant, conversation, newest first): without it SQLite walked the tenant's
//   messages in id order (messages_tenant) looking for the conversation's — 0.5 s at 100,000.

export const inboxIndexes: {
  name: string
  table: 'conversations' | 'messages'
  columns: string[]
  where?: 'unread'
}[] = [
  { name: 'messages_tenant_thread', table: 'messages', columns: ['tenant_id', 'conversation_id', 'id'] },
  {
    name: 'conversations_tenant_status_activity',
    table: 'conversations',
    columns: ['tenant_id', 'status', 'last_message_at', 'id'],
  },
  {
    name: 'conversations_number_activity',
    table: 'conversations',
    columns: ['phone_number_id', 'last_message_at', 'id'],
  },
  {
    name: 'conversations_unread_activity',
    table: 'conversations',
    columns: ['tenant_id', 'last_message_at', 'id'],
    where: 'unread',
  },
  { name: 'conversations_activity', table: 'conversations', columns: ['last_message_at', 'id'] },
]

export async function createInboxIndexes(db: Kysely<unknown>): Promise<void> {
  for (const index of inboxIndexes) {
    let create = db.schema.createIndex(index.name).ifNotExists().on(index.table).columns(index.columns)
    if (index.where === 'unread') create = create.where('unread_count', '>', 0)
    await create.execute()
  }
}

export async function up(db: Kysely<unknown>, _caps: DialectCapabilities): Promise<void> {
  await createInboxIndexes(db)
}
