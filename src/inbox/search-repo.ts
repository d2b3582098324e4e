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
    const tenant = tenantId === null ? sql`` : sql`and d.tenant_id = ${tenantId}`
    const postgres = db.getExecutor().adapter instanceof PostgresAdapter
    const rows = postgres
      ? await sql<Hit>`select d.seq, d.conversation_id, d.contact_id from search_docs d
          where d.tsv @@ to_tsquery('simple', ${tsQuery(words)}) ${tenant}
          order by d.seq desc limit ${searchHitCap + 1}`.execute(db)
      : await sql<Hit>`select d.seq, d.conversation_id, d.contact_id from search_fts f
          join search_docs d on d.seq = f.rowid
          where search_fts match ${fts5Query(words)} ${tenant}
          order by f.rowid desc limit ${searchHitCap + 1}`.execute(db)
    hits.capped = rows.rows.length > searchHitCap
    for (const r of rows.rows.slice(0, searchHitCap)) {
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
