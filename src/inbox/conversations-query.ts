import { PostgresAdapter, sql } from 'kysely'
import type { Db } from '../db/connect.ts'
import type { ConversationStatus } from '../db/schema.ts'
import { windowMs } from './conversations-repo.ts'
import { type Label, labelsFor } from './labels-repo.ts'
import { matchesFor, type SearchMatch, searchHits } from './search-repo.ts'

// The inbox's read side: conversation lists with filters and a stable cursor, one conversation
// with its contact and window. `tenantId: null` is an operator reading across tenants.
// Sorted by last activity, newest first; the cursor is "<last_message_at>:<id>" of the last row
// shown, so pages never skip or repeat a conversation while new messages arrive.

export type ConversationFilter = {
  tenantId: string | null
  status?: ConversationStatus
  /** A user id, or null for unassigned conversations. */
  assigneeUserId?: string | null
  /** A label's id or name. */
  label?: string
  unread?: boolean
  windowOpen?: boolean
  /** Full-text search of message text and contact (search-repo.ts, decision 0057). */
  search?: string
  phoneNumberRowId?: string
  cursor?: string
  limit: number
  now?: number
}

/** A conversation as the inbox reads it (http/presenters/conversation.ts picks what leaves the API). */
export type Conversation = {
  id: string
  tenantId: string
  numberId: string
  phoneNumberId: string
  displayPhoneNumber: string | null
  contact: { id: string; waId: string | null; userId: string | null; name: string | null }
  status: ConversationStatus
  assigneeUserId: string | null
  unreadCount: number
  lastMessageAt: number | null
  lastMessagePreview: string | null
  lastInboundAt: number | null
  window: { open: boolean; closesAt: number | null }
  labels: Label[]
  /** False once the business number left the conversation's tenant: the thread is read-only. */
  numberInTenant: boolean
  /** With a search: why it was found (the newest matching message, or its contact). */
  match?: SearchMatch
}

/** Conversations alone: what the list's filters narrow (no join the filters do not need). */
function conversationsOnly(db: Db) {
  return db.selectFrom('conversations as c')
}

function baseQuery(db: Db) {
  return withColumns(conversationsOnly(db))
}

/** A conversation's row as the list shows it: with its contact and number. */
function withColumns(query: ReturnType<typeof conversationsOnly>) {
  return query
    .innerJoin('contacts as ct', 'ct.id', 'c.contact_id')
    .innerJoin('phone_numbers as p', 'p.id', 'c.phone_number_id')
    .select([
      'c.id',
      'c.tenant_id',
      'c.phone_number_id as number_id',
      'p.phone_number_id',
      'p.display_phone_number',
      'p.tenant_id as number_tenant_id',
      'c.contact_id',
      'ct.wa_id',
      'ct.user_id',
      'ct.profile_name',
      'ct.name as contact_name',
      'c.status',
      'c.assignee_user_id',
      'c.unread_count',
      'c.last_message_at',
      'c.last_message_preview',
      'c.last_inbound_at',
    ])
}

type Row = Awaited<ReturnType<ReturnType<typeof baseQuery>['execute']>>[number]

function toConversation(row: Row, now: number, labels: Label[] = []): Conversation {
  const closesAt = row.last_inbound_at === null ? null : row.last_inbound_at + windowMs
  return {
    id: row.id,
    tenantId: row.tenant_id,
    numberId: row.number_id,
    phoneNumberId: row.phone_number_id,
    displayPhoneNumber: row.display_phone_number,
    contact: {
      id: row.contact_id,
      waId: row.wa_id,
      userId: row.user_id,
      name: row.contact_name ?? row.profile_name,
    },
    status: row.status,
    assigneeUserId: row.assignee_user_id,
    unreadCount: row.unread_count,
    lastMessageAt: row.last_message_at,
    lastMessagePreview: row.last_message_preview,
    lastInboundAt: row.last_inbound_at,
    window: { open: closesAt !== null && now < closesAt, closesAt },
    labels,
    numberInTenant: row.number_tenant_id === row.tenant_id,
  }
}

export function parseCursor(cursor: string | undefined): { at: number; id: string } | undefined {
  if (!cursor) return undefined
  const [at, id] = cursor.split(':')
  if (!id || !/^\d+$/.test(at)) return undefined
  return { at: Number(at), id }
}

export async function listConversations(
  db: Db,
  filter: ConversationFilter,
): Promise<{ conversations: Conversation[]; nextCursor: string | null; searchCapped?: boolean }> {
  const now = filter.now ?? Date.now()
  let query = conversationsOnly(db)
  if (filter.tenantId) query = query.where('c.tenant_id', '=', filter.tenantId)
  if (filter.status) query = query.where('c.status', '=', filter.status)
  if (filter.assigneeUserId === null) query = query.where('c.assignee_user_id', 'is', null)
  else if (filter.assigneeUserId) query = query.where('c.assignee_user_id', '=', filter.assigneeUserId)
  if (filter.unread === true) query = query.where('c.unread_count', '>', 0)
  if (filter.unread === false) query = query.where('c.unread_count', '=', 0)
  if (filter.windowOpen === true) query = query.where('c.last_inbound_at', '>', now - windowMs)
  if (filter.windowOpen === false)
    query = query.where((eb) =>
      eb.or([eb('c.last_inbound_at', 'is', null), eb('c.last_inbound_at', '<=', now - windowMs)]),
    )
  if (filter.label) {
    const label = filter.label
    query = query.where((eb) =>
      eb.exists(
        eb
          .selectFrom('conversation_labels as cl')
          .innerJoin('labels as l', 'l.id', 'cl.label_id')
          .select('cl.label_id')
          .whereRef('cl.conversation_id', '=', 'c.id')
          .where((e) => e.or([e('l.id', '=', label), e('l.name', '=', label)])),
      ),
    )
  }
  if (filter.phoneNumberRowId) query = query.where('c.phone_number_id', '=', filter.phoneNumberRowId)
  const hits = filter.search ? await searchHits(db, filter.tenantId, filter.search) : undefined
  if (hits) {
    const ids = [...hits.messages.keys()]
    const contacts = [...hits.contacts]
    if (ids.length === 0 && contacts.length === 0)
      return { conversations: [], nextCursor: null, searchCapped: false }
    // The ids go as one parameter, an array (PostgreSQL) or a JSON list (SQLite): 2,000
    // parameters cost PostgreSQL 10 ms to plan, and SQLite a new prepared statement per count.
    const pg = db.getExecutor().adapter instanceof PostgresAdapter
    query = query.where((eb) => {
      const among = (column: 'c.id' | 'c.contact_id', values: string[]) =>
        pg
          ? eb(column, '=', eb.fn<string>('any', [eb.val(values)]))
          : eb(column, 'in', sql<string>`(select value from json_each(${JSON.stringify(values)}))`)
      return eb.or([
        ...(ids.length > 0 ? [among('c.id', ids)] : []),
        ...(contacts.length > 0 ? [among('c.contact_id', contacts)] : []),
      ])
    })
  }
  const cursor = parseCursor(filter.cursor)
  if (cursor) {
    // A row-value comparison, which both databases turn into one index range (an OR of the two
    // conditions made SQLite walk the filter's rows from the newest: 60 ms at page 20).
    query = query.where((eb) =>
      eb(eb.refTuple('c.last_message_at', 'c.id'), '<', eb.tuple(cursor.at, cursor.id)),
    )
  }
  if (hits) {
    // The found conversations (at most the hit cap, plus the contacts') are read by id and sorted
    // here, then only the page is read whole (decision 0086). Left to itself, PostgreSQL walks
    // every conversation newest first looking for them — 100 ms when the hits are old ones.
    const found = await query.select(['c.id', 'c.last_message_at']).execute()
    found.sort(
      (a, b) =>
        (b.last_message_at ?? 0) - (a.last_message_at ?? 0) || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0),
    )
    const pageIds = found.slice(0, filter.limit + 1).map((r) => r.id)
    if (pageIds.length === 0) return { conversations: [], nextCursor: null, searchCapped: hits.capped }
    query = conversationsOnly(db).where('c.id', 'in', pageIds)
  }
  // Conversations without any message yet (none in practice) sort last via coalesce-free order:
  // every conversation gets last_message_at with its first message.
  const rows = await withColumns(query)
    .orderBy('c.last_message_at', 'desc')
    .orderBy('c.id', 'desc')
    .limit(filter.limit + 1)
    .execute()
  const page = rows.slice(0, filter.limit)
  const last = page[page.length - 1]
  const labels = await labelsFor(
    db,
    page.map((r) => r.id),
  )
  const matches = hits
    ? await matchesFor(
        db,
        hits,
        page.map((r) => ({ id: r.id, contactId: r.contact_id })),
      )
    : undefined
  return {
    conversations: page.map((r) => {
      const conversation = toConversation(r, now, labels.get(r.id))
      const match = matches?.get(r.id)
      return match ? { ...conversation, match } : conversation
    }),
    nextCursor: rows.length > filter.limit && last ? `${last.last_message_at ?? 0}:${last.id}` : null,
    ...(hits ? { searchCapped: hits.capped } : {}),
  }
}

export async function getConversation(
  db: Db,
  tenantId: string | null,
  id: string,
  now = Date.now(),
): Promise<Conversation | undefined> {
  let query = baseQuery(db).where('c.id', '=', id)
  if (tenantId) query = query.where('c.tenant_id', '=', tenantId)
  const row = await query.executeTakeFirst()
  return row ? toConversation(row, now, (await labelsFor(db, [row.id])).get(row.id)) : undefined
}

/** The agent has seen the conversation. */
export async function markConversationRead(db: Db, tenantId: string | null, id: string): Promise<boolean> {
  let query = db
    .updateTable('conversations')
    .set({ unread_count: 0, updated_at: Date.now() })
    .where('id', '=', id)
  if (tenantId) query = query.where('tenant_id', '=', tenantId)
  const result = await query.executeTakeFirst()
  return Number(result.numUpdatedRows) === 1
}

export type UnreadCounts = { all: number; mine: number; unassigned: number }

/**
 * Conversations with unread messages in a tenant (null: every tenant, an operator; the inbox's badges): all of them, those
 * assigned to `userId` (0 without one) and the unassigned ones. One pass over the partial index
 * of unread conversations (migration 0004).
 */
export async function unreadCounts(
  db: Db,
  tenantId: string | null,
  userId: string | null,
): Promise<UnreadCounts> {
  let query = db
    .selectFrom('conversations')
    .select((eb) => [
      eb.fn.countAll().as('all'),
      eb.fn
        .sum(
          eb
            .case()
            .when('assignee_user_id', '=', userId ?? '')
            .then(1)
            .else(0)
            .end(),
        )
        .as('mine'),
      eb.fn.sum(eb.case().when('assignee_user_id', 'is', null).then(1).else(0).end()).as('unassigned'),
    ])
    .where('unread_count', '>', 0)
  if (tenantId) query = query.where('tenant_id', '=', tenantId)
  const row = await query.executeTakeFirst()
  return {
    all: Number(row?.all ?? 0),
    mine: Number(row?.mine ?? 0),
    unassigned: Number(row?.unassigned ?? 0),
  }
}
