import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import type { DbHandle } from '../../src/db/connect.ts'
import { createLogger } from '../../src/log.ts'
import { firstAdminEmail } from '../../src/sandbox/first-admin.ts'
import { startWahub, type Wahub } from '../../src/wahub.ts'
import { testConfig } from '../helpers/config.ts'
import { createTestDb, testDbKind } from '../helpers/db.ts'

// SPEC §2 / issue 14: any number of `wahub serve` instances started together on one empty
// database all come up. Each has its own connection pool (as separate processes would) and runs
// the same first-run work: migrations, the vault check, the first admin, the Sandbox.

const fast = {
  customers: { firstAfterMs: 60_000, everyMs: [60_000, 60_000] as const },
  emulator: { delays: { sentMs: 5, deliveredMs: 10, readMs: 20, autoReplyMs: 20, templateReviewMs: 10 } },
}

const count = async (handle: DbHandle, table: 'users' | 'tenants' | 'meta_apps') =>
  Number(
    (
      await handle.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  )

describe(`concurrent first start (${testDbKind})`, () => {
  // Several instances share one database only on PostgreSQL (SPEC §2); on one SQLite file a
  // second process meets `database is locked` at start (not yet investigated: see the report).
  const skip = testDbKind === 'sqlite' ? 'several instances share a database only on PostgreSQL' : false
  test('three instances started together on an empty database all come up, with one first admin', {
    skip,
  }, async () => {
    const db = await createTestDb({ migrate: false })
    const handles = await Promise.all([db.connectAgain(), db.connectAgain(), db.connectAgain()])
    const started: Wahub[] = []
    try {
      const config = testConfig({ WAHUB_DATA_DIR: db.dataDir })
      const results = await Promise.allSettled(
        handles.map((handle) =>
          startWahub(config, { log: createLogger('silent'), handle, firstRun: { sandbox: fast } }),
        ),
      )
      for (const r of results) if (r.status === 'fulfilled') started.push(r.value)
      const failures = results.flatMap((r, i) =>
        r.status === 'rejected' ? [`instance ${i + 1}: ${(r.reason as Error).message}`] : [],
      )
      assert.deepEqual(failures, [], 'every instance must start')
      const admins = started.filter((w) => w.welcome.admin)
      assert.equal(admins.length, 1, 'exactly one instance prints the one-time admin password')
      assert.equal(admins[0]?.welcome.admin?.email, firstAdminEmail)
      assert.equal(await count(db, 'users'), 1, 'one user row: the first admin, created once')
      const created = started.filter((w) => w.welcome.sandbox?.created)
      assert.equal(created.length, 1, 'exactly one instance creates the Sandbox (the others find it)')
      assert.equal(await count(db, 'tenants'), 1, 'one Sandbox tenant, created once')
      assert.equal(await count(db, 'meta_apps'), 1, 'one Sandbox app, created once')
      for (const w of started) {
        const res = await fetch(`${w.url}/healthz`)
        assert.equal(res.status, 200, `${w.url}/healthz answers 200`)
      }
    } finally {
      await Promise.all(started.map((w) => w.close()))
      await Promise.all(handles.map((h) => h.close()))
      await db.drop()
    }
  })
})
