import { type Kysely, sql } from 'kysely'
import type { DialectCapabilities } from '../dialect.ts'

// Inbox search on SQLite (decision 0086): FTS5 answers a prefix query ("hol"*) by reading and
// merging the whole hit list of every word starting with it before the newest can be taken —
// 35 ms for a word in every message at 1M messages. A prefix index for the first 1 to 4
// characters of each word makes the short prefixes someone types first one list each, read
// newest first and stopped at the cap like a whole word (+3% of the database at 1M messages;
// the rebuild takes ~13 s there). The FTS5 table is made again with it and
// rebuilt from search_docs (its triggers, on search_docs, stay). PostgreSQL: nothing to change.

export async function up(db: Kysely<unknown>, caps: DialectCapabilities): Promise<void> {
  if (caps.name === 'postgres') return
  await sql`drop table search_fts`.execute(db)
  await sql`create virtual table search_fts using fts5(body, content='search_docs', content_rowid='seq', prefix='1 2 3 4', tokenize="unicode61 remove_diacritics 2 categories 'L* M* N* Co'")`.execute(
    db,
  )
  await sql`insert into search_fts(search_fts) values ('rebuild')`.execute(db)
}
