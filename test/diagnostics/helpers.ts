import assert from 'node:assert/strict'
import { createHmac } from 'node:crypto'
import type { Config } from '../../src/config.ts'
import { type DoctorOptions, runDoctor } from '../../src/diagnostics/doctor.ts'
import type { Check, CheckId, CheckStatus, DoctorReport } from '../../src/diagnostics/types.ts'
import { newId } from '../../src/ids.ts'
import type { ApiAnswer, Harness } from '../helpers/harness.ts'

// Shared by the doctor tests: run doctor against a harness (fresh Graph reads unless told),
// find a check, and put rows in place that the send path would write (failed sends).

export async function doctor(
  h: Harness,
  options: DoctorOptions & { config?: Config; now?: () => number; cached?: boolean } = {},
): Promise<DoctorReport> {
  const { config, now, cached, ...rest } = options
  return runDoctor(
    {
      db: h.db.db,
      vault: h.wahub.vault,
      graph: h.wahub.graph,
      config: config ?? h.wahub.config,
      localUrl: h.url,
      now,
    },
    { fresh: !cached, ...rest },
  )
}

export function findCheck(report: DoctorReport, id: CheckId, subject?: string): Check {
  const found = report.checks.filter(
    (c) => c.id === id && (subject === undefined || c.subject?.includes(subject)),
  )
  assert.ok(
    found.length > 0,
    `no ${id} check${subject ? ` about ${subject}` : ''} in:\n${JSON.stringify(report.checks, null, 2)}`,
  )
  assert.equal(found.length, 1, `several ${id} checks about ${subject}`)
  return found[0]
}

export function assertCheck(
  report: DoctorReport,
  id: CheckId,
  status: CheckStatus,
  options: { subject?: string; seen?: RegExp; fix?: RegExp } = {},
): Check {
  const c = findCheck(report, id, options.subject)
  assert.equal(
    c.status,
    status,
    `${id}${options.subject ? ` (${options.subject})` : ''}: expected ${status}, got ${c.status}: ${c.seen} / fix: ${c.fix}`,
  )
  if (options.seen) assert.match(c.seen, options.seen)
  if (options.fix) assert.match(c.fix ?? '', options.fix)
  if (status === 'pass') assert.equal(c.fix, null, `${id} passes without a fix`)
  else assert.ok(c.fix, `${id} ${status} has a fix`)
  return c
}

/** An outgoing message as the send path records it (for failures and accepted sends). */
export async function insertOutbound(
  h: Harness,
  input: {
    tenantId: string
    numberRowId: string
    waId: string
    status: 'sent' | 'delivered' | 'read' | 'failed' | 'unknown' | 'queued'
    errorCode?: number
    errorTitle?: string
    at?: number
  },
): Promise<string> {
  const db = h.db.db
  const at = input.at ?? Date.now()
  let contact = await db
    .selectFrom('contacts')
    .select('id')
    .where('tenant_id', '=', input.tenantId)
    .where('wa_id', '=', input.waId)
    .executeTakeFirst()
  if (!contact) {
    contact = { id: newId('ct', at) }
    await db
      .insertInto('contacts')
      .values({
        id: contact.id,
        tenant_id: input.tenantId,
        wa_id: input.waId,
        user_id: null,
        profile_name: null,
        created_at: at,
        updated_at: at,
      })
      .execute()
  }
  let conversation = await db
    .selectFrom('conversations')
    .select('id')
    .where('contact_id', '=', contact.id)
    .where('phone_number_id', '=', input.numberRowId)
    .executeTakeFirst()
  if (!conversation) {
    conversation = { id: newId('cv', at) }
    await db
      .insertInto('conversations')
      .values({
        id: conversation.id,
        tenant_id: input.tenantId,
        phone_number_id: input.numberRowId,
        contact_id: contact.id,
        status: 'open',
        assignee_user_id: null,
        last_inbound_at: null,
        last_message_at: at,
        last_message_preview: null,
        created_at: at,
        updated_at: at,
      })
      .execute()
  }
  const id = newId('msg', at)
  await db
    .insertInto('messages')
    .values({
      id,
      tenant_id: input.tenantId,
      conversation_id: conversation.id,
      phone_number_id: input.numberRowId,
      contact_id: contact.id,
      direction: 'out',
      type: 'template',
      content: '{}',
      wamid:
        input.status === 'queued' ||
        input.status === 'unknown' ||
        (input.status === 'failed' && input.errorCode !== 131026 && input.errorCode !== 131047)
          ? null
          : `wamid.test.${id}`,
      status: input.status,
      status_at: at,
      meta_timestamp: null,
      error_code: input.errorCode ?? null,
      error_title: input.errorTitle ?? null,
      error_details: null,
      error_explanation: null,
      pricing_model: null,
      pricing_category: null,
      pricing_type: null,
      billable: null,
      context_wamid: null,
      source: 'api',
      created_by: null,
      created_at: at,
      updated_at: at,
    })
    .execute()
  return id
}

/** POSTs a webhook body to Wahub, signed with `secret` (or unsigned). */
export async function postWebhook(h: Harness, body: string, secret?: string): Promise<number> {
  const headers: Record<string, string> = { 'content-type': 'application/json' }
  if (secret)
    headers['x-hub-signature-256'] = `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`
  const res = await fetch(`${h.url}/webhooks/whatsapp`, { method: 'POST', headers, body })
  await res.arrayBuffer()
  return res.status
}

export type Onboarded2 = {
  tenantId: string
  /** send+read key of the tenant. */
  key: string
  /** Meta's phone_number_id → Wahub's row id. */
  numbers: Record<string, string>
  /** Meta's WABA id → Wahub's row id. */
  wabas: Record<string, string>
}

/**
 * Connects the app and the given WABAs through the admin API (numbers imported), and gives
 * the numbers listed in `tenantNumbers` to a tenant "bakery" with a send+read key.
 */
export async function onboard(h: Harness, wabaIds: string[], tenantNumbers: string[]): Promise<Onboarded2> {
  const seed = h.emulator.seed
  const ok = (res: ApiAnswer, what: string) => {
    assert.ok(res.status < 300, `${what}: HTTP ${res.status} ${res.text}`)
    return res
  }
  ok(
    await h.api('POST', '/api/v1/admin/apps', {
      key: h.adminKey,
      body: { appId: seed.appId, appSecret: seed.appSecret, verifyToken: seed.verifyToken },
    }),
    'app',
  )
  const numbers: Record<string, string> = {}
  const wabas: Record<string, string> = {}
  for (const wabaId of wabaIds) {
    const w = ok(
      await h.api('POST', '/api/v1/admin/wabas', {
        key: h.adminKey,
        body: { wabaId, token: seed.accessToken },
      }),
      `WABA ${wabaId}`,
    )
    wabas[wabaId] = (w.body as { waba: { id: string } }).waba.id
    const imported = ok(
      await h.api('POST', `/api/v1/admin/wabas/${wabaId}/numbers/import`, { key: h.adminKey }),
      `numbers of ${wabaId}`,
    )
    for (const n of (imported.body as { numbers: { id: string; phoneNumberId: string }[] }).numbers) {
      numbers[n.phoneNumberId] = n.id
    }
    ok(await h.api('POST', `/api/v1/admin/wabas/${wabaId}/templates/sync`, { key: h.adminKey }), 'templates')
  }
  const t = ok(
    await h.api('POST', '/api/v1/admin/tenants', {
      key: h.adminKey,
      body: { name: 'bakery', numbers: tenantNumbers, defaultNumber: tenantNumbers[0] },
    }),
    'tenant',
  )
  const tenantId = (t.body as { id: string }).id
  const k = ok(
    await h.api('POST', '/api/v1/admin/api-keys', {
      key: h.adminKey,
      body: { tenantId, scopes: ['send', 'read'] },
    }),
    'key',
  )
  return { tenantId, key: (k.body as { key: string }).key, numbers, wabas }
}
