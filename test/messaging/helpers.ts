import assert from 'node:assert/strict'
import type { GraphLedgerEntry } from '../../src/emulator/ledger.ts'
import {
  type ApiAnswer,
  type Harness,
  type HarnessOptions,
  type Onboarded,
  onboardSeed,
  startHarness,
} from '../helpers/harness.ts'
import { waitFor } from '../helpers/wait.ts'

// The sending tests' world: the emulator, Wahub on a fresh database, the seed onboarded
// (tenants acme → 110000000000001, globex → 110000000000002, both on the emulator's WABA).
// Customers: Lucía 34612345678, Sheena 16505551234 (windows opened by writing first),
// João 551187654321, Ursula 447700900123 (undeliverable).

export const lucia = '34612345678'
export const sheena = '16505551234'
export const joao = '551187654321'
export const ursula = '447700900123'

export type SendWorld = { h: Harness; seed: Onboarded; key: string; pnid: string; numberId: string }

export async function startSendWorld(options: HarnessOptions = {}): Promise<SendWorld> {
  const h = await startHarness({ logLevel: 'debug', ...options })
  try {
    const seed = await onboardSeed(h)
    return { h, seed, key: seed.acme.key, pnid: seed.acme.phoneNumberId, numberId: seed.acme.numberId }
  } catch (err) {
    await h.close()
    throw err
  }
}

/** The customer writes to the number (through the emulator's webhook), opening the window. */
export async function customerWrites(
  w: SendWorld,
  waId: string,
  pnid = w.pnid,
  text = 'hola',
): Promise<void> {
  const { id } = w.h.emulator.control.customerSends(
    waId,
    { type: 'text', text: { body: text } },
    { phoneNumberId: pnid },
  )
  await waitFor(`the inbound message from ${waId} stored`, async () =>
    w.h.db.db.selectFrom('messages').select('id').where('wamid', '=', id).executeTakeFirst(),
  )
}

export type Sent = {
  id: string
  status: string
  wamid: string | null
  error: unknown
  from: string
  to: string
}

export async function send(
  w: SendWorld,
  body: Record<string, unknown>,
  options: { key?: string; headers?: Record<string, string>; query?: string } = {},
): Promise<ApiAnswer> {
  return w.h.api('POST', `/api/v1/messages${options.query ?? ''}`, {
    key: options.key ?? w.key,
    body,
    headers: options.headers,
  })
}

export async function sendOk(
  w: SendWorld,
  body: Record<string, unknown>,
  options: { key?: string } = {},
): Promise<Sent> {
  const res = await send(w, body, options)
  assert.equal(res.status, 202, res.text)
  return res.body as Sent
}

export type Detail = {
  id: string
  status: string
  wamid: string | null
  error: {
    code: number
    title: string | null
    details: string | null
    explanation: string | null
    fix?: string | null
  } | null
  statusReason: string | null
  history: { status: string; at: number; source: string; detail: Record<string, unknown> | null }[]
  actions: { name: string; href: string }[]
  content: Record<string, unknown>
  from: string | null
  to: string | null
}

export async function getMessage(w: SendWorld, id: string, key = w.key): Promise<Detail> {
  const res = await w.h.api('GET', `/api/v1/messages/${id}`, { key })
  assert.equal(res.status, 200, res.text)
  return res.body as Detail
}

export async function waitStatus(
  w: SendWorld,
  id: string,
  wanted: string | string[],
  options: { timeoutMs?: number } = {},
): Promise<Detail> {
  const set = Array.isArray(wanted) ? wanted : [wanted]
  let last: Detail | undefined
  try {
    return await waitFor(
      `message ${id} to be ${set.join(' or ')}`,
      async () => {
        last = await getMessage(w, id)
        return set.includes(last.status) ? last : undefined
      },
      { timeoutMs: options.timeoutMs ?? 15_000, intervalMs: 50 },
    )
  } catch (err) {
    throw new Error(`${(err as Error).message}; last seen: ${JSON.stringify(last)}`)
  }
}

/** Sends the emulator accepted or refused (POST /{pnid}/messages, mark-read excluded). */
export function graphSends(w: SendWorld, pnid?: string): GraphLedgerEntry[] {
  return (w.h.emulator.control.ledger({ kind: 'graph' }) as GraphLedgerEntry[]).filter(
    (e) =>
      e.method === 'POST' &&
      /\/messages$/.test(e.path) &&
      (!pnid || e.path.includes(`/${pnid}/`)) &&
      (e.body as { status?: string } | null)?.status !== 'read',
  )
}

/** The job's next run, brought forward to now (a retry's backoff, without waiting for it). */
export async function runJobsNow(w: SendWorld): Promise<void> {
  await w.h.db.db
    .updateTable('jobs')
    .set({ run_at: Date.now() })
    .where('kind', '=', 'message.send')
    .where('locked_by', 'is', null)
    .execute()
  w.h.wahub.sendWorker.nudge()
}

export function errorCode(res: ApiAnswer): string | undefined {
  return (res.body as { error?: { code?: string } })?.error?.code
}

export function errorOf(res: ApiAnswer): { code: string; message: string; fix: string; details?: unknown } {
  return (res.body as { error: { code: string; message: string; fix: string; details?: unknown } }).error
}

/** POST /api/v1/media as multipart, like a client uploading a file. */
export async function upload(
  w: SendWorld,
  file: { bytes: Uint8Array; mime: string; filename: string },
  fields: Record<string, string> = {},
  key = w.key,
): Promise<ApiAnswer> {
  const form = new FormData()
  for (const [k, v] of Object.entries(fields)) form.set(k, v)
  form.set('file', new Blob([file.bytes], { type: file.mime }), file.filename)
  const res = await fetch(`${w.h.url}/api/v1/media`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}` },
    body: form,
  })
  const text = await res.text()
  let body: unknown = text
  try {
    body = JSON.parse(text)
  } catch {
    // not JSON
  }
  return { status: res.status, body, text, headers: res.headers }
}

/** The ledger entry of the send that got this wamid. */
export function ledgerEntry(w: SendWorld, wamid: string): GraphLedgerEntry {
  const entry = graphSends(w).find((e) => e.wamid === wamid)
  assert.ok(entry, `no send with wamid ${wamid} in the emulator's ledger`)
  return entry
}

export const minimalJpeg = new Uint8Array([
  0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0, 1, 0xff, 0xd9,
])

/** Waits until every queued send has an outcome (no `message.send` job left). */
export async function settled(w: SendWorld, timeoutMs = 15_000): Promise<void> {
  await waitFor(
    'every queued send to have an outcome',
    async () => {
      const row = await w.h.db.db
        .selectFrom('jobs')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('kind', '=', 'message.send')
        .where('failed_at', 'is', null)
        .executeTakeFirstOrThrow()
      return Number(row.n) === 0
    },
    { timeoutMs },
  )
}
