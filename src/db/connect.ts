import path from 'node:path'
import { Kysely, PostgresDialect } from 'kysely'
import pg from 'pg'
import { redactUrl } from '../config.ts'
import { type DialectCapabilities, postgresCapabilities, sqliteCapabilities } from './dialect.ts'
import { type Listen, pgListener } from './notify.ts'
import { ensurePrivateDir, preparePrivateSqlite } from './private-files.ts'
import type { Database } from './schema.ts'
import { LockWaitingSqliteDialect, openSqlite } from './sqlite-driver.ts'

export type Db = Kysely<Database>

export type DbHandle = {
  db: Db
  caps: DialectCapabilities
  /** Where the data lives, with any password removed (for logs and doctor). */
  location: string
  /** LISTEN/NOTIFY on a dedicated connection (PostgreSQL); absent where one process owns the data. */
  listen?: Listen
  /** How this handle was opened, for a thread that opens its own connection (webhooks/processor.ts). */
  connectOptions: ConnectOptions
  close(): Promise<void>
}

export type ConnectOptions = {
  databaseUrl: string | undefined
  dataDir: string
  /** SQLite file name inside dataDir. */
  sqliteFile?: string
  poolSize?: number
}

// pg returns int8 (bigint, count(*)) as strings to avoid precision loss; our int8 columns are
// epoch milliseconds and serial ids, far below 2^53, so numbers are safe and simpler.
const pgTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === 20) return (value: string) => Number(value)
    return pg.types.getTypeParser(oid, format)
  },
}

export async function connectDb(options: ConnectOptions): Promise<DbHandle> {
  if (options.databaseUrl) {
    const pool = new pg.Pool({
      connectionString: options.databaseUrl,
      max: options.poolSize ?? 10,
      types: pgTypes,
      connectionTimeoutMillis: 10_000,
      // No JIT compilation (decision 0119): Wahub's statements are short, and a cost estimate past
      // jit_above_cost (a table without statistics, say) made each claim of the job queue spend
      // ~100 ms compiling. An `options` parameter in DATABASE_URL replaces this one.
      options: '-c jit=off',
    })
    // An idle client's error (server restart) must not crash the process; the pool replaces it.
    pool.on('error', () => {})
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) })
    const location = redactUrl(options.databaseUrl)
    try {
      const client = await pool.connect()
      client.release()
    } catch (err) {
      await pool.end().catch(() => {})
      throw new Error(
        `cannot connect to PostgreSQL at ${location}: ${(err as Error).message}. Check DATABASE_URL and that the server is running.`,
      )
    }
    return {
      db,
      caps: postgresCapabilities,
      location,
      listen: pgListener(options.databaseUrl),
      connectOptions: options,
      close: () => db.destroy(),
    }
  }

  // The data dir holds the database, media and possibly the key file: owner-only.
  ensurePrivateDir(options.dataDir)
  const file = path.join(options.dataDir, options.sqliteFile ?? 'wahub.db')
  preparePrivateSqlite(file)
  // The lock is waited for with timers, not inside SQLite: this thread answers HTTP requests.
  const database = openSqlite(file, { busyTimeoutMs: 0 })
  const db = new Kysely<Database>({ dialect: new LockWaitingSqliteDialect(database) })
  return { db, caps: sqliteCapabilities, location: file, connectOptions: options, close: () => db.destroy() }
}
