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

/**
 * A query is answered from at most this many of its newest hits (decision 0057; 500 since 0086:
 * every cost of a common word — hits read, conversations looked up — is in proportion to it).
 */
export const searchHitCap = 500

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
        ? await pgHits(db, tenantId, words)
        : await fts5Hits(db, tenantId, words)
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

// FTS5 reads a word's hit list from its newest end (rowid order is time order), so "order by
// rowid desc limit" stops at the cap after a few thousand entries however common the word is, and
// reads a rare word's short list whole — but only for a word as written, or a prefix of 1-4
// characters (migration 0036's prefix index). A longer prefix ("pedid"*) makes FTS5 merge the
// whole list of every word starting with it first. So (decision 0086) the words as written are
// looked for first: more hits than the cap and they are the answer (capped; a word in most
// messages costs what a rare one does). Otherwise the prefixes are, and that list — at most the
// cap plus the words it adds — is read whole.
async function fts5Hits(db: Db, tenantId: string | null, words: string[]): Promise<Found> {
  const tenant = tenantId === null ? sql`` : sql`and d.tenant_id = ${tenantId}`
  const search = (match: string) =>
    sql<Hit>`select d.seq, d.conversation_id, d.contact_id from search_fts f
      join search_docs d on d.seq = f.rowid
      where search_fts match ${match} ${tenant}
      order by f.rowid desc limit ${searchHitCap + 1}`.execute(db)
  const exact = await search(fts5Query(words, { prefix: false }))
  if (exact.rows.length > searchHitCap) return { rows: exact.rows.slice(0, searchHitCap), capped: true }
  const { rows } = await search(fts5Query(words, { prefix: true }))
  return { rows: rows.slice(0, searchHitCap), capped: rows.length > searchHitCap }
}

// PostgreSQL (decision 0086). GIN gives a word's documents in no order; the other way is to walk
// the documents newest first (the primary key backwards) until the cap is reached. Which is
// cheaper depends on how common the words are. The planner knows that for a word as written (the
// tsvector column's statistics) but estimates every prefix query at one fixed share, so it walks
// the whole table for a word nobody wrote. The plan is chosen here instead, from the same
// statistics: pg_stats' most_common_elems summed over the words each prefix starts (f). Walking
// reads the cap's worth of hits newest first, cap / f rows on neighbouring pages (R rows a page);
// the index reads f × N rows scattered over the table's P pages. So it walks when
// cap / (f × R) < min(f × N, P) — "hola" (every document) 9 pages, "reembol" (3%) 280 pages
// against 15,000 — and reads the index otherwise ("zanzibar", a word in no statistics).
async function pgHits(db: Db, tenantId: string | null, words: string[]): Promise<Found> {
  const andTenant = tenantId === null ? sql`` : sql`and tenant_id = ${tenantId}`
  const walk = await walkBeatsIndex(db, words)
  return db.transaction().execute(async (trx) => {
    if (walk) await sql`set local enable_bitmapscan = off`.execute(trx)
    else {
      await sql`set local enable_seqscan = off`.execute(trx)
      await sql`set local enable_indexscan = off`.execute(trx)
    }
    const { rows } = await sql<Hit>`select seq, conversation_id, contact_id from search_docs
      where tsv @@ to_tsquery('simple', ${tsQuery(words)}) ${andTenant}
      order by seq desc limit ${searchHitCap + 1}`.execute(trx)
    return { rows: rows.slice(0, searchHitCap), capped: rows.length > searchHitCap }
  })
}

/** Whether walking the newest documents beats the GIN index for these prefixes (see pgHits). */
type TsvStats = { elems: string[] | null; freqs: number[] | null; n: number | null; pages: number | null }

/** The search index's statistics, read at most once a minute per database (ANALYZE changes them rarely). */
const statsCache = new WeakMap<object, { at: number; stats: TsvStats | undefined }>()

async function tsvStats(db: Db): Promise<TsvStats | undefined> {
  const cached = statsCache.get(db)
  if (cached && Date.now() - cached.at < 60_000) return cached.stats
  const { rows } = await sql<TsvStats>`select s.most_common_elems::text::text[] as elems,
      s.most_common_elem_freqs as freqs, c.reltuples as n, c.relpages as pages
    from pg_stats s join pg_class c on c.oid = 'search_docs'::regclass
    where s.tablename = 'search_docs' and s.attname = 'tsv' and s.schemaname = current_schema()`.execute(db)
  statsCache.set(db, { at: Date.now(), stats: rows[0] })
  return rows[0]
}

async function walkBeatsIndex(db: Db, words: string[]): Promise<boolean> {
  const stats = await tsvStats(db)
  if (!stats?.elems || !stats.freqs || !stats.n || !stats.pages || stats.n <= 0 || stats.pages <= 0)
    return false
  const { elems, freqs } = stats
  const n = Number(stats.n)
  const pages = Number(stats.pages)
  // Each prefix's share of documents: the sum over the common words it starts (at most 1); a
  // prefix of no common word is rare. The words of a query are taken as independent.
  let share = 1
  for (const w of words) {
    let f = 0
    for (let i = 0; i < elems.length; i++) if (elems[i].startsWith(w)) f += Number(freqs[i])
    share *= Math.min(1, f)
  }
  if (share === 0) return false
  const walkPages = searchHitCap / (share * (n / pages))
  return walkPages < Math.min(share * n, pages)
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
