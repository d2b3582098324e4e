import { PostgresAdapter, sql } from 'kysely'
import type { Db } from '../db/connect.ts'
import {
  contactText,
  fts5Query,
  indexBody,
  messageText,
  queryDigits,
  queryWords,
  type SnippetPart,
  snippet,
  tsQuery,
} from './search-text.ts'

// The search index of the inbox (table search_docs, migration 0023; decision 0057): one row per
// message with text and per contact, written with the message or contact it indexes (the write
// path: inbox/inbound.ts, messaging/send-service.ts, inbox/contacts-repo.ts, contact-panel.ts),
// and the query the conversation list runs for `?q=`.

/** A query is answered from at most this many of its newest hits (decision 0057). */
export const searchHitCap = 2000

async function upsertDoc(
  db: Db,
  doc: {
    doc: string
    tenantId: string
    contactId: string
    conversationId: string | null
    messageId: string | null
    text: string
  },
): Promise<void> {
  const body = indexBody(doc.text)
  if (body === '') {
    await db.deleteFrom('search_docs').where('doc', '=', doc.doc).execute()
    return
  }
  await db
    .insertInto('search_docs')
    .values({
      doc: doc.doc,
      tenant_id: doc.tenantId,
      contact_id: doc.contactId,
      conversation_id: doc.conversationId,
      message_id: doc.messageId,
      text: doc.text,
      body,
    })
    .onConflict((oc) => oc.column('doc').doUpdateSet({ text: doc.text, body }))
    .execute()
}

export type IndexedMessage = {
  id: string
  tenantId: string
  conversationId: string
  contactId: string
  content: unknown
  rendered?: string | null
}

/** Indexes a stored message (its text, or a sent template's rendered text). Nothing for none. */
export async function indexMessage(db: Db, m: IndexedMessage): Promise<void> {
  await indexMessages(db, [m])
}

/** Indexes stored messages in multi-row statements (a bulk send's, the backfill's). */
export async function indexMessages(db: Db, messages: IndexedMessage[]): Promise<void> {
  const rows = messages.flatMap((m) => {
    const text = messageText(m.content, m.rendered)
    const body = indexBody(text)
    if (body === '') return []
    return [
      {
        doc: `m:${m.id}`,
        tenant_id: m.tenantId,
        contact_id: m.contactId,
        conversation_id: m.conversationId,
        message_id: m.id,
        text,
        body,
      },
    ]
  })
  for (let at = 0; at < rows.length; at += 200) {
    await db
      .insertInto('search_docs')
      .values(rows.slice(at, at + 200))
      .onConflict((oc) =>
        oc
          .column('doc')
          .doUpdateSet((eb) => ({ text: eb.ref('excluded.text'), body: eb.ref('excluded.body') })),
      )
      .execute()
  }
}

/** Indexes a contact as it now is (names, number, user id): call after any change to them. */
export async function indexContact(db: Db, contactId: string): Promise<void> {
  const c = await db
    .selectFrom('contacts')
    .select(['id', 'tenant_id', 'name', 'profile_name', 'wa_id', 'user_id'])
    .where('id', '=', contactId)
    .executeTakeFirst()
  if (!c) return
  await upsertDoc(db, {
    doc: `c:${c.id}`,
    tenantId: c.tenant_id,
    contactId: c.id,
    conversationId: null,
    messageId: null,
    text: contactText({ name: c.name, profileName: c.profile_name, waId: c.wa_id, userId: c.user_id }),
  })
}

export type SearchHits = {
  words: string[]
  /** The query's digits when it reads as a number (matched anywhere in wa_ids). */
  digits?: string
  /** Conversation id → the seq of its newest hit (the first met, newest first). */
  messages: Map<string, number>
  contacts: Set<string>
  /** More hits than searchHitCap: the list holds the conversations of the newest ones. */
  capped: boolean
}

/** The newest hits of `q` in a tenant (null: every tenant, an operator). Undefined: q has no word. */
export async function searchHits(
  db: Db,
  tenantId: string | null,
  q: string,
): Promise<SearchHits | undefined> {
  const words = queryWords(q)
  const digits = queryDigits(q)
  if (words.length === 0 && !digits) return undefined
  const hits: SearchHits = { words, digits, messages: new Map(), contacts: new Set(), capped: false }
  if (words.length > 0) {
    const found =
      db.getExecutor().adapter instanceof PostgresAdapter
        ? await pgHits(db, tenantId, tsQuery(words))
        : await fts5Hits(db, tenantId, fts5Query(words))
    hits.capped = found.capped
    for (const r of found.rows) {
      if (r.conversation_id === null) hits.contacts.add(r.contact_id)
      else if (!hits.messages.has(r.conversation_id)) hits.messages.set(r.conversation_id, Number(r.seq))
    }
  }
  if (digits) {
    // A number is also found by any part of it ("the last digits"), which words cannot do.
    let query = db
      .selectFrom('contacts')
      .select('id')
      .where('wa_id', 'like', `%${digits}%`)
      .limit(searchHitCap)
    if (tenantId !== null) query = query.where('tenant_id', '=', tenantId)
    for (const r of await query.execute()) hits.contacts.add(r.id)
  }
  return hits
}

type Hit = { seq: number | string; conversation_id: string | null; contact_id: string }
type Found = { rows: Hit[]; capped: boolean }

/** The newest documents (by seq) a common word is looked for in first on SQLite (decision 0057). */
export const sqliteRecentWindow = 20_000
const commonHits = 20

// FTS5 gives a word's hits newest first (rowid order), but for a word in most messages it reads
// the whole of its hit list to do so. The newest 20,000 documents are searched first (a rowid
// range, which FTS5 seeks to); a word found there at least 20 times is common and those hits are
// the answer (capped when older documents exist), otherwise every hit is read (a rare word).
async function fts5Hits(db: Db, tenantId: string | null, match: string): Promise<Found> {
  const tenant = tenantId === null ? sql`` : sql`and d.tenant_id = ${tenantId}`
  const newest = await sql<{ seq: number | null }>`select max(seq) as seq from search_docs`.execute(db)
  const from = Number(newest.rows[0]?.seq ?? 0) - sqliteRecentWindow
  const search = (range: ReturnType<typeof sql>) =>
    sql<Hit>`select d.seq, d.conversation_id, d.contact_id from search_fts f
      join search_docs d on d.seq = f.rowid
      where search_fts match ${match} ${range} ${tenant}
      order by f.rowid desc limit ${searchHitCap + 1}`.execute(db)
  if (from > 0) {
    const { rows } = await search(sql`and f.rowid > ${from}`)
    if (rows.length >= commonHits) return { rows: rows.slice(0, searchHitCap), capped: true }
  }
  const { rows } = await search(sql``)
  return { rows: rows.slice(0, searchHitCap), capped: rows.length > searchHitCap }
}

/** The newest documents a common word is looked for in on PostgreSQL (decision 0057). */
export const pgRecentWindow = 5000

// PostgreSQL's GIN index gives a word's documents in no order, and its planner cannot tell a
// common word from a rare one (a prefix query is estimated at a fixed share), so it walks the
// newest rows for every word: fast for "hola", a scan of the whole table for a word nobody
// wrote, while reading every hit of a common word through the index is as slow. Two steps
// instead: the tenant's newest 5,000 documents are read first; a word found in at least 20 of
// them is common, and its hits there are the answer (capped: the recent conversations that
// mention it). Otherwise the word is rare (under 0.4% of documents) and every hit is read
// through the GIN index (the plan forced: the planner would walk the table) and the newest
// 2,000 kept.
async function pgHits(db: Db, tenantId: string | null, query: string): Promise<Found> {
  const tenant = tenantId === null ? sql`` : sql`where tenant_id = ${tenantId}`
  const { rows: recent } = await sql<Hit>`select seq, conversation_id, contact_id from (
      select seq, conversation_id, contact_id, tsv from search_docs ${tenant}
      order by seq desc limit ${pgRecentWindow}) w
    where tsv @@ to_tsquery('simple', ${query}) order by seq desc`.execute(db)
  if (recent.length >= commonHits) return { rows: recent.slice(0, searchHitCap), capped: true }
  return db.transaction().execute(async (trx) => {
    await sql`set local enable_seqscan = off`.execute(trx)
    await sql`set local enable_indexscan = off`.execute(trx)
    const andTenant = tenantId === null ? sql`` : sql`and tenant_id = ${tenantId}`
    const { rows } = await sql<Hit>`select seq, conversation_id, contact_id from search_docs
      where tsv @@ to_tsquery('simple', ${query}) ${andTenant}
      order by seq desc limit ${searchHitCap + 1}`.execute(trx)
    return { rows: rows.slice(0, searchHitCap), capped: rows.length > searchHitCap }
  })
}

/** Why a conversation is in the search results: the newest matching message, or its contact. */
export type SearchMatch = { messageId: string | null; snippet: SnippetPart[] }

/** The match of each conversation of a result page, with its snippet. */
export async function matchesFor(
  db: Db,
  hits: SearchHits,
  page: { id: string; contactId: string }[],
): Promise<Map<string, SearchMatch>> {
  const out = new Map<string, SearchMatch>()
  const seqs = page.map((c) => hits.messages.get(c.id)).filter((s): s is number => s !== undefined)
  const docs =
    seqs.length === 0
      ? []
      : await db
          .selectFrom('search_docs')
          .select(['seq', 'message_id', 'text'])
          .where('seq', 'in', seqs)
          .execute()
  const bySeq = new Map(docs.map((d) => [Number(d.seq), d]))
  const contactIds = page.filter((c) => !hits.messages.has(c.id)).map((c) => c.contactId)
  const contactDocs =
    contactIds.length === 0
      ? []
      : await db
          .selectFrom('search_docs')
          .select(['contact_id', 'text'])
          .where(
            'doc',
            'in',
            contactIds.map((id) => `c:${id}`),
          )
          .execute()
  const byContact = new Map(contactDocs.map((d) => [d.contact_id, d.text]))
  for (const c of page) {
    const seq = hits.messages.get(c.id)
    const doc = seq === undefined ? undefined : bySeq.get(seq)
    if (doc) {
      out.set(c.id, { messageId: doc.message_id, snippet: snippet(doc.text, hits.words) })
      continue
    }
    out.set(c.id, { messageId: null, snippet: contactSnippet(byContact.get(c.contactId) ?? '', hits) })
  }
  return out
}

/** A contact hit: the line (name, number…) that holds the query, its digits marked for a number. */
function contactSnippet(text: string, hits: SearchHits): SnippetPart[] {
  const lines = text.split('\n')
  const byWords = lines.find((l) => snippet(l, hits.words).some((p) => p.hit))
  if (byWords !== undefined) return snippet(byWords, hits.words)
  const digits = hits.digits
  const byDigits = digits ? lines.find((l) => l.includes(digits)) : undefined
  if (digits && byDigits !== undefined) {
    const at = byDigits.indexOf(digits)
    return [
      { text: byDigits.slice(0, at), hit: false },
      { text: digits, hit: true },
      { text: byDigits.slice(at + digits.length), hit: false },
    ].filter((p) => p.text !== '')
  }
  return [{ text: lines[0] ?? '', hit: false }]
}
