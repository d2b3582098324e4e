import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import pg from 'pg'
import { connectDb, type DbHandle } from '../../src/db/connect.ts'
import { migrateToLatest } from '../../src/db/migrate.ts'

// Every test gets its own real database: a fresh SQLite file, or a fresh PostgreSQL database
// created for it and dropped afterwards (WAHUB_TEST_DB=postgres). Never a mock.

export const testDbKind = process.env.WAHUB_TEST_DB === 'postgres' ? 'postgres' : 'sqlite'
export const adminUrl = process.env.WAHUB_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'

export type TestDb = DbHandle & {
  /** The DATABASE_URL of this database (postgres), or undefined for SQLite. */
  databaseUrl: string | undefined
  dataDir: string
  /** Opens a second, independent connection to the same database (a second instance). */
  connectAgain(): Promise<DbHandle>
  drop(): Promise<void>
}

export async function adminQuery(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 5000 })
  try {
    await client.connect()
  } catch (err) {
    throw new Error(
      `PostgreSQL is not reachable at ${adminUrl} (${(err as Error).message}). Start it (pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start) or set WAHUB_TEST_DATABASE_URL.`,
    )
  }
  try {
    await client.query(text)
  } finally {
    await client.end()
  }
}

export async function createTestDb(options: { migrate?: boolean } = {}): Promise<TestDb> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wahub-test-'))
  let databaseUrl: string | undefined
  let dbName: string | undefined
  if (testDbKind === 'postgres') {
    dbName = `wahub_t_${process.pid}_${randomBytes(4).toString('hex')}`
    await adminQuery(`CREATE DATABASE ${dbName}`)
    const url = new URL(adminUrl)
    url.pathname = `/${dbName}`
    databaseUrl = url.toString()
  }
  const connect = () => connectDb({ databaseUrl, dataDir, poolSize: 5 })
  const handle = await connect()
  if (options.migrate !== false) await migrateToLatest(handle)
  let dropped = false
  return {
    ...handle,
    databaseUrl,
    dataDir,
    connectAgain: connect,
    async drop() {
      if (dropped) return
      dropped = true
      await handle.close().catch(() => {})
      if (dbName) await adminQuery(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`)
      fs.rmSync(dataDir, { recursive: true, force: true })
    },
  }
}
