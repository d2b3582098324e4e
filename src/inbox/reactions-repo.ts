import type { Db } from '../db/connect.ts'
import { newId } from '../ids.ts'

// A reaction belongs to its target message (by wamid, SPEC §5), one per sender and direction.
// Removal (Meta omits `emoji`, older payloads send "") is stored as an empty emoji rather than a
// delete, with the reaction's time: a re-delivered older "👍" after a newer removal must not
// bring the reaction back.

export type ReactionInput = {
  tenantId: string
  numberRowId: string
  targetWamid: string
  fromContactId: string | null
  direction: 'in' | 'out'
  emoji: string
  wamid: string | null
  at: number
}

export async function applyReaction(db: Db, input: ReactionInput): Promise<void> {
  const target = await db
    .selectFrom('messages')
    .select('id')
    .where('phone_number_id', '=', input.numberRowId)
    .where('wamid', '=', input.targetWamid)
    .executeTakeFirst()
  const existing = await db
    .selectFrom('reactions')
    .select(['id', 'created_at'])
    .where('phone_number_id', '=', input.numberRowId)
    .where('target_wamid', '=', input.targetWamid)
    .where('direction', '=', input.direction)
    .where((eb) =>
      input.fromContactId === null
        ? eb('from_contact_id', 'is', null)
        : eb('from_contact_id', '=', input.fromContactId),
    )
    .executeTakeFirst()
  if (existing) {
    if (existing.created_at > input.at) return // an older reaction arriving late
    await db
      .updateTable('reactions')
      .set({ emoji: input.emoji, wamid: input.wamid, created_at: input.at, message_id: target?.id ?? null })
      .where('id', '=', existing.id)
      .execute()
    return
  }
  await db
    .insertInto('reactions')
    .values({
      id: newId('rx'),
      tenant_id: input.tenantId,
      message_id: target?.id ?? null,
      target_wamid: input.targetWamid,
      phone_number_id: input.numberRowId,
      from_contact_id: input.fromContactId,
      direction: input.direction,
      emoji: input.emoji,
      wamid: input.wamid,
      created_at: input.at,
    })
    .onConflict((oc) => oc.doNothing())
    .execute()
}

export type ReactionView = { emoji: string; direction: 'in' | 'out'; at: number }

/** Current reactions (removed ones left out) of the given messages, by message id. */
export async function reactionsFor(db: Db, messageIds: string[]): Promise<Map<string, ReactionView[]>> {
  const out = new Map<string, ReactionView[]>()
  if (messageIds.length === 0) return out
  const rows = await db
    .selectFrom('reactions')
    .select(['message_id', 'emoji', 'direction', 'created_at'])
    .where('message_id', 'in', messageIds)
    .where('emoji', '!=', '')
    .execute()
  for (const row of rows) {
    const list = out.get(row.message_id as string) ?? []
    list.push({ emoji: row.emoji, direction: row.direction as 'in' | 'out', at: row.created_at })
    out.set(row.message_id as string, list)
  }
  return out
}

/** Attach reactions that arrived before their target message was stored. */
export async function linkReactions(
  db: Db,
  numberRowId: string,
  wamid: string,
  messageId: string,
): Promise<void> {
  await db
    .updateTable('reactions')
    .set({ message_id: messageId })
    .where('phone_number_id', '=', numberRowId)
    .where('target_wamid', '=', wamid)
    .where('message_id', 'is', null)
    .execute()
}
