import { type Kysely, sql } from 'kysely'
import type { DialectCapabilities } from '../dialect.ts'

// Team inbox (issue 16, SPEC §13): conversation status open / pending / resolved (the old
// 'closed' becomes 'resolved'), agents' presence and the round-robin mark, the tenant's
// auto-assignment switch, the thread's activity lines and private notes, @mention
// notifications, tenant labels, canned replies. Same conventions as 0001
// (docs/decisions/0003-portable-schema.md).

export async function up(db: Kysely<unknown>, _caps: DialectCapabilities): Promise<void> {
  const schema = db.schema
  await sql`update conversations set status = 'resolved' where status = 'closed'`.execute(db)
  await schema
    .createIndex('conversations_tenant_assignee')
    .on('conversations')
    .columns(['tenant_id', 'assignee_user_id', 'last_message_at'])
    .execute()

  await schema
    .alterTable('users')
    .addColumn('presence', 'text', (c) => c.notNull().defaultTo('away'))
    .execute()
  await schema.alterTable('users').addColumn('last_assigned_at', 'int8').execute()
  await schema
    .alterTable('tenants')
    .addColumn('auto_assign', 'integer', (c) => c.notNull().defaultTo(0))
    .execute()

  // What happened in a conversation besides messages: status changes, assignments, labels,
  // and private notes (kind 'note', never sent to WhatsApp). Shown in the thread in time order.
  await schema
    .createTable('conversation_activity')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('conversation_id', 'text', (c) =>
      c.notNull().references('conversations.id').onDelete('cascade'),
    )
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('actor_user_id', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('body', 'text')
    .addColumn('data', 'text')
    .addColumn('created_at', 'int8', (c) => c.notNull())
    .execute()
  await schema
    .createIndex('conversation_activity_thread')
    .on('conversation_activity')
    .columns(['conversation_id', 'id'])
    .execute()

  // A teammate @mentioned in a note: shown in their dashboard until read.
  await schema
    .createTable('notifications')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('conversation_id', 'text', (c) =>
      c.notNull().references('conversations.id').onDelete('cascade'),
    )
    .addColumn('activity_id', 'text', (c) => c.references('conversation_activity.id').onDelete('cascade'))
    .addColumn('read_at', 'int8')
    .addColumn('created_at', 'int8', (c) => c.notNull())
    .execute()
  await schema.createIndex('notifications_user').on('notifications').columns(['user_id', 'id']).execute()

  await schema
    .createTable('labels')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('color', 'text', (c) => c.notNull())
    .addColumn('created_at', 'int8', (c) => c.notNull())
    .addColumn('updated_at', 'int8', (c) => c.notNull())
    .addUniqueConstraint('labels_tenant_name', ['tenant_id', 'name'])
    .execute()
  await schema
    .createTable('conversation_labels')
    .addColumn('conversation_id', 'text', (c) =>
      c.notNull().references('conversations.id').onDelete('cascade'),
    )
    .addColumn('label_id', 'text', (c) => c.notNull().references('labels.id').onDelete('cascade'))
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'int8', (c) => c.notNull())
    .addPrimaryKeyConstraint('conversation_labels_pk', ['conversation_id', 'label_id'])
    .execute()
  await schema
    .createIndex('conversation_labels_label')
    .on('conversation_labels')
    .columns(['label_id', 'conversation_id'])
    .execute()

  await schema
    .createTable('canned_replies')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('shortcut', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text')
    .addColumn('created_at', 'int8', (c) => c.notNull())
    .addColumn('updated_at', 'int8', (c) => c.notNull())
    .addUniqueConstraint('canned_replies_tenant_shortcut', ['tenant_id', 'shortcut'])
    .execute()
}
