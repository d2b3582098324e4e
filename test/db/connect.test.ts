import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { sql } from 'kysely'
import { connectDb } from '../../src/db/connect.ts'
import { createTestDb, testDbKind } from '../helpers/db.ts'

// Decision 0119: Wahub's PostgreSQL sessions never JIT-compile. A server whose cost estimates
// pass jit_above_cost (tables without statistics when autovacuum is off) otherwise spent ~100 ms
// compiling each claim of the job queue, and a 100,000-recipient campaign fell from the cap.
describe(`PostgreSQL sessions (${testDbKind})`, { skip: testDbKind !== 'postgres' }, () => {
  test('run with JIT compilation off, unless DATABASE_URL asks otherwise', async () => {
    const db = await createTestDb({ migrate: false })
    try {
      const jit = async (handle: { db: typeof db.db }) =>
        (await sql<{ jit: string }>`show jit`.execute(handle.db)).rows[0]?.jit
      assert.equal(await jit(db), 'off', 'a Wahub session of the pool should have jit = off')

      const url = new URL(db.databaseUrl as string)
      url.searchParams.set('options', '-c jit=on')
      const own = await connectDb({ databaseUrl: url.toString(), dataDir: db.dataDir })
      try {
        assert.equal(await jit(own), 'on', 'an options parameter in DATABASE_URL should replace the default')
      } finally {
        await own.close()
      }
    } finally {
      await db.drop()
    }
  })
})
