import { sql } from 'kysely'
import type { Db } from '../db/connect.ts'
import { newId } from '../ids.ts'
import type { MessageRow } from '../inbox/messages-repo.ts'

// Outbound rows of the messages table and their own history (message_transitions). Inbound
// rows belong to inbox/; messaging/ writes only `direction = 'out'` rows and moves them
// through queued → sending → sent | failed | unknown. Every move is guarded by the status it
// expects, so a worker that lost its job (or a retry racing a send) changes nothing.

export type OutboundError = {
  code: number | null
  title: string | null
  details: string | null
  explanation: string | null
}

export type NewOutbound = {
  tenantId: string
  conversationId: string
  numberRowId: string
  contactId: string
  type: string
  /** The exact body POSTed to Meta. */
  body: unknown
  contextWamid: string | null
  source: string
  createdBy: string | null
}

export async function insertOutbound(db: Db, m: NewOutbound, now = Date.now()): Promise<string> {
  const [id] = await insertOutboundMany(db, [m], now)
  return id
}

/** insertOutbound for many messages: multi-row inserts of the rows and their `queued` history. */
export async function insertOutboundMany(
  db: Db,
  list: readonly NewOutbound[],
  now = Date.now(),
): Promise<string[]> {
  const ids = list.map(() => newId('msg', now))
  for (let i = 0; i < list.length; i += 500) {
    await db
      .insertInto('messages')
      .values(
        list.slice(i, i + 500).map((m, j) => ({
          id: ids[i + j],
          tenant_id: m.tenantId,
          conversation_id: m.conversationId,
          phone_number_id: m.numberRowId,
          contact_id: m.contactId,
          direction: 'out',
          type: m.type,
          content: JSON.stringify(m.body),
          wamid: null,
          status: 'queued',
          status_at: now,
          meta_timestamp: null,
          error_code: null,
          error_title: null,
          error_details: null,
          error_explanation: null,
          pricing_model: null,
          pricing_category: null,
          pricing_type: null,
          billable: null,
          context_wamid: m.contextWamid,
          source: m.source,
          created_by: m.createdBy,
          created_at: now,
          updated_at: now,
        })),
      )
      .execute()
  }
  for (let i = 0; i < list.length; i += 1000)
    await addTransitions(
      db,
      list
        .slice(i, i + 1000)
        .map((m, j) => ({ messageId: ids[i + j], tenantId: m.tenantId, status: 'queued', at: now })),
    )
  return ids
}

export type Transition = {
  messageId: string
  tenantId: string
  status: string
  at?: number
  detail?: Record<string, unknown>
}

export async function addTransition(db: Db, t: Transition): Promise<void> {
  const at = t.at ?? Date.now()
  await db
    .insertInto('message_transitions')
    .values({
      id: newId('mt', at),
      message_id: t.messageId,
      tenant_id: t.tenantId,
      status: t.status,
      at,
      detail: t.detail ? JSON.stringify(t.detail) : null,
    })
    .execute()
}

export async function listTransitions(db: Db, messageId: string) {
  const rows = await db
    .selectFrom('message_transitions')
    .select(['status', 'at', 'detail'])
    .where('message_id', '=', messageId)
    .orderBy('at')
    .orderBy('id')
    .execute()
  return rows.map((r) => ({
    status: r.status,
    at: r.at,
    detail: r.detail ? (JSON.parse(r.detail) as Record<string, unknown>) : null,
  }))
}

export async function loadOutbound(db: Db, id: string): Promise<MessageRow | undefined> {
  return db
    .selectFrom('messages')
    .selectAll()
    .where('id', '=', id)
    .where('direction', '=', 'out')
    .executeTakeFirst()
}

export async function findTenantMessage(
  db: Db,
  tenantId: string,
  idOrWamid: string,
): Promise<MessageRow | undefined> {
  return db
    .selectFrom('messages')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where((eb) => eb.or([eb('id', '=', idOrWamid), eb('wamid', '=', idOrWamid)]))
    .orderBy('created_at')
    .executeTakeFirst()
}

async function move(
  db: Db,
  id: string,
  from: readonly string[],
  set: Partial<{
    status: string
    wamid: string | null
    error_code: number | null
    error_title: string | null
    error_details: string | null
    error_explanation: string | null
  }>,
  now: number,
): Promise<boolean> {
  const result = await db
    .updateTable('messages')
    .set({ ...set, status_at: now, updated_at: now })
    .where('id', '=', id)
    .where('status', 'in', from)
    .executeTakeFirst()
  return Number(result.numUpdatedRows) === 1
}

/** The request may leave now: from here on a crash means `unknown`, never a silent resend. */
export function markSending(db: Db, id: string, now = Date.now()): Promise<boolean> {
  return move(db, id, ['queued'], { status: 'sending' }, now)
}

/** markSending for a group in one statement: the ids that moved. */
export async function markSendingMany(
  db: Db,
  ids: readonly string[],
  now = Date.now(),
): Promise<Set<string>> {
  if (ids.length === 0) return new Set()
  const rows = await db
    .updateTable('messages')
    .set({ status: 'sending', status_at: now, updated_at: now })
    .where('id', 'in', ids)
    .where('status', '=', 'queued')
    .returning('id')
    .execute()
  return new Set(rows.map((r) => r.id))
}

/** History rows of several messages in one statement. */
export async function addTransitions(db: Db, list: readonly Transition[]): Promise<void> {
  if (list.length === 0) return
  await db
    .insertInto('message_transitions')
    .values(
      list.map((t) => {
        const at = t.at ?? Date.now()
        return {
          id: newId('mt', at),
          message_id: t.messageId,
          tenant_id: t.tenantId,
          status: t.status,
          at,
          detail: t.detail ? JSON.stringify(t.detail) : null,
        }
      }),
    )
    .execute()
}

/** markAccepted for a group in one statement: the ids that moved. */
export async function markAcceptedMany(
  db: Db,
  list: readonly { id: string; wamid: string }[],
  now = Date.now(),
): Promise<Set<string>> {
  if (list.length === 0) return new Set()
  const values = sql.join(list.map((a) => sql`(${a.id}, ${a.wamid})`))
  const { rows } = await sql<{ id: string }>`with v(id, wamid) as (values ${values})
    update messages set status = 'sent', wamid = v.wamid, status_at = ${now}, updated_at = ${now}
    from v where messages.id = v.id and messages.status in ('sending', 'unknown')
    returning messages.id`.execute(db)
  return new Set(rows.map((r) => r.id))
}

/** Meta accepted it (HTTP 200 with a wamid). */
export function markAccepted(db: Db, id: string, wamid: string, now = Date.now()): Promise<boolean> {
  return move(db, id, ['sending', 'unknown'], { status: 'sent', wamid }, now)
}

/** Meta answered with an error that will be retried: the message did not leave. */
export function markQueuedAgain(db: Db, id: string, now = Date.now()): Promise<boolean> {
  return move(db, id, ['sending'], { status: 'queued' }, now)
}

export function markFailed(db: Db, id: string, error: OutboundError, now = Date.now()): Promise<boolean> {
  return move(
    db,
    id,
    ['sending', 'queued'],
    {
      status: 'failed',
      error_code: error.code,
      error_title: error.title,
      error_details: error.details,
      error_explanation: error.explanation,
    },
    now,
  )
}

export function markUnknown(db: Db, id: string, now = Date.now()): Promise<boolean> {
  return move(db, id, ['sending'], { status: 'unknown' }, now)
}

/** A deliberate resend (POST /messages/:id/retry): back to queued, the old error cleared. */
export function markRequeued(db: Db, id: string, now = Date.now()): Promise<boolean> {
  return move(
    db,
    id,
    ['unknown', 'failed'],
    { status: 'queued', error_code: null, error_title: null, error_details: null, error_explanation: null },
    now,
  )
}

/** Meta's status webhooks for this message (sent, delivered, read, failed), oldest first. */
export async function listMetaStatuses(db: Db, messageId: string) {
  const rows = await db
    .selectFrom('message_status_events')
    .select(['status', 'meta_timestamp', 'created_at', 'errors', 'pricing'])
    .where('message_id', '=', messageId)
    .execute()
  return rows.map((r) => ({
    status: r.status,
    at: r.meta_timestamp ?? r.created_at,
    errors: r.errors ? (JSON.parse(r.errors) as unknown[]) : null,
    pricing: r.pricing ? (JSON.parse(r.pricing) as unknown) : null,
  }))
}
