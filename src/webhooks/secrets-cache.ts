import { type AppSecret, loadAppSecrets, loadVerifyTokens } from '../channels/routing.ts'
import type { Vault } from '../channels/vault.ts'
import type { Db } from '../db/connect.ts'

// The webhook route runs thousands of times a second; decrypting every app secret each time
// would dominate it. Secrets are cached for a few seconds, so an app added or re-keyed on
// another instance is picked up within `ttlMs` (and at once on this instance via `invalidate`).
// A signature that fails against the cache is re-checked once against fresh secrets.

export type SecretsCache = {
  appSecrets(): Promise<AppSecret[]>
  /** The app secrets when loaded and still fresh, without waiting (the webhook hot path). */
  cachedAppSecrets(): AppSecret[] | undefined
  verifyTokens(): Promise<string[]>
  /** Reload on next use (after an app is added, removed or its secret replaced). */
  invalidate(): void
  /** Age of the cached entry in ms (0 when fresh). */
  fresh(): boolean
}

export function createSecretsCache(db: Db, vault: Vault, ttlMs = 5000): SecretsCache {
  let secrets: { at: number; value: Promise<AppSecret[]>; loaded?: AppSecret[] } | undefined
  let tokens: { at: number; value: Promise<string[]> } | undefined
  return {
    appSecrets() {
      const now = Date.now()
      if (!secrets || now - secrets.at > ttlMs) {
        const value = loadAppSecrets(db, vault)
        const entry: NonNullable<typeof secrets> = { at: now, value }
        value.then(
          (loaded) => {
            entry.loaded = loaded
          },
          () => {
            if (secrets === entry) secrets = undefined
          },
        )
        secrets = entry
      }
      return secrets.value
    },
    cachedAppSecrets() {
      if (!secrets || Date.now() - secrets.at > ttlMs) return undefined
      return secrets.loaded
    },
    verifyTokens() {
      const now = Date.now()
      if (!tokens || now - tokens.at > ttlMs) {
        const value = loadVerifyTokens(db, vault)
        value.catch(() => {
          tokens = undefined
        })
        tokens = { at: now, value }
      }
      return tokens.value
    },
    invalidate() {
      secrets = undefined
      tokens = undefined
    },
    fresh() {
      return secrets !== undefined && Date.now() - secrets.at < 50
    },
  }
}
