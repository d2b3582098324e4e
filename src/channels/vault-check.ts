import type { Db } from '../db/connect.ts'
import { getSetting, initSetting, setSetting } from './settings-repo.ts'
import type { Vault } from './vault.ts'

const key = 'vault.check'
const context = 'settings.vault.check'

/**
 * Fails at start-up, with the fix, when this process's key cannot read the secrets already in
 * the database (another instance generated its own key file, or WAHUB_SECRET_KEY changed
 * without WAHUB_PREVIOUS_SECRET_KEYS) — rather than failing later on the first send.
 */
export async function checkVaultKey(db: Db, vault: Vault): Promise<void> {
  const stored = await initSetting(db, key, vault.encrypt('wahub', context))
  try {
    vault.decrypt(stored, context)
  } catch (err) {
    throw new Error(
      `the secret key cannot decrypt this database's secrets (${(err as Error).message}). Set WAHUB_SECRET_KEY to the key used when the database was created; every instance sharing a database needs the same key.`,
    )
  }
}

/** Re-encrypts the check value with the current key (key rotation); true when it was stale. */
export async function rotateVaultCheck(db: Db, vault: Vault): Promise<boolean> {
  const stored = await getSetting<string>(db, key)
  if (stored === undefined || !vault.isStale(stored)) return false
  await setSetting(db, key, vault.encrypt(vault.decrypt(stored, context), context))
  return true
}
