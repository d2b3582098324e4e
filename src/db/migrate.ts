import { type Kysely, sql } from 'kysely'
import { type Migration, type MigrationResultSet, Migrator } from 'kysely/migration'
import type { DbHandle } from './connect.ts'
import type { DialectCapabilities } from './dialect.ts'
import * as initial from './migrations/0001-initial.ts'
import * as sending from './migrations/0002-sending.ts'
import * as inboxIndexes from './migrations/0004-inbox-indexes.ts'
import * as teamInbox from './migrations/0007-team-inbox.ts'
import * as contactPanel from './migrations/0008-contact-panel.ts'
import * as analytics from './migrations/0011-analytics.ts'
import * as templateLastUsed from './migrations/0017-template-last-used.ts'
import * as analyticsDaily from './migrations/0019-analytics-daily.ts'
import * as eventsNotify from './migrations/0020-events-notify.ts'
import * as search from './migrations/0023-search.ts'
import * as campaigns from './migrations/0025-campaigns.ts'
import * as webhookSubscriptions from './migrations/0028-webhook-subscriptions.ts'
import * as websiteWidget from './migrations/0029-website-widget.ts'
import * as signupAttempts from './migrations/0031-signup-attempts.ts'
import * as webhookAttemptsDelivery from './migrations/0032-webhook-attempts-delivery.ts'
import * as searchPrefixes from './migrations/0036-search-prefixes.ts'
import * as conversationsByContact from './migrations/0037-conversations-by-contact.ts'
import * as messagesChangedCursor from './migrations/0040-messages-changed-cursor.ts'
import * as foldWithoutMessageLocks from './migrations/0042-fold-without-message-locks.ts'

// Migrations are listed here, in order, rather than discovered on disk: the list is checked by
// the type-checker and a missing file fails at import, not at run time. Append only. Features are
// built in parallel branches, each with its own number range, so a database may have applied a
// later number before an earlier one lands: migrations are independent (each adds its own tables
// and columns), and the migrator runs every one not yet applied (allowUnorderedMigrations).
type WahubMigration = { up(db: Kysely<unknown>, caps: DialectCapabilities): Promise<void> }

const migrations: Record<string, WahubMigration> = {
  '0001-initial': initial,
  '0002-sending': sending,
  '0004-inbox-indexes': inboxIndexes,
  '0007-team-inbox': teamInbox,
  '0008-contact-panel': contactPanel,
  '0011-analytics': analytics,
  '0017-template-last-used': templateLastUsed,
  '0019-analytics-daily': analyticsDaily,
  '0020-events-notify': eventsNotify,
  '0023-search': search,
  '0025-campaigns': campaigns,
  '0028-webhook-subscriptions': webhookSubscriptions,
  '0029-website-widget': websiteWidget,
  '0031-signup-attempts': signupAttempts,
  '0032-webhook-attempts-delivery': webhookAttemptsDelivery,
  '0036-search-prefixes': searchPrefixes,
  '0037-conversations-by-contact': conversationsByContact,
  '0040-messages-changed-cursor': messagesChangedCursor,
  '0042-fold-without-message-locks': foldWithoutMessageLocks,
}

/** Every migration's name, in the order the list gives them (what a fresh database applies). */
export const migrationNames: readonly string[] = Object.keys(migrations)

function provider(handle: DbHandle) {
  return {
    async getMigrations() {
      const out: Record<string, Migration> = {}
      for (const [name, migration] of Object.entries(migrations)) {
        out[name] = { up: (db) => migration.up(db as Kysely<unknown>, handle.caps) }
      }
      return out
    },
  }
}

function outcome({ error, results }: MigrationResultSet): { applied: string[] } {
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName
    throw new Error(`migration ${failed ?? '(unknown)'} failed: ${(error as Error).message ?? String(error)}`)
  }
  return { applied: (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName) }
}

/** Migrations this code knows that the database has not applied (empty: the schema is current). */
export async function pendingMigrations(handle: DbHandle): Promise<string[]> {
  const known = await new Migrator({ db: handle.db, provider: provider(handle) }).getMigrations()
  return known.filter((m) => m.executedAt === undefined).map((m) => m.name)
}

export async function migrateToLatest(handle: DbHandle): Promise<{ applied: string[] }> {
  if (handle.caps.name === 'postgres') {
    // Kysely takes an advisory lock on PostgreSQL, so several `wahub serve` instances starting
    // at once apply each migration exactly once.
    return outcome(
      await new Migrator({
        db: handle.db,
        provider: provider(handle),
        allowUnorderedMigrations: true,
      }).migrateToLatest(),
    )
  }
  // Kysely's SQLite adapter takes no lock (it assumes one connection), but `wahub migrate` and
  // `wahub serve` may open the same file at once. BEGIN IMMEDIATE takes SQLite's write lock
  // before the migration state is read; the other process waits (busy_timeout) and then sees
  // the migrations applied.
  return handle.db.connection().execute(async (conn) => {
    await sql`begin immediate`.execute(conn)
    let result: MigrationResultSet
    try {
      result = await new Migrator({
        db: conn,
        provider: provider(handle),
        disableTransactions: true,
        allowUnorderedMigrations: true,
      }).migrateToLatest()
    } catch (err) {
      await sql`rollback`.execute(conn)
      throw err
    }
    await sql.raw(result.error ? 'rollback' : 'commit').execute(conn)
    return outcome(result)
  })
}
