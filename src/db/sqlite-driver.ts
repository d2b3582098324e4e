import { DatabaseSync, type SQLInputValue, type StatementSync } from 'node:sqlite'
import type { SqliteDatabase, SqliteStatement } from 'kysely'

// Kysely's SqliteDialect speaks better-sqlite3's interface; this adapts Node's built-in
// node:sqlite to it (docs/decisions/0002-node-sqlite.md: a native addon built by the system
// Node 20 cannot load in Node 24). Prepared statements are cached by SQL text: preparing is
// the costliest step of a small write, and the webhook intake repeats the same few statements.

const statementCacheSize = 500

function toSqlite(value: unknown): SQLInputValue {
  if (value === undefined || value === null) return null
  if (typeof value === 'boolean') return value ? 1 : 0
  if (value instanceof Date) return value.getTime()
  return value as SQLInputValue
}

export type SqliteOpenOptions = { readOnly?: boolean; busyTimeoutMs?: number }

export function openSqlite(
  file: string,
  options: SqliteOpenOptions = {},
): SqliteDatabase & { raw: DatabaseSync } {
  const raw = new DatabaseSync(file, { readOnly: options.readOnly ?? false })
  // WAL: readers never block the writer. synchronous=NORMAL in WAL mode survives a process
  // crash (kill -9) without losing committed transactions; only an OS crash/power loss can
  // drop the last ones (docs/decisions/0002-node-sqlite.md).
  raw.exec(`PRAGMA busy_timeout = ${options.busyTimeoutMs ?? 5000}`)
  if (!options.readOnly) {
    raw.exec('PRAGMA journal_mode = WAL')
    raw.exec('PRAGMA synchronous = NORMAL')
  }
  raw.exec('PRAGMA foreign_keys = ON')

  const cache = new Map<string, StatementSync>()
  function prepare(sql: string): StatementSync {
    let statement = cache.get(sql)
    if (statement) {
      // Refresh recency for the LRU.
      cache.delete(sql)
      cache.set(sql, statement)
      return statement
    }
    statement = raw.prepare(sql)
    cache.set(sql, statement)
    if (cache.size > statementCacheSize) cache.delete(cache.keys().next().value as string)
    return statement
  }

  return {
    raw,
    close: () => raw.close(),
    prepare(sql: string): SqliteStatement {
      // Kysely begins with a plain (deferred) BEGIN. With a second writer on the file (the
      // webhook intake's thread, webhooks/sqlite-intake.ts) a deferred transaction that read
      // and then writes can fail at once with SQLITE_BUSY; IMMEDIATE takes the write lock at
      // the start, waiting up to busy_timeout for it.
      const statement = prepare(sql === 'begin' && !options.readOnly ? 'begin immediate' : sql)
      const reader = statement.columns().length > 0
      return {
        reader,
        all: (parameters) => statement.all(...parameters.map(toSqlite)),
        run: (parameters) => statement.run(...parameters.map(toSqlite)),
        iterate: (parameters) => statement.iterate(...parameters.map(toSqlite)) as IterableIterator<unknown>,
      }
    },
  }
}
