import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { after, before, describe, test } from 'node:test'
import { runCliHere } from '../helpers/cli.ts'
import { createTestDb, type TestDb, testDbKind } from '../helpers/db.ts'

// Rotating WAHUB_SECRET_KEY (deploy/README.md): with the new key current and the old one in
// WAHUB_PREVIOUS_SECRET_KEYS everything still decrypts; `wahub secrets rotate` re-encrypts every
// stored secret, after which the old key is no longer needed.

describe(`wahub secrets status | rotate (${testDbKind})`, () => {
  let db: TestDb
  const oldKey = randomBytes(32).toString('base64')
  const newKey = randomBytes(32).toString('base64')
  before(async () => {
    db = await createTestDb()
  })
  after(async () => {
    await db.drop()
  })

  const cli = (keys: { current: string; previous?: string }, ...args: string[]) =>
    runCliHere(args, {
      ...(db.databaseUrl ? { DATABASE_URL: db.databaseUrl } : {}),
      WAHUB_DATA_DIR: db.dataDir,
      WAHUB_SECRET_KEY: keys.current,
      WAHUB_PREVIOUS_SECRET_KEYS: keys.previous ?? '',
      LOG_LEVEL: 'silent',
    })
  type Status = {
    keyId: string
    secrets: { table: string; column: string; current: number; stale: number }[]
  }
  const status = async (keys: { current: string; previous?: string }) => {
    const r = await cli(keys, 'secrets', 'status', '--json')
    assert.equal(r.code, 0, r.stderr)
    return JSON.parse(r.stdout) as Status
  }
  const count = (s: Status, which: 'current' | 'stale') => s.secrets.reduce((n, c) => n + c[which], 0)

  test('after a key change, rotate re-encrypts every secret and the old key can go', async () => {
    const added = await cli(
      { current: oldKey },
      'app',
      'add',
      '--app-id',
      '777000000000001',
      '--app-secret',
      'an-app-secret-of-thirty-two-chars',
      '--json',
    )
    assert.equal(added.code, 0, added.stderr)
    const before = await status({ current: oldKey })
    assert.ok(
      before.secrets.some((c) => c.table === 'meta_apps' && c.column === 'app_secret_enc' && c.current === 1),
      `the app secret is listed: ${JSON.stringify(before.secrets)}`,
    )
    assert.equal(count(before, 'stale'), 0)
    const stored = count(before, 'current')
    assert.ok(stored >= 2, 'app secret and verify token')

    // The new key alone cannot read what the old one wrote: the CLI says which key is missing.
    const refused = await cli({ current: newKey }, 'secrets', 'status')
    assert.notEqual(refused.code, 0)
    assert.match(refused.stderr, /WAHUB_PREVIOUS_SECRET_KEYS/)

    const both = { current: newKey, previous: oldKey }
    const stale = await status(both)
    assert.equal(count(stale, 'stale'), stored, 'every secret is under the old key until rotated')
    const rotated = await cli(both, 'secrets', 'rotate')
    assert.equal(rotated.code, 0, rotated.stderr)
    assert.match(rotated.stdout, /WAHUB_PREVIOUS_SECRET_KEYS can be emptied/)

    const after = await status({ current: newKey })
    assert.equal(count(after, 'stale'), 0)
    assert.equal(count(after, 'current'), stored, 'nothing lost')
    const listed = await cli({ current: newKey }, 'app', 'list', '--json')
    assert.equal(listed.code, 0, listed.stderr)
    assert.match(listed.stdout, /777000000000001/)
  })
})
