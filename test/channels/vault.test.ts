import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, test } from 'node:test'
import { createVault, loadVaultKeys } from '../../src/channels/vault.ts'
import { checkVaultKey } from '../../src/channels/vault-check.ts'
import { newId } from '../../src/ids.ts'
import { createTestDb, testDbKind } from '../helpers/db.ts'

describe('secrets vault', () => {
  const key = randomBytes(32)

  test('a secret encrypts to ciphertext that names its key and decrypts back', () => {
    const vault = createVault(key)
    const enc = vault.encrypt('EAAG-token-value', 'wabas.access_token_enc:w1')
    assert.ok(enc.startsWith(`v1.${vault.keyId}.`), 'ciphertext is versioned and names its key')
    assert.ok(!enc.includes('EAAG'), 'no plaintext in the ciphertext')
    assert.equal(vault.decrypt(enc, 'wabas.access_token_enc:w1'), 'EAAG-token-value')
  })

  test('the same secret encrypts differently each time (random IV)', () => {
    const vault = createVault(key)
    assert.notEqual(vault.encrypt('same', 'ctx'), vault.encrypt('same', 'ctx'))
  })

  test('a ciphertext moved to another row or altered is refused', () => {
    const vault = createVault(key)
    const enc = vault.encrypt('secret', 'wabas.access_token_enc:w1')
    assert.throws(() => vault.decrypt(enc, 'wabas.access_token_enc:w2'), /altered or moved/)
    const parts = enc.split('.')
    parts[4] = Buffer.from('tampered').toString('base64url')
    assert.throws(() => vault.decrypt(parts.join('.'), 'wabas.access_token_enc:w1'), /altered or moved/)
  })

  test('after a key rotation old secrets still decrypt with the previous key and are marked stale', () => {
    const oldVault = createVault(key)
    const enc = oldVault.encrypt('secret', 'ctx')
    const rotated = createVault(randomBytes(32), [key])
    assert.equal(rotated.decrypt(enc, 'ctx'), 'secret')
    assert.equal(rotated.isStale(enc), true)
    assert.equal(rotated.isStale(rotated.encrypt('secret', 'ctx')), false)
    const withoutOld = createVault(randomBytes(32))
    assert.throws(
      () => withoutOld.decrypt(enc, 'ctx'),
      /WAHUB_SECRET_KEY/,
      'the error says which setting to fix',
    )
  })

  test('without WAHUB_SECRET_KEY a key file is generated once with mode 0600 and reused', () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wahub-vault-'))
    try {
      const first = loadVaultKeys({ secretKey: undefined, previousSecretKeys: [], dataDir })
      const second = loadVaultKeys({ secretKey: undefined, previousSecretKeys: [], dataDir })
      assert.ok(first.current.equals(second.current), 'the same key on every start')
      const mode = fs.statSync(path.join(dataDir, 'secret.key')).mode & 0o777
      assert.equal(mode, 0o600, `key file mode is ${mode.toString(8)}, expected 600`)
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true })
    }
  })

  test(`a stored token is never in the database in clear (${testDbKind})`, async () => {
    const db = await createTestDb()
    try {
      const vault = createVault(key)
      const token = `EAAGtoken${randomBytes(16).toString('hex')}`
      const id = newId('waba')
      await db.db
        .insertInto('wabas')
        .values({
          id,
          waba_id: '1234567890',
          access_token_enc: vault.encrypt(token, `wabas.access_token_enc:${id}`),
          token_last4: token.slice(-4),
          created_at: Date.now(),
          updated_at: Date.now(),
        })
        .execute()
      if (testDbKind === 'sqlite') {
        await db.close()
        const bytes = Buffer.concat(
          fs
            .readdirSync(db.dataDir)
            .filter((f) => f.startsWith('wahub.db'))
            .map((f) => fs.readFileSync(path.join(db.dataDir, f))),
        )
        assert.ok(bytes.length > 0, 'the database files were read')
        assert.equal(bytes.includes(token), false, 'the token appears in clear in the SQLite file or its WAL')
      } else {
        const rows = await db.db.selectFrom('wabas').selectAll().execute()
        assert.equal(JSON.stringify(rows).includes(token), false, 'the token appears in clear in PostgreSQL')
      }
    } finally {
      await db.drop()
    }
  })

  test(`a process whose key differs from the database's is stopped at start with the fix (${testDbKind})`, async () => {
    const db = await createTestDb()
    try {
      await checkVaultKey(db.db, createVault(key))
      await checkVaultKey(db.db, createVault(key)) // same key: fine on every start
      await assert.rejects(
        checkVaultKey(db.db, createVault(randomBytes(32))),
        /Set WAHUB_SECRET_KEY to the key used/,
      )
    } finally {
      await db.drop()
    }
  })
})
