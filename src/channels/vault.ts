import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { parseSecretKey } from '../config.ts'
import { ensurePrivateDir, tightenFile } from '../db/private-files.ts'

// Secrets (access tokens, app secrets, verify tokens, callback secrets) are stored only as
// AES-256-GCM ciphertext (SPEC §4). Format: `v1.<keyId>.<iv>.<tag>.<ciphertext>` (base64url).
// The key id names which key encrypted a value, so after a rotation old values still decrypt
// with a previous key until `wahub secrets rotate` (vault-rotate.ts) re-encrypts them. The context (table,
// column and row id) is authenticated data: a ciphertext copied onto another row fails.

export type Vault = {
  readonly keyId: string
  encrypt(plaintext: string, context: string): string
  decrypt(ciphertext: string, context: string): string
  /** True when the value was encrypted with an older key. */
  isStale(ciphertext: string): boolean
}

export class VaultError extends Error {
  override name = 'VaultError'
}

const version = 'v1'

export function keyIdOf(key: Buffer): string {
  return createHash('sha256').update('wahub-vault-key-id').update(key).digest('hex').slice(0, 8)
}

export function createVault(current: Buffer, previous: readonly Buffer[] = []): Vault {
  const keys = new Map<string, Buffer>()
  for (const key of [current, ...previous]) keys.set(keyIdOf(key), key)
  const keyId = keyIdOf(current)

  return {
    keyId,
    encrypt(plaintext, context) {
      const iv = randomBytes(12)
      const cipher = createCipheriv('aes-256-gcm', current, iv)
      cipher.setAAD(Buffer.from(context))
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()])
      const tag = cipher.getAuthTag()
      return [
        version,
        keyId,
        iv.toString('base64url'),
        tag.toString('base64url'),
        body.toString('base64url'),
      ].join('.')
    },
    decrypt(ciphertext, context) {
      const parts = ciphertext.split('.')
      if (parts.length !== 5 || parts[0] !== version) {
        throw new VaultError('a stored secret is not vault ciphertext (was the database edited by hand?)')
      }
      const key = keys.get(parts[1])
      if (!key) {
        throw new VaultError(
          `a stored secret was encrypted with key ${parts[1]}, which is not configured: set WAHUB_SECRET_KEY (or WAHUB_PREVIOUS_SECRET_KEYS) to the key that encrypted this database`,
        )
      }
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(parts[2], 'base64url'))
        decipher.setAAD(Buffer.from(context))
        decipher.setAuthTag(Buffer.from(parts[3], 'base64url'))
        return Buffer.concat([
          decipher.update(Buffer.from(parts[4], 'base64url')),
          decipher.final(),
        ]).toString('utf8')
      } catch {
        throw new VaultError(`a stored secret failed authentication (${context}): it was altered or moved`)
      }
    },
    isStale(ciphertext) {
      return ciphertext.split('.')[1] !== keyId
    },
  }
}

export type VaultKeySource = {
  secretKey: string | undefined
  previousSecretKeys: readonly string[]
  dataDir: string
}

/**
 * The current key comes from WAHUB_SECRET_KEY, or else from `<dataDir>/secret.key`, generated
 * on first use with mode 0600 (SPEC §3 first run).
 */
export function loadVaultKeys(source: VaultKeySource): {
  current: Buffer
  previous: Buffer[]
  origin: string
} {
  const previous = source.previousSecretKeys.map((k) => parseSecretKey(k, 'WAHUB_PREVIOUS_SECRET_KEYS'))
  if (source.secretKey)
    return { current: parseSecretKey(source.secretKey), previous, origin: 'WAHUB_SECRET_KEY' }

  const file = path.join(source.dataDir, 'secret.key')
  ensurePrivateDir(source.dataDir)
  try {
    // 'wx': create only if absent, so two processes starting together never overwrite a key.
    fs.writeFileSync(file, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' })
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
  }
  tightenFile(file)
  return { current: parseSecretKey(fs.readFileSync(file, 'utf8').trim(), file), previous, origin: file }
}
