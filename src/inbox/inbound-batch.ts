import { type Insertable, sql } from 'kysely'
import type { Db } from '../db/connect.ts'
import type { MessagesTable } from '../db/schema.ts'
import { type EventKind, recordEvents } from '../events/events-repo.ts'
import type { ContactIdentity, ContactRow } from './contacts-repo.ts'
import type { InboundConversation } from './conversations-repo.ts'
import { insertNewInbound } from './messages-repo.ts'
import { type IndexedMessage, indexMessages } from './search-repo.ts'

// The inbound messages of one webhook processing transaction (webhooks/process-job.ts), placed
// with few statements (decision 0112). recordInbound (inbound.ts) asks this batch first:
//  - the batch's contacts and their conversations are read in one statement per tenant and
//    number before its first item (`prefetch`), so a message from a known customer reads nothing;
//    which of its wamids are stored already, in one more;
//  - the writes nothing in the transaction reads back — the message itself (when its wamid is
//    known to be new: stored neither before nor earlier in the batch), its search document, the
//    conversation's activity (preview, window, unread), the link of earlier reactions to the
//    message, its `message.received` event — are kept in order and written by `flush` in one
//    statement per table.
// Order is kept: `flush` runs before any other write of the transaction that could interleave
// with them (a contact or conversation-workflow change, a reaction, an opt-out, another item's
// event, the batch's statuses) and at the end, so tables receive their rows in the order the
// items came, as when each was written at once.

type Key = { waId: string | null; userId: string | null }
type PrefetchedContact = ContactRow & { createdAt: number }
type Touch = { conversationId: string; at: number; preview: string; inbound: boolean; opensWindow: boolean }
type PendingEvent = { tenantId: string | null; kind: EventKind; subjectId: string | null; payload: unknown }

export class InboundBatch {
  /** tenant id → the contacts read for it (by id); absent: not read, or dropped after a write. */
  #contacts = new Map<string, Map<string, PrefetchedContact>>()
  /** `tenant wa:…` / `tenant user:…`: the keys whose contacts were read. */
  #asked = new Set<string>()
  /** `number contact` → the conversation as conversationForInbound would read it (used once). */
  #conversations = new Map<string, InboundConversation>()
  /** `number wamid` → the id of the message stored with it (before, or pending here). */
  #stored = new Map<string, string>()
  /** `number wamid`: the wamids looked up by prefetch. */
  #askedWamids = new Set<string>()
  #messages: Insertable<MessagesTable>[] = []
  #docs: IndexedMessage[] = []
  #touches: Touch[] = []
  /** number row id → wamids of messages stored here, whose earlier reactions get linked. */
  #links = new Map<string, string[]>()
  #events: PendingEvent[] = []

  /**
   * Reads the contacts of these senders (and each one's conversation with the number) in one
   * statement per tenant and number. Call after the transaction's subject locks.
   */
  async prefetch(
    db: Db,
    wanted: readonly { tenantId: string; numberRowId: string; key: Key; wamid: string }[],
  ): Promise<void> {
    const groups = new Map<
      string,
      { tenantId: string; numberRowId: string; waIds: Set<string>; userIds: Set<string> }
    >()
    const wamids = new Map<string, Set<string>>()
    for (const w of wanted) {
      const g = groups.get(`${w.tenantId} ${w.numberRowId}`) ?? {
        tenantId: w.tenantId,
        numberRowId: w.numberRowId,
        waIds: new Set<string>(),
        userIds: new Set<string>(),
      }
      groups.set(`${w.tenantId} ${w.numberRowId}`, g)
      if (w.key.waId) g.waIds.add(w.key.waId)
      if (w.key.userId) g.userIds.add(w.key.userId)
      const list = wamids.get(w.numberRowId) ?? new Set<string>()
      wamids.set(w.numberRowId, list)
      list.add(w.wamid)
    }
    for (const [numberRowId, list] of wamids) {
      const rows = await db
        .selectFrom('messages')
        .select(['id', 'wamid'])
        .where('phone_number_id', '=', numberRowId)
        .where('wamid', 'in', [...list])
        .execute()
      for (const wamid of list) this.#askedWamids.add(`${numberRowId} ${wamid}`)
      for (const r of rows) this.#stored.set(`${numberRowId} ${r.wamid}`, r.id)
    }
    for (const g of groups.values()) {
      if (g.waIds.size === 0 && g.userIds.size === 0) continue
      const rows = await db
        .selectFrom('contacts as ct')
        .leftJoin('conversations as cv', (join) =>
          join.onRef('cv.contact_id', '=', 'ct.id').on('cv.phone_number_id', '=', g.numberRowId),
        )
        .leftJoin('tenants as t', 't.id', 'cv.tenant_id')
        .select([
          'ct.id',
          'ct.wa_id',
          'ct.user_id',
          'ct.profile_name',
          'ct.created_at',
          'cv.id as conversation_id',
          'cv.tenant_id as conversation_tenant_id',
          'cv.status',
          'cv.assignee_user_id',
          't.auto_assign',
        ])
        .where('ct.tenant_id', '=', g.tenantId)
        .where((eb) =>
          eb.or([
            ...(g.waIds.size > 0 ? [eb('ct.wa_id', 'in', [...g.waIds])] : []),
            ...(g.userIds.size > 0 ? [eb('ct.user_id', 'in', [...g.userIds])] : []),
          ]),
        )
        .execute()
      const contacts = this.#contacts.get(g.tenantId) ?? new Map<string, PrefetchedContact>()
      this.#contacts.set(g.tenantId, contacts)
      for (const id of g.waIds) this.#asked.add(`${g.tenantId} wa:${id}`)
      for (const id of g.userIds) this.#asked.add(`${g.tenantId} user:${id}`)
      for (const r of rows) {
        contacts.set(r.id, {
          id: r.id,
          waId: r.wa_id,
          userId: r.user_id,
          profileName: r.profile_name,
          createdAt: Number(r.created_at),
        })
        if (r.conversation_id !== null && r.status !== null && r.auto_assign !== null)
          this.#conversations.set(`${g.numberRowId} ${r.id}`, {
            id: r.conversation_id,
            tenant_id: r.conversation_tenant_id as string,
            status: r.status,
            assignee_user_id: r.assignee_user_id,
            auto_assign: Number(r.auto_assign),
          })
      }
    }
  }

  /**
   * The contact findContact (contacts-repo.ts) would return for this identity — the oldest with
   * its wa_id or user id — when the batch read it; undefined when it did not (or cannot tell).
   */
  contactFor(tenantId: string, identity: ContactIdentity): ContactRow | undefined {
    const contacts = this.#contacts.get(tenantId)
    if (!contacts) return undefined
    if (identity.waId && !this.#asked.has(`${tenantId} wa:${identity.waId}`)) return undefined
    if (identity.userId && !this.#asked.has(`${tenantId} user:${identity.userId}`)) return undefined
    let oldest: PrefetchedContact | undefined
    let tie = false
    for (const c of contacts.values()) {
      const matches =
        (identity.waId !== null && c.waId === identity.waId) ||
        (identity.userId !== null && c.userId === identity.userId)
      if (!matches) continue
      if (!oldest || c.createdAt < oldest.createdAt) {
        oldest = c
        tie = false
      } else if (c.createdAt === oldest.createdAt) tie = true
    }
    if (!oldest || tie) return undefined
    return { id: oldest.id, waId: oldest.waId, userId: oldest.userId, profileName: oldest.profileName }
  }

  /** A contact was written in the transaction: what was read may be stale, read again. */
  dropContacts(): void {
    this.#contacts.clear()
  }

  /** The conversation read by prefetch, once: the message may change its workflow state. */
  takeConversation(numberRowId: string, contactId: string): InboundConversation | undefined {
    const key = `${numberRowId} ${contactId}`
    const found = this.#conversations.get(key)
    this.#conversations.delete(key)
    return found
  }

  /**
   * insertInbound (messages-repo.ts) at the next flush, when the batch knows whether the wamid
   * is new: `inserted: false` with the stored message's id when it is not. Undefined: the batch
   * cannot tell, insert it now.
   */
  message(row: Insertable<MessagesTable>): { id: string; inserted: boolean } | undefined {
    const key = `${row.phone_number_id} ${row.wamid}`
    const stored = this.#stored.get(key)
    if (stored !== undefined) return { id: stored, inserted: false }
    if (!this.#askedWamids.has(key)) return undefined
    this.#stored.set(key, row.id)
    this.#messages.push(row)
    return { id: row.id, inserted: true }
  }

  /** indexMessage, at the next flush. */
  index(message: IndexedMessage): void {
    this.#docs.push(message)
  }

  /** touchConversation, at the next flush. */
  touch(conversationId: string, activity: Omit<Touch, 'conversationId'>): void {
    this.#touches.push({ conversationId, ...activity })
  }

  /** linkReactions (reactions-repo.ts) of a stored message, at the next flush. */
  link(numberRowId: string, wamid: string): void {
    const list = this.#links.get(numberRowId) ?? []
    list.push(wamid)
    this.#links.set(numberRowId, list)
  }

  /** recordEvent, at the next flush. */
  event(event: PendingEvent): void {
    this.#events.push(event)
  }

  /** Writes what is pending, each table's rows in the order they came. */
  async flush(db: Db): Promise<void> {
    if (this.#messages.length > 0) {
      const rows = this.#messages
      this.#messages = []
      await insertNewInbound(db, rows)
    }
    if (this.#docs.length > 0) {
      const docs = this.#docs
      this.#docs = []
      await indexMessages(db, docs)
    }
    if (this.#touches.length > 0) {
      const touches = this.#touches
      this.#touches = []
      await touchConversations(db, touches)
    }
    if (this.#links.size > 0) {
      const links = this.#links
      this.#links = new Map()
      for (const [numberRowId, wamids] of links) await linkReactionsOf(db, numberRowId, wamids)
    }
    if (this.#events.length > 0) {
      const events = this.#events
      this.#events = []
      await recordEvents(db, events)
    }
  }
}

/**
 * touchConversation (conversations-repo.ts) of many conversations in one statement. Touches of
 * one conversation go in successive statements (a statement updates a row once), in order.
 */
async function touchConversations(db: Db, touches: readonly Touch[]): Promise<void> {
  const rounds: Touch[][] = []
  const seen = new Map<string, number>()
  for (const t of touches) {
    const round = seen.get(t.conversationId) ?? 0
    seen.set(t.conversationId, round + 1)
    rounds[round] ??= []
    rounds[round].push(t)
  }
  for (const round of rounds) {
    const values = sql.join(
      round.map(
        (t) =>
          sql`(${t.conversationId}, cast(${t.at} as bigint), ${t.preview}, cast(${t.inbound ? 1 : 0} as integer), cast(${t.opensWindow ? 1 : 0} as integer))`,
      ),
    )
    // Every right-hand side reads the row as it was (SQL), as touchConversation's do.
    await sql`with v(id, at, preview, unread, opens) as (values ${values})
      update conversations set
        last_message_at = case when conversations.last_message_at is null or conversations.last_message_at < v.at then v.at else conversations.last_message_at end,
        last_message_preview = case when conversations.last_message_at is null or conversations.last_message_at <= v.at then v.preview else conversations.last_message_preview end,
        last_inbound_at = case when v.opens = 1 and (conversations.last_inbound_at is null or conversations.last_inbound_at < v.at) then v.at else conversations.last_inbound_at end,
        unread_count = conversations.unread_count + v.unread,
        updated_at = ${Date.now()}
      from v where conversations.id = v.id`.execute(db)
  }
}

/** linkReactions for many messages of one number: each reaction gets its target's id. */
async function linkReactionsOf(db: Db, numberRowId: string, wamids: readonly string[]): Promise<void> {
  await db
    .updateTable('reactions')
    .set((eb) => ({
      message_id: eb
        .selectFrom('messages as m')
        .select('m.id')
        .whereRef('m.phone_number_id', '=', 'reactions.phone_number_id')
        .whereRef('m.wamid', '=', 'reactions.target_wamid'),
    }))
    .where('phone_number_id', '=', numberRowId)
    .where('target_wamid', 'in', [...new Set(wamids)])
    .where('message_id', 'is', null)
    .execute()
}
