import { type Kysely, sql } from 'kysely'
import { enqueueJob } from '../../jobs/jobs-repo.ts'
import type { Db } from '../connect.ts'
import type { DialectCapabilities } from '../dialect.ts'

// Full-text search of the team inbox (decision 0057, docs/TEAM-INBOX.md "Search"). One row per
// searchable thing of a tenant — a message (`m:<id>`) or a contact (`c:<id>`) — with the text a
// person reads (`text`, for snippets) and its words as the index wants them (`body`, made by
// inbox/search-text.ts: lower case, Latin accents dropped, Thai cut into words). `seq` grows
// with each write, so the newest hits come first.
// - SQLite: an FTS5 table over `body` (external content, kept in step by triggers on this
//   table), tokenizer unicode61 with marks as word characters (Thai vowels and tone marks).
// - PostgreSQL: a stored tsvector of `body` in the 'simple' configuration (no stemming, no stop
//   words: the same in every language) with a GIN index.
// Rows that exist before this migration are indexed by the `search.backfill` job it queues when
// there are any
// (inbox/search-backfill.ts): the tokeniser is JavaScript, which a migration cannot call.

export async function up(db: Kysely<unknown>, caps: DialectCapabilities): Promise<void> {
  await db.schema
    .createTable('search_docs')
    .addColumn('seq', caps.serialType, (c) => c.primaryKey())
    .addColumn('doc', 'text', (c) => c.notNull().unique())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('contact_id', 'text', (c) => c.notNull())
    .addColumn('conversation_id', 'text')
    .addColumn('message_id', 'text')
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('search_docs_contact').on('search_docs').columns(['contact_id']).execute()
  await db.schema
    .createIndex('search_docs_conversation')
    .on('search_docs')
    .columns(['conversation_id'])
    .execute()
  if (caps.name === 'postgres') {
    await sql`alter table search_docs add column tsv tsvector generated always as (to_tsvector('simple', body)) stored`.execute(
      db,
    )
    await sql`create index search_docs_tsv on search_docs using gin (tsv)`.execute(db)
    await db.schema
      .createIndex('search_docs_tenant_seq')
      .on('search_docs')
      .columns(['tenant_id', 'seq'])
      .execute()
  } else {
    await sql`create virtual table search_fts using fts5(body, content='search_docs', content_rowid='seq', tokenize="unicode61 remove_diacritics 2 categories 'L* M* N* Co'")`.execute(
      db,
    )
    await sql`create trigger search_docs_ai after insert on search_docs begin
      insert into search_fts(rowid, body) values (new.seq, new.body); end`.execute(db)
    await sql`create trigger search_docs_ad after delete on search_docs begin
      insert into search_fts(search_fts, rowid, body) values ('delete', old.seq, old.body); end`.execute(db)
    await sql`create trigger search_docs_au after update of body on search_docs begin
      insert into search_fts(search_fts, rowid, body) values ('delete', old.seq, old.body);
      insert into search_fts(rowid, body) values (new.seq, new.body); end`.execute(db)
  }
  // Only a database with contacts has anything to index (a message always has a contact).
  const any = await sql<{ id: string }>`select id from contacts limit 1`.execute(db)
  if (any.rows.length > 0) await enqueueJob(db as unknown as Db, 'search.backfill', {}, { maxAttempts: 100 })
}
