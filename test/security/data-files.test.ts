import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { after, describe, test } from 'node:test'
import { loadVaultKeys } from '../../src/channels/vault.ts'
import { connectDb } from '../../src/db/connect.ts'
import { migrateToLatest } from '../../src/db/migrate.ts'

// Issue 12, item 7: the database files were 0644 — any local user could read the inbox, the
// sessions and the encrypted secrets. Now the data dir is 0700 and every file in it 0600,
// also when they were left looser before (media: test/webhooks/receiving.test.ts).

const mode = (file: string) => (fs.statSync(file).mode & 0o777).toString(8).padStart(3, '0')

describe('data files are owner-only', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'wahub-files-'))
  after(() => fs.rmSync(root, { recursive: true, force: true }))

  test('a new SQLite database, its -wal and -shm are 0600 in a 0700 data dir', async () => {
    const dataDir = path.join(root, 'fresh', 'data')
    const handle = await connectDb({ databaseUrl: undefined, dataDir })
    try {
      await migrateToLatest(handle) // writes: the -wal and -shm exist now
      const db = path.join(dataDir, 'wahub.db')
      assert.equal(mode(dataDir), '700', 'the data dir is owner-only')
      for (const file of [db, `${db}-wal`, `${db}-shm`]) {
        assert.ok(fs.existsSync(file), `${path.basename(file)} exists`)
        assert.equal(mode(file), '600', `${path.basename(file)} is readable by its owner only`)
      }
    } finally {
      await handle.close()
    }
  })

  test('a data dir and database left world-readable are tightened at start', async () => {
    const dataDir = path.join(root, 'old')
    fs.mkdirSync(dataDir, { mode: 0o755 })
    fs.chmodSync(dataDir, 0o755)
    const db = path.join(dataDir, 'wahub.db')
    const first = await connectDb({ databaseUrl: undefined, dataDir })
    await migrateToLatest(first)
    await first.close()
    for (const file of [db, `${db}-wal`, `${db}-shm`]) if (fs.existsSync(file)) fs.chmodSync(file, 0o644)
    fs.chmodSync(dataDir, 0o755)

    const again = await connectDb({ databaseUrl: undefined, dataDir })
    try {
      await migrateToLatest(again)
      assert.equal(mode(dataDir), '700')
      for (const file of [db, `${db}-wal`, `${db}-shm`]) {
        if (fs.existsSync(file)) assert.equal(mode(file), '600', `${path.basename(file)} was tightened`)
      }
      assert.equal(mode(db), '600')
    } finally {
      await again.close()
    }
  })

  test('the generated secret.key is 0600 in a 0700 data dir', () => {
    const dataDir = path.join(root, 'keys', 'data')
    loadVaultKeys({ secretKey: undefined, previousSecretKeys: [], dataDir })
    assert.equal(mode(dataDir), '700')
    assert.equal(mode(path.join(dataDir, 'secret.key')), '600')
  })
})
