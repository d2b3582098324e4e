import assert from 'node:assert/strict'
import type { GraphLedgerEntry } from '../../src/emulator/ledger.ts'
import type { ApiAnswer, Harness, Onboarded } from '../helpers/harness.ts'
import { waitFor } from '../helpers/wait.ts'

// Shared by the campaign tests: API calls that must succeed, the emulator's record of sends.

export type World = { h: Harness; seed: Onboarded }

export async function ok<T>(answer: Promise<ApiAnswer>, what: string): Promise<T> {
  const res = await answer
  assert.ok(res.status >= 200 && res.status < 300, `${what}: HTTP ${res.status} ${res.text}`)
  return res.body as T
}

export const api = (w: World, method: string, path: string, body?: unknown, key = w.seed.acme.key) =>
  w.h.api(method, path, { key, body })

export type CampaignView = {
  campaign: {
    id: string
    status: string
    reason: string | null
    pausedBy: string | null
    resumeAt: number | null
  }
  progress: Record<string, number> & { failedByCode: Record<string, number>; skipped: Record<string, number> }
}

export const view = (w: World, id: string) =>
  ok<CampaignView>(api(w, 'GET', `/api/v1/campaigns/${id}`), `campaign ${id}`)

export async function waitStatus(
  w: World,
  id: string,
  status: string,
  timeoutMs = 30_000,
): Promise<CampaignView> {
  let last: CampaignView | undefined
  try {
    return await waitFor(
      `campaign ${id} ${status}`,
      async () => {
        last = await view(w, id)
        return last.campaign.status === status ? last : undefined
      },
      { timeoutMs, intervalMs: 50 },
    )
  } catch (err) {
    throw new Error(`${(err as Error).message}; last seen: ${JSON.stringify(last)}`)
  }
}

/** Accepted template sends per recipient in the emulator's ledger, from one number. */
export function acceptedSends(w: World, pnid: string): Map<string, number> {
  const out = new Map<string, number>()
  for (const e of w.h.emulator.control.ledger({ kind: 'graph' }) as GraphLedgerEntry[]) {
    if (e.method !== 'POST' || !e.path.endsWith(`/${pnid}/messages`) || e.status !== 200 || !e.wamid) continue
    const to = (e.body as { to?: string }).to
    if (to) out.set(to, (out.get(to) ?? 0) + 1)
  }
  return out
}

/** An inline audience: `count` numbers from `first` (Spanish mobiles), with a name and an order. */
export function people(count: number, first = 34_600_100_000) {
  return Array.from({ length: count }, (_, i) => ({
    phone: `+${first + i}`,
    attributes: { name: `Cliente ${i}`, order: `#${1000 + i}` },
  }))
}
