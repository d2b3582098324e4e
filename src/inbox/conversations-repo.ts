import { sql } from 'kysely'
import type { Db } from '../db/connect.ts'
import type { ConversationStatus } from '../db/schema.ts'
import { newId } from '../ids.ts'

// One conversation per phone number × contact (SPEC §4). The customer-service window is
// derived from `last_inbound_at`: free-form messages may be sent until 24 hours after it.

export const windowMs = 24 * 60 * 60 * 1000

export function windowClosesAt(lastInboundAt: number | null): number | null {
  return lastInboundAt === null ? null : lastInboundAt + windowMs
}

export function isWindowOpen(lastInboundAt: number | null, now = Date.now()): boolean {
  return lastInboundAt !== null && now < lastInboundAt + windowMs
}

export async function getOrCreateConversation(
  db: Db,
  tenantId: string,
  numberRowId: string,
  contactId: string,
  now = Date.now(),
): Promise<string> {
  return (await conversationForInbound(db, tenantId, numberRowId, contactId, now)).id
}

/** A conversation's workflow state as an inbound message needs it (conversation-workflow.ts). */
export type InboundConversation = {
  id: string
  tenant_id: string
  status: ConversationStatus
  assignee_user_id: string | null
  /** The tenant's round-robin setting (1 = on). */
  auto_assign: number
}

/**
 * getOrCreateConversation with the conversation's status, assignee and its tenant's round-robin
 * setting read in the same statement: an inbound message needs all of them (one statement per
 * message instead of three on the webhook thread's hottest path).
 */
export async function conversationForInbound(
  db: Db,
  tenantId: string,
  numberRowId: string,
  contactId: string,
  now = Date.now(),
): Promise<InboundConversation> {
  const find = () =>
    db
      .selectFrom('conversations as c')
      .innerJoin('tenants as t', 't.id', 'c.tenant_id')
      .select(['c.id', 'c.tenant_id', 'c.status', 'c.assignee_user_id', 't.auto_assign'])
      .where('c.phone_number_id', '=', numberRowId)
      .where('c.contact_id', '=', contactId)
      .executeTakeFirst()
  const existing = await find()
  if (existing) return existing
  await db
    .insertInto('conversations')
    .values({
      id: newId('cv'),
      tenant_id: tenantId,
      phone_number_id: numberRowId,
      contact_id: contactId,
      status: 'open',
      created_at: now,
      updated_at: now,
    })
    .onConflict((oc) => oc.columns(['phone_number_id', 'contact_id']).doNothing())
    .execute()
  return (await find())!
}

/**
 * Records activity on a conversation. Times only move forward, so a late or re-delivered
 * webhook cannot move the window or the preview back. An inbound message counts as unread
 * (it also reopens the conversation: conversation-workflow.ts).
 */
export async function touchConversation(
  db: Db,
  conversationId: string,
  activity: { at: number; preview: string; inbound: boolean; opensWindow: boolean },
): Promise<void> {
  await db
    .updateTable('conversations')
    .set((eb) => ({
      last_message_at: eb
        .case()
        .when(eb.or([eb('last_message_at', 'is', null), eb('last_message_at', '<', activity.at)]))
        .then(activity.at)
        .else(eb.ref('last_message_at'))
        .end(),
      last_message_preview: eb
        .case()
        .when(eb.or([eb('last_message_at', 'is', null), eb('last_message_at', '<=', activity.at)]))
        .then(activity.preview)
        .else(eb.ref('last_message_preview'))
        .end(),
      ...(activity.opensWindow
        ? {
            last_inbound_at: eb
              .case()
              .when(eb.or([eb('last_inbound_at', 'is', null), eb('last_inbound_at', '<', activity.at)]))
              .then(activity.at)
              .else(eb.ref('last_inbound_at'))
              .end(),
          }
        : {}),
      ...(activity.inbound ? { unread_count: eb('unread_count', '+', 1) } : {}),
      updated_at: Date.now(),
    }))
    .where('id', '=', conversationId)
    .execute()
}

/**
 * getOrCreateConversation for many contacts of one number in two statements (bulk sends):
 * contact id → conversation id.
 */
export async function ensureConversations(
  db: Db,
  tenantId: string,
  numberRowId: string,
  contactIds: readonly string[],
  now = Date.now(),
): Promise<Map<string, string>> {
  return (await openConversations(db, tenantId, numberRowId, contactIds, now, null)).ids
}

/**
 * ensureConversations whose new conversations start with an outbound message at `now` already
 * shown (its `preview`): `created` names them, so the caller moves the preview of the others
 * only (touchConversationsOutbound) — a campaign to new contacts then writes each conversation
 * once, not inserted then updated (at 100,000 recipients on SQLite the update was ~11 µs a
 * message, its two last_message_at index entries moved). The select reads only the contacts
 * whose conversation already existed.
 */
export async function openConversations(
  db: Db,
  tenantId: string,
  numberRowId: string,
  contactIds: readonly string[],
  now: number,
  preview: string | null,
): Promise<{ ids: Map<string, string>; created: Set<string> }> {
  const sorted = [...new Set(contactIds)].sort()
  const ids = new Map<string, string>()
  const created = new Set<string>()
  for (let i = 0; i < sorted.length; i += 500) {
    const chunk = sorted.slice(i, i + 500)
    const inserted = await db
      .insertInto('conversations')
      .values(
        chunk.map((contactId) => ({
          id: newId('cv', now),
          tenant_id: tenantId,
          phone_number_id: numberRowId,
          contact_id: contactId,
          status: 'open',
          ...(preview === null ? {} : { last_message_at: now, last_message_preview: preview }),
          created_at: now,
          updated_at: now,
        })),
      )
      .onConflict((oc) => oc.columns(['phone_number_id', 'contact_id']).doNothing())
      .returning(['id', 'contact_id'])
      .execute()
    for (const r of inserted) {
      ids.set(r.contact_id, r.id)
      created.add(r.id)
    }
    if (inserted.length === chunk.length) continue
    const rows = await db
      .selectFrom('conversations')
      .select(['id', 'contact_id'])
      .where('phone_number_id', '=', numberRowId)
      .where(
        'contact_id',
        'in',
        chunk.filter((c) => !ids.has(c)),
      )
      .execute()
    for (const r of rows) ids.set(r.contact_id, r.id)
  }
  return { ids, created }
}

/**
 * touchConversation of outbound messages (no window, not unread) for many conversations at
 * one time `at`, in one statement per 500: each conversation's preview moves unless it has a
 * later message already.
 */
export async function touchConversationsOutbound(
  db: Db,
  at: number,
  previews: ReadonlyMap<string, string>,
): Promise<void> {
  const list = [...previews.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  for (let i = 0; i < list.length; i += 500) {
    const chunk = list.slice(i, i + 500)
    const values = sql.join(chunk.map(([id, preview]) => sql`(${id}, ${preview})`))
    await sql`with v(id, preview) as (values ${values})
      update conversations set
        last_message_preview = case when conversations.last_message_at is null or conversations.last_message_at <= ${at} then v.preview else conversations.last_message_preview end,
        last_message_at = case when conversations.last_message_at is null or conversations.last_message_at < ${at} then ${at} else conversations.last_message_at end,
        updated_at = ${Date.now()}
      from v where conversations.id = v.id`.execute(db)
  }
}
