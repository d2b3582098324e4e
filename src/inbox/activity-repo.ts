import type { Db } from '../db/connect.ts'
import type { ConversationActivityTable } from '../db/schema.ts'
import { newId } from '../ids.ts'

// The thread's activity lines (status changes, assignments, labels) and private notes, in the
// order they happened. Notes are never sent to WhatsApp.

export type ActivityKind = ConversationActivityTable['kind']

export type Activity = {
  id: string
  conversationId: string
  kind: ActivityKind
  actor: string
  actorUserId: string | null
  body: string | null
  data: Record<string, unknown>
  createdAt: number
}

export async function recordActivity(
  db: Db,
  entry: {
    tenantId: string
    conversationId: string
    kind: ActivityKind
    actor: string
    actorUserId?: string | null
    body?: string | null
    data?: Record<string, unknown>
    at?: number
  },
): Promise<Activity> {
  const createdAt = entry.at ?? Date.now()
  const row = {
    id: newId('act', createdAt),
    tenant_id: entry.tenantId,
    conversation_id: entry.conversationId,
    kind: entry.kind,
    actor: entry.actor,
    actor_user_id: entry.actorUserId ?? null,
    body: entry.body ?? null,
    data: entry.data ? JSON.stringify(entry.data) : null,
    created_at: createdAt,
  }
  await db.insertInto('conversation_activity').values(row).execute()
  return toActivity(row)
}

function toActivity(row: ConversationActivityTable): Activity {
  return {
    id: row.id,
    conversationId: row.conversation_id,
    kind: row.kind,
    actor: row.actor,
    actorUserId: row.actor_user_id,
    body: row.body,
    data: row.data ? (JSON.parse(row.data) as Record<string, unknown>) : {},
    createdAt: row.created_at,
  }
}

/** Newest first, like the thread; `before` = an activity id from the previous page. */
export async function listActivity(
  db: Db,
  tenantId: string,
  conversationId: string,
  page: { before?: string; limit: number },
): Promise<Activity[]> {
  let query = db
    .selectFrom('conversation_activity')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('conversation_id', '=', conversationId)
  if (page.before) query = query.where('id', '<', page.before)
  const rows = await query.orderBy('id', 'desc').limit(page.limit).execute()
  return rows.map(toActivity)
}
