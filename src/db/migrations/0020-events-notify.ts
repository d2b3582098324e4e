import { type Kysely, sql } from 'kysely'
import type { DialectCapabilities } from '../dialect.ts'

// Live fan-out across instances (SPEC §18, decision 0052): on PostgreSQL every statement that
// inserts into `events` sends NOTIFY wahub_events, delivered when its transaction commits (so a
// listener never reads ahead of the commit), once per statement and folded per transaction by
// PostgreSQL. The payload is empty: listeners read the table. SQLite has one process per file and
// needs nothing.

export async function up(db: Kysely<unknown>, caps: DialectCapabilities): Promise<void> {
  if (!caps.multiProcess) return
  await sql`
    CREATE OR REPLACE FUNCTION wahub_events_notify() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM pg_notify('wahub_events', '');
      RETURN NULL;
    END
    $$`.execute(db)
  await sql`
    CREATE TRIGGER events_notify AFTER INSERT ON events
    FOR EACH STATEMENT EXECUTE FUNCTION wahub_events_notify()`.execute(db)
}
