import type { Insertable, Selectable } from 'kysely'
import type { Db } from '../db/connect.ts'
import type { MessagesTable } from '../db/schema.ts'
import { newId } from '../ids.ts'

// The messages table. Inbound rows are created here; outbound rows by messaging/ through
// the same functions. (phone number, wamid) is unique: a re-delivered webhook inserts nothing.

export type MessageRow = Selectable<MessagesTable>

export type NewInbound = {
  tenantId: string
  conversationId: string
  numberRowId: string
  contactId: string
  type: string
  content: unknown
  wamid: string
  metaTimestamp: number | null
  contextWamid: string | null
  errorCode?: number | null
  errorTitle?: string | null
  errorDetails?: string | null
}

/** The row insertInbound writes. */
export function inboundRow(
  input: NewInbound,
  now = Date.now(),
  id = newId('msg'),
): Insertable<MessagesTable> {
  return {
    id,
    tenant_id: input.tenantId,
    conversation_id: input.conversationId,
    phone_number_id: input.numberRowId,
    contact_id: input.contactId,
    direction: 'in',
    type: input.type,
    content: JSON.stringify(input.content),
    wamid: input.wamid,
    status: 'received',
    status_at: input.metaTimestamp ?? now,
    meta_timestamp: input.metaTimestamp,
    error_code: input.errorCode ?? null,
    error_title: input.errorTitle ?? null,
    error_details: input.errorDetails ?? null,
    error_explanation: null,
    pricing_model: null,
    pricing_category: null,
    pricing_type: null,
    billable: null,
    context_wamid: input.contextWamid,
    source: 'webhook',
    created_by: null,
    created_at: now,
    updated_at: now,
  }
}

/** Inserts an inbound message; `inserted: false` when this wamid was already stored. */
export async function insertInbound(
  db: Db,
  input: NewInbound,
  now = Date.now(),
): Promise<{ id: string; inserted: boolean }> {
  const row = inboundRow(input, now)
  const id = row.id
  const result = await db
    .insertInto('messages')
    .values(row)
    .onConflict((oc) => oc.columns(['phone_number_id', 'wamid']).doNothing())
    .executeTakeFirst()
  if (Number(result.numInsertedOrUpdatedRows ?? 0) === 1) return { id, inserted: true }
  const existing = await findByWamid(db, input.numberRowId, input.wamid)
  return { id: existing?.id ?? id, inserted: false }
}

/**
 * Inbound rows whose wamids the caller found new (inbox/inbound-batch.ts), in multi-row
 * statements. One already stored (another transaction stored it meanwhile) throws: what the
 * caller did for it as new must not commit.
 */
export async function insertNewInbound(db: Db, rows: readonly Insertable<MessagesTable>[]): Promise<void> {
  for (let at = 0; at < rows.length; at += 200) {
    const chunk = rows.slice(at, at + 200)
    const inserted = await db
      .insertInto('messages')
      .values(chunk)
      .onConflict((oc) => oc.columns(['phone_number_id', 'wamid']).doNothing())
      .returning('id')
      .execute()
    if (inserted.length !== chunk.length)
      throw new Error(
        `${chunk.length - inserted.length} of ${chunk.length} inbound messages were stored by another transaction meanwhile`,
      )
  }
}

export async function findByWamid(
  db: Db,
  numberRowId: string,
  wamid: string,
): Promise<MessageRow | undefined> {
  return db
    .selectFrom('messages')
    .selectAll()
    .where('phone_number_id', '=', numberRowId)
    .where('wamid', '=', wamid)
    .executeTakeFirst()
}

export async function getMessage(db: Db, tenantId: string, id: string): Promise<MessageRow | undefined> {
  return db
    .selectFrom('messages')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .executeTakeFirst()
}

/** A thread page, newest first; `before` is the id of the oldest message already shown. */
export async function listThread(
  db: Db,
  tenantId: string,
  conversationId: string,
  page: { before?: string; limit: number },
): Promise<MessageRow[]> {
  let query = db
    .selectFrom('messages')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('conversation_id', '=', conversationId)
    .orderBy('id', 'desc')
    .limit(page.limit)
  if (page.before) query = query.where('id', '<', page.before)
  return query.execute()
}
