import { DatabaseSync, type SQLInputValue, type StatementSync } from 'node:sqlite'
import { setTimeout as sleep } from 'node:timers/promises'
import {
  type CompiledQuery,
  type DatabaseConnection,
  type Driver,
  type QueryResult,
  type SqliteDatabase,
  SqliteDialect,
  type SqliteStatement,
} from 'kysely'

// Kysely's SqliteDialect speaks better-sqlite3's interface; this adapts Node's built-in
// node:sqlite to it (docs/decisions/0002-node-sqlite.md: a native addon built by the system
// Node 20 cannot load in Node 24). Prepared statements are cached by SQL text: preparing is
// the costliest step of a small write, and the webhook intake repeats the same few statements.
// A prepared statement holds ~80 bytes of native memory per parameter (a 500-row insert of 25
// columns: 1 MB), and multi-row statements come in every size a group commit happens to have:
// the cache is bounded by its statements' parameters too (20,000: ~1.6 MB a connection, decision
// 0118; 100,000 before), least recently used first, or 500 cached statements of growing sizes
// held ~100 MB of the process's RSS.

const statementCacheSize = 500
const statementCacheParameters = 20_000

function parametersOf(sql: string): number {
  let n = 0
  for (let i = sql.indexOf('?'); i >= 0; i = sql.indexOf('?', i + 1)) n++
  return n
}

function toSqlite(value: unknown): SQLInputValue {
  if (value === undefined || value === null) return null
  if (typeof value === 'boolean') return value ? 1 : 0
  if (value instanceof Date) return value.getTime()
  return value as SQLInputValue
}

export type SqliteOpenOptions = {
  readOnly?: boolean
  busyTimeoutMs?: number
  /** The WAL size (pages) at which this connection's commit checkpoints; SQLite's 1,000 when absent. */
  autocheckpointPages?: number
}

export function openSqlite(
  file: string,
  options: SqliteOpenOptions = {},
): SqliteDatabase & { raw: DatabaseSync } {
  const raw = new DatabaseSync(file, { readOnly: options.readOnly ?? false })
  // WAL: readers never block the writer. synchronous=NORMAL in WAL mode survives a process
  // crash (kill -9) without losing committed transactions; only an OS crash/power loss can
  // drop the last ones (docs/decisions/0002-node-sqlite.md).
  // The set-up pragmas below wait inside SQLite whatever the caller asked: switching a fresh file
  // to WAL needs a lock that another process opening the same file (`wahub migrate` beside
  // `wahub serve`) may hold for a moment, and nothing else runs on this thread yet.
  raw.exec('PRAGMA busy_timeout = 5000')
  // An 8 MiB page cache (SQLite's default is 2 MiB, filled only as pages are read). More buys
  // little: in WAL mode a connection empties its cache whenever another one has committed since
  // its last transaction, which the answering and webhook threads' connections do to each other
  // several times a second, while RSS keeps the cache's high-water mark (decision 0116).
  raw.exec('PRAGMA cache_size = -8192')
  if (!options.readOnly) {
    raw.exec('PRAGMA journal_mode = WAL')
    raw.exec('PRAGMA synchronous = NORMAL')
    if (options.autocheckpointPages !== undefined)
      raw.exec(`PRAGMA wal_autocheckpoint = ${Math.max(0, Math.floor(options.autocheckpointPages))}`)
  }
  raw.exec('PRAGMA foreign_keys = ON')
  raw.exec(`PRAGMA busy_timeout = ${options.busyTimeoutMs ?? 5000}`)

  // `reader` is worked out once per statement: columns() builds an object per result column,
  // ~14 µs for a 20-column select, and was called on every execution.
  type Cached = { statement: StatementSync; weight: number; reader: boolean }
  const cache = new Map<string, Cached>()
  let cachedWeight = 0
  function prepare(sql: string): Cached {
    const hit = cache.get(sql)
    if (hit) {
      // Refresh recency for the LRU.
      cache.delete(sql)
      cache.set(sql, hit)
      return hit
    }
    const statement = raw.prepare(sql)
    const weight = parametersOf(sql) + 1
    const entry = { statement, weight, reader: statement.columns().length > 0 }
    cache.set(sql, entry)
    cachedWeight += weight
    while (cache.size > statementCacheSize || (cachedWeight > statementCacheParameters && cache.size > 1)) {
      const oldest = cache.keys().next().value as string
      cachedWeight -= cache.get(oldest)?.weight ?? 0
      cache.delete(oldest)
    }
    return entry
  }

  return {
    raw,
    close: () => raw.close(),
    prepare(sql: string): SqliteStatement {
      // Kysely begins with a plain (deferred) BEGIN. With a second writer on the file (the
      // webhook intake's thread, webhooks/sqlite-intake.ts) a deferred transaction that read
      // and then writes can fail at once with SQLITE_BUSY; IMMEDIATE takes the write lock at
      // the start, waiting up to busy_timeout for it.
      const { statement, reader } = prepare(sql === 'begin' && !options.readOnly ? 'begin immediate' : sql)
      return {
        reader,
        all: (parameters) => statement.all(...parameters.map(toSqlite)),
        run: (parameters) => statement.run(...parameters.map(toSqlite)),
        iterate: (parameters) => statement.iterate(...parameters.map(toSqlite)) as IterableIterator<unknown>,
      }
    },
  }
}

/** SQLITE_BUSY and its extended codes: another connection holds the write lock. */
function isBusy(err: unknown): boolean {
  const code = (err as { errcode?: unknown } | null)?.errcode
  return typeof code === 'number' && (code & 0xff) === 5
}

/**
 * A connection whose statements wait for SQLite's write lock without stopping the thread.
 * SQLite's own busy handler sleeps inside the call: on the thread that answers Meta, a claim or
 * an API write that met the webhook thread's transaction froze every request for up to its
 * backoff (tens of ms, p99 in the hundreds under load). Here busy_timeout is 0 and a statement
 * that finds the lock taken — an autocommit statement or `begin immediate`, which changed nothing
 * — is tried again after a timer, 1 ms doubling to 16 ms, until `timeoutMs` (decision 0092).
 * Inside a transaction the connection already holds the lock (every transaction is IMMEDIATE).
 */
class LockWaitingConnection implements DatabaseConnection {
  readonly inner: DatabaseConnection
  readonly raw: DatabaseSync
  readonly timeoutMs: number
  constructor(inner: DatabaseConnection, raw: DatabaseSync, timeoutMs: number) {
    this.inner = inner
    this.raw = raw
    this.timeoutMs = timeoutMs
  }

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    let wait = 1
    let deadline = 0
    for (;;) {
      try {
        return await this.inner.executeQuery<R>(query)
      } catch (err) {
        if (!isBusy(err) || this.raw.isTransaction) throw err
        deadline ||= Date.now() + this.timeoutMs
        if (Date.now() >= deadline) throw err
        await sleep(wait)
        wait = Math.min(wait * 2, 16)
      }
    }
  }

  streamQuery<R>(query: CompiledQuery, chunkSize: number): AsyncIterableIterator<QueryResult<R>> {
    return this.inner.streamQuery<R>(query, chunkSize)
  }
}

export class LockWaitingDriver implements Driver {
  #connection: LockWaitingConnection | undefined
  readonly inner: Driver
  readonly raw: DatabaseSync
  readonly timeoutMs: number
  constructor(inner: Driver, raw: DatabaseSync, timeoutMs: number) {
    this.inner = inner
    this.raw = raw
    this.timeoutMs = timeoutMs
  }
  init() {
    return this.inner.init()
  }
  async acquireConnection(): Promise<DatabaseConnection> {
    const connection = await this.inner.acquireConnection()
    this.#connection ??= new LockWaitingConnection(connection, this.raw, this.timeoutMs)
    return this.#connection
  }
  beginTransaction(connection: DatabaseConnection, settings: Parameters<Driver['beginTransaction']>[1]) {
    return this.inner.beginTransaction(connection, settings)
  }
  commitTransaction(connection: DatabaseConnection) {
    return this.inner.commitTransaction(connection)
  }
  rollbackTransaction(connection: DatabaseConnection) {
    return this.inner.rollbackTransaction(connection)
  }
  // Delegated, or refused: a savepoint skipped in silence would let a nested transaction's
  // rollback undo nothing (or its release commit what the caller meant to roll back).
  savepoint(...args: Parameters<NonNullable<Driver['savepoint']>>) {
    if (!this.inner.savepoint) return Promise.reject(noSavepoints('savepoint'))
    return this.inner.savepoint(...args)
  }
  rollbackToSavepoint(...args: Parameters<NonNullable<Driver['rollbackToSavepoint']>>) {
    if (!this.inner.rollbackToSavepoint) return Promise.reject(noSavepoints('rollbackToSavepoint'))
    return this.inner.rollbackToSavepoint(...args)
  }
  releaseSavepoint(...args: Parameters<NonNullable<Driver['releaseSavepoint']>>) {
    if (!this.inner.releaseSavepoint) return Promise.reject(noSavepoints('releaseSavepoint'))
    return this.inner.releaseSavepoint(...args)
  }
  releaseConnection(connection: DatabaseConnection) {
    return this.inner.releaseConnection(connection)
  }
  destroy() {
    return this.inner.destroy()
  }
}

function noSavepoints(method: string): Error {
  return new Error(
    `The SQLite driver under LockWaitingDriver has no ${method}(): a nested transaction cannot run on it (upgrade Kysely, whose SqliteDriver has savepoints).`,
  )
}

/**
 * Kysely's SQLite dialect over a connection opened with `busyTimeoutMs: 0`, waiting for the
 * write lock with timers instead of inside SQLite (LockWaitingConnection).
 */
export class LockWaitingSqliteDialect extends SqliteDialect {
  readonly raw: DatabaseSync
  readonly timeoutMs: number
  constructor(database: SqliteDatabase & { raw: DatabaseSync }, timeoutMs = 5000) {
    super({ database })
    this.raw = database.raw
    this.timeoutMs = timeoutMs
  }
  override createDriver(): Driver {
    return new LockWaitingDriver(super.createDriver(), this.raw, this.timeoutMs)
  }
}
