import type { Db } from '../db/connect.ts'

// An agent's notifications (a teammate mentioned them in a note), newest first.

export type Notification = {
  id: string
  kind: 'mention'
  conversationId: string
  activityId: string | null
  noteBody: string | null
  byUserId: string | null
  readAt: number | null
  createdAt: number
}

export async function listNotifications(
  db: Db,
  userId: string,
  filter: { unread?: boolean; limit: number },
): Promise<{ notifications: Notification[]; unread: number }> {
  let query = db
    .selectFrom('notifications as n')
    .leftJoin('conversation_activity as a', 'a.id', 'n.activity_id')
    .select([
      'n.id',
      'n.kind',
      'n.conversation_id',
      'n.activity_id',
      'a.body',
      'a.actor_user_id',
      'n.read_at',
      'n.created_at',
    ])
    .where('n.user_id', '=', userId)
  if (filter.unread) query = query.where('n.read_at', 'is', null)
  const rows = await query.orderBy('n.id', 'desc').limit(filter.limit).execute()
  const count = await db
    .selectFrom('notifications')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('user_id', '=', userId)
    .where('read_at', 'is', null)
    .executeTakeFirst()
  return {
    notifications: rows.map((r) => ({
      id: r.id,
      kind: r.kind,
      conversationId: r.conversation_id,
      activityId: r.activity_id,
      noteBody: r.body,
      byUserId: r.actor_user_id,
      readAt: r.read_at,
      createdAt: r.created_at,
    })),
    unread: Number(count?.n ?? 0),
  }
}

/** Marks one notification (or, with `id` undefined, all of them) read; false if it is not the user's. */
export async function markNotificationsRead(db: Db, userId: string, id?: string): Promise<boolean> {
  let query = db
    .updateTable('notifications')
    .set({ read_at: Date.now() })
    .where('user_id', '=', userId)
    .where('read_at', 'is', null)
  if (id) query = query.where('id', '=', id)
  const result = await query.executeTakeFirst()
  if (!id) return true
  if (Number(result.numUpdatedRows) === 1) return true
  const exists = await db
    .selectFrom('notifications')
    .select('id')
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .executeTakeFirst()
  return exists !== undefined
}
