import { getSetting, initSetting, setSetting } from '../channels/settings-repo.ts'
import type { Db } from '../db/connect.ts'

// What Wahub remembers about its Sandbox (settings key `sandbox`). Everything else — app, WABA,
// numbers, templates, tenant — lives in the ordinary tables, flagged `is_sandbox` and named
// "Sandbox …", so the emulator can be rebuilt from them after a restart.

export const sandboxKey = 'sandbox'

export type SandboxState = {
  /** creating: one instance claimed the first run; ready: set up; skipped: not wanted here. */
  status: 'creating' | 'ready' | 'failed' | 'skipped'
  /** Random id of the instance that claimed the creation (first writer wins). */
  claim: string
  since: number
  reason?: string
  /** Wahub's local base URL the emulator delivers webhooks to (doctor compares with it). */
  localUrl?: string
  /** The emulator's last port: reused on restart when free, so its URL stays the same. */
  emulatorPort?: number
  tenantId?: string
  apiKeyId?: string
  apiKeyHint?: string
}

export async function readSandboxState(db: Db): Promise<SandboxState | undefined> {
  return getSetting<SandboxState>(db, sandboxKey)
}

export async function writeSandboxState(db: Db, state: SandboxState): Promise<void> {
  await setSetting(db, sandboxKey, state)
}

/** Claims the first run; returns the state now stored (ours if `claim` matches). */
export async function claimSandbox(db: Db, state: SandboxState): Promise<SandboxState> {
  return initSetting(db, sandboxKey, state)
}
