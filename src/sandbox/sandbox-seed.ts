import { buildDefaultSeed } from '../emulator/default-seed.ts'
import type { EmulatorSeed, SeedCustomer, SeedPhoneNumber, SeedTemplate } from '../emulator/seed-types.ts'

// The Sandbox's emulator state. On the first run it comes from the constants below (with fresh
// random secrets); on every later start it is rebuilt from what Wahub stored — the app's
// secret and verify token, the WABA's token, the numbers, the templates, when each customer
// last wrote — so the emulator answers with exactly the ids, tokens and secrets Wahub holds.

export const sandboxIds = {
  appId: '990000000000001',
  wabaId: '990100000000001',
  pin: '123456',
} as const

export const sandboxNames = {
  app: 'Sandbox app (built-in emulator)',
  waba: 'Sandbox WABA',
  tenant: 'Sandbox demo',
  apiKey: 'Sandbox demo key',
} as const

export type SandboxNumber = { id: string; display: string; verifiedName: string }

export const sandboxNumbers: readonly SandboxNumber[] = [
  { id: '990200000000001', display: '+1 555-010-1001', verifiedName: 'Sandbox Shop' },
  { id: '990200000000002', display: '+1 555-010-1002', verifiedName: 'Sandbox Support' },
]

export type SandboxCustomer = { waId: string; name: string; language: string; writesTo: string }

/** Simulated customers, each writing to one of the two numbers, in several languages. */
export const sandboxCustomers: readonly SandboxCustomer[] = [
  { waId: '34612345678', name: 'Lucía García', language: 'es', writesTo: sandboxNumbers[0].id },
  { waId: '5511987654321', name: 'João Silva', language: 'pt', writesTo: sandboxNumbers[1].id },
  { waId: '16505551234', name: 'Sheena Nelson', language: 'en', writesTo: sandboxNumbers[1].id },
  { waId: '33612345678', name: 'Camille Martin', language: 'fr', writesTo: sandboxNumbers[0].id },
  { waId: '4915112345678', name: 'Jonas Weber', language: 'de', writesTo: sandboxNumbers[0].id },
]

/** The approved sample templates of the default emulator seed (seed 001's po_notification among them). */
export function sampleTemplates(now: number): SeedTemplate[] {
  const all = buildDefaultSeed(now).wabas?.[0]?.templates ?? []
  return all.filter((t) => (t.status ?? 'APPROVED') === 'APPROVED')
}

export type SandboxSecrets = { appSecret: string; verifyToken: string; accessToken: string }

export type StoredSandbox = {
  numbers: {
    id: string
    display: string
    verifiedName: string | null
    quality: string | null
    tier: string | null
    throughputLevel: string | null
    registered: boolean | null
    accountMode: string | null
  }[]
  templates: SeedTemplate[]
  /** wa_id → when the customer last wrote (Wahub's conversations), so the 24 h window agrees. */
  lastInbound: Map<string, number>
}

const quality = new Set(['GREEN', 'YELLOW', 'RED', 'NA'])
const levels = new Set(['STANDARD', 'HIGH', 'NOT_APPLICABLE'])

function storedNumber(n: StoredSandbox['numbers'][number]): SeedPhoneNumber {
  const out: SeedPhoneNumber = {
    id: n.id,
    display_phone_number: n.display,
    verified_name: n.verifiedName ?? 'Sandbox',
    registered: n.registered !== false,
    pin: sandboxIds.pin,
    account_mode: n.accountMode === 'SANDBOX' ? 'SANDBOX' : 'LIVE',
  }
  if (n.quality && quality.has(n.quality)) out.quality_rating = n.quality as SeedPhoneNumber['quality_rating']
  if (n.tier) out.messaging_limit_tier = n.tier
  if (n.throughputLevel && levels.has(n.throughputLevel)) {
    out.throughput_level = n.throughputLevel as SeedPhoneNumber['throughput_level']
  }
  return out
}

export function sandboxSeed(secrets: SandboxSecrets, now: number, stored?: StoredSandbox): EmulatorSeed {
  const numbers: SeedPhoneNumber[] = stored
    ? stored.numbers.map(storedNumber)
    : sandboxNumbers.map((n) => ({
        id: n.id,
        display_phone_number: n.display,
        verified_name: n.verifiedName,
        registered: true,
        pin: sandboxIds.pin,
        account_mode: 'LIVE',
        messaging_limit_tier: 'TIER_1K',
      }))
  const customers: SeedCustomer[] = sandboxCustomers.map((c) => {
    const out: SeedCustomer = {
      wa_id: c.waId,
      name: c.name,
      language: c.language,
      auto_reply: true,
      reads: true,
    }
    const last = stored?.lastInbound.get(c.waId)
    if (last !== undefined) out.last_inbound_at = last
    return out
  })
  return {
    app: {
      id: sandboxIds.appId,
      name: sandboxNames.app,
      secret: secrets.appSecret,
      verify_token: secrets.verifyToken,
    },
    wabas: [
      {
        id: sandboxIds.wabaId,
        name: sandboxNames.waba,
        currency: 'EUR',
        subscribed: true,
        phone_numbers: numbers,
        templates: stored ? stored.templates : sampleTemplates(now),
      },
    ],
    tokens: [{ token: secrets.accessToken, kind: 'valid', type: 'SYSTEM_USER', expires_at: 0 }],
    customers,
  }
}
