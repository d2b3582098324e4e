import { randomBytes } from 'node:crypto'
import type { AddressInfo } from 'node:net'
import { createApiKey } from '../accounts/api-keys.ts'
import { addApp } from '../channels/apps.ts'
import type { ChannelsContext } from '../channels/context.ts'
import { importNumbers } from '../channels/numbers.ts'
import { addTenant, getTenant, type Tenant } from '../channels/tenants.ts'
import { addWaba } from '../channels/wabas.ts'
import { type Emulator, type EmulatorOptions, startEmulator } from '../emulator/index.ts'
import { WahubError } from '../errors.ts'
import type { Logger } from '../log.ts'
import { syncTemplates } from '../templates/sync.ts'
import { type CustomerSimulationOptions, startCustomerSimulation } from './customers.ts'
import { hasChannels, loadSandboxRows, markSandbox, setGraphUrl } from './sandbox-repo.ts'
import {
  type SandboxSecrets,
  type StoredSandbox,
  sandboxCustomers,
  sandboxIds,
  sandboxNames,
  sandboxNumbers,
  sandboxSeed,
} from './sandbox-seed.ts'
import { claimSandbox, readSandboxState, type SandboxState, writeSandboxState } from './sandbox-state.ts'

// The first-run Sandbox (SPEC §3): the Cloud API emulator in this process, wired in as a
// labelled Sandbox app and WABA with two numbers, a demo tenant with an API key, approved
// sample templates and simulated customers — set up through the same channel functions an
// operator's commands use. Later starts rebuild the emulator from what Wahub stored
// (sandbox-repo.ts), so ids, tokens and secrets match after every restart.
//
// One instance runs it: with several instances on one PostgreSQL, set WAHUB_SANDBOX=off.

const actor = 'sandbox'
/** A `creating` claim older than this was left by a crash: the next start takes over. */
const staleClaimMs = 2 * 60_000

export type SandboxDeps = ChannelsContext & { log: Logger; onChannelsChanged?: () => void }

export type SandboxOptions = {
  /** Wahub's listening address: the emulator delivers webhooks there. */
  address: AddressInfo | string | null
  customers?: CustomerSimulationOptions | false
  /** Emulator delays etc. (tests). */
  emulator?: Pick<EmulatorOptions, 'delays' | 'webhookRetry' | 'batch'>
}

export type SandboxWelcome = {
  /** True on the start that created it. */
  created: boolean
  tenantName: string
  /** The demo tenant's API key: only on the start that created it (shown once, like every key). */
  apiKey: string | null
  apiKeyHint: string | null
  numbers: { phoneNumberId: string; display: string; verifiedName: string }[]
  customers: { waId: string; name: string; language: string }[]
  emulatorUrl: string
  wabaId: string
}

export type Sandbox = { emulator: Emulator; welcome: SandboxWelcome; close(): Promise<void> }

/** Where this server can be reached from inside the machine (0.0.0.0 / :: → 127.0.0.1). */
export function localBaseUrl(address: AddressInfo | string | null): string {
  if (!address || typeof address === 'string') return 'http://127.0.0.1:8080'
  const host = address.address === '0.0.0.0' || address.address === '::' ? '127.0.0.1' : address.address
  return `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`
}

function randomSecrets(): SandboxSecrets {
  return {
    appSecret: randomBytes(16).toString('hex'),
    verifyToken: randomBytes(18).toString('base64url'),
    accessToken: `EAAW${randomBytes(24).toString('hex')}`,
  }
}

async function emulatorOn(
  port: number | undefined,
  seed: ReturnType<typeof sandboxSeed>,
  webhookUrl: string,
  options: SandboxOptions,
): Promise<Emulator> {
  const base: EmulatorOptions = { seed, webhookUrl, autoReply: true, host: '127.0.0.1', ...options.emulator }
  if (port) {
    try {
      return await startEmulator({ ...base, port })
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err
    }
  }
  return startEmulator({ ...base, port: 0 })
}

/**
 * Starts the Sandbox when it should run: created on a first run (no app, no WABA yet), resumed
 * on later starts; nothing when it was skipped, removed, or another instance is creating it.
 */
export async function startSandbox(deps: SandboxDeps, options: SandboxOptions): Promise<Sandbox | undefined> {
  const { db } = deps
  const localUrl = localBaseUrl(options.address)
  const claim = randomBytes(8).toString('hex')
  const now = Date.now()
  let state = await readSandboxState(db)
  if (!state) {
    if (await hasChannels(db)) {
      await claimSandbox(db, {
        status: 'skipped',
        claim,
        since: now,
        reason: 'channels were configured before the first start',
      })
      return undefined
    }
    state = await claimSandbox(db, { status: 'creating', claim, since: now })
    if (state.claim !== claim) return undefined
    return create(deps, options, localUrl, claim)
  }
  if (state.status === 'skipped') return undefined
  if (state.status === 'creating' && now - state.since < staleClaimMs) return undefined
  if (state.status !== 'ready') {
    await writeSandboxState(db, { status: 'creating', claim, since: now })
    return create(deps, options, localUrl, claim)
  }
  return resume(deps, options, localUrl, state)
}

async function tenantFor(deps: SandboxDeps): Promise<Tenant> {
  const numbers = sandboxNumbers.map((n) => n.id)
  try {
    return await addTenant(deps.db, { name: sandboxNames.tenant, numbers, defaultNumber: numbers[0] }, actor)
  } catch (err) {
    // A retried creation: the tenant was made by the attempt that failed later.
    if (err instanceof WahubError && err.code === 'conflict') return getTenant(deps.db, sandboxNames.tenant)
    throw err
  }
}

async function create(
  deps: SandboxDeps,
  options: SandboxOptions,
  localUrl: string,
  claim: string,
): Promise<Sandbox | undefined> {
  const { db, log } = deps
  const secrets = randomSecrets()
  let emulator: Emulator | undefined
  try {
    emulator = await emulatorOn(
      undefined,
      sandboxSeed(secrets, Date.now()),
      `${localUrl}/webhooks/whatsapp`,
      options,
    )
    await addApp(
      deps,
      {
        appId: sandboxIds.appId,
        appSecret: secrets.appSecret,
        verifyToken: secrets.verifyToken,
        name: sandboxNames.app,
      },
      actor,
      localUrl,
    )
    const { waba } = await addWaba(
      deps,
      {
        wabaId: sandboxIds.wabaId,
        token: secrets.accessToken,
        appId: sandboxIds.appId,
        graphUrl: emulator.url,
        name: sandboxNames.waba,
      },
      actor,
    )
    await importNumbers(deps, waba.id, actor)
    await markSandbox(db, waba.id)
    await syncTemplates(deps, waba.id, actor)
    const tenant = await tenantFor(deps)
    const { key, apiKey } = await createApiKey(db, { tenant: tenant.id, name: sandboxNames.apiKey }, actor)
    await writeSandboxState(db, {
      status: 'ready',
      claim,
      since: Date.now(),
      localUrl,
      emulatorPort: Number(new URL(emulator.url).port),
      tenantId: tenant.id,
      apiKeyId: apiKey.id,
      apiKeyHint: apiKey.hint,
    })
    deps.onChannelsChanged?.()
    log.info({ wabaId: sandboxIds.wabaId, emulator: emulator.url }, 'sandbox created')
    return running(deps, options, emulator, {
      created: true,
      apiKey: key,
      apiKeyHint: apiKey.hint,
      tenantName: tenant.name,
    })
  } catch (err) {
    // The Sandbox is a convenience: Wahub runs without it, and the next start tries again.
    await emulator?.close()
    await writeSandboxState(db, {
      status: 'failed',
      claim,
      since: Date.now(),
      reason: (err as Error).message,
    })
    log.error({ err: (err as Error).message }, 'sandbox setup failed')
    return undefined
  }
}

async function resume(
  deps: SandboxDeps,
  options: SandboxOptions,
  localUrl: string,
  state: SandboxState,
): Promise<Sandbox | undefined> {
  const { db, vault, log } = deps
  const rows = await loadSandboxRows(db, vault, randomBytes(16).toString('hex'))
  if (!rows) {
    log.info('sandbox removed: not started')
    return undefined
  }
  if (!rows.appPresent) log.warn('sandbox app removed: its webhooks will be refused (no app secret)')
  const seed = sandboxSeed(rows.secrets, Date.now(), rows.stored as StoredSandbox)
  let emulator: Emulator
  try {
    emulator = await emulatorOn(state.emulatorPort, seed, `${localUrl}/webhooks/whatsapp`, options)
  } catch (err) {
    log.error({ err: (err as Error).message }, 'sandbox emulator could not start')
    return undefined
  }
  if (rows.graphUrl !== emulator.url) await setGraphUrl(db, rows.wabaRowId, emulator.url)
  const port = Number(new URL(emulator.url).port)
  if (state.localUrl !== localUrl || state.emulatorPort !== port) {
    await writeSandboxState(db, { ...state, localUrl, emulatorPort: port })
  }
  const tenant = state.tenantId ? await getTenant(db, state.tenantId).catch(() => undefined) : undefined
  log.info({ wabaId: sandboxIds.wabaId, emulator: emulator.url }, 'sandbox started')
  return running(deps, options, emulator, {
    created: false,
    apiKey: null,
    apiKeyHint: state.apiKeyHint ?? null,
    tenantName: tenant?.name ?? sandboxNames.tenant,
  })
}

function running(
  deps: SandboxDeps,
  options: SandboxOptions,
  emulator: Emulator,
  who: Pick<SandboxWelcome, 'created' | 'apiKey' | 'apiKeyHint' | 'tenantName'>,
): Sandbox {
  const simulation =
    options.customers === false
      ? undefined
      : startCustomerSimulation(emulator.control, sandboxCustomers, deps.log, options.customers)
  const state = emulator.control.state() as {
    phone_numbers?: { id: string; display_phone_number: string; verified_name: string }[]
  }
  const numbers = (state.phone_numbers ?? []).map((n) => ({
    phoneNumberId: n.id,
    display: n.display_phone_number,
    verifiedName: n.verified_name,
  }))
  return {
    emulator,
    welcome: {
      ...who,
      numbers,
      customers: sandboxCustomers.map((c) => ({ waId: c.waId, name: c.name, language: c.language })),
      emulatorUrl: emulator.url,
      wabaId: sandboxIds.wabaId,
    },
    async close() {
      simulation?.stop()
      await emulator.close()
    },
  }
}
