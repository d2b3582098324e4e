import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import fc from 'fast-check'
import { createApiKey } from '../../src/accounts/api-keys.ts'
import { testDbKind } from '../helpers/db.ts'
import { type ReceivingSetup, startReceiving } from '../helpers/receiving.ts'
import { type ApiCall, adminCall, sendCall } from './api-arbitraries.ts'
import { type WebhookDelivery, webhookDelivery } from './webhook-arbitraries.ts'

// Issue 12's fuzz suite, over real HTTP against a real Wahub (and the emulator as Meta) on a
// real database. Generated webhook deliveries of every payload shape, mutated and junk, signed
// right, wrong or not at all; sends and admin calls with valid, mutated and junk bodies.
// Properties: no 5xx, every 4xx in Wahub's error envelope, the server still answers afterwards,
// and every stored webhook event ends processed (none left pending, none failed).
//
// `npm test` runs a small seeded run (a few hundred inputs, the same every time);
// `npm run fuzz` runs ≥ 10,000 webhooks plus API calls with a fresh seed (WAHUB_FUZZ_SEED=n
// replays one). On a failure fast-check prints the seed, the path and the shrunk input.

const full = process.env.WAHUB_FUZZ === 'full'
const seed = process.env.WAHUB_FUZZ_SEED ? Number(process.env.WAHUB_FUZZ_SEED) : full ? Date.now() : 12
const batch = 10 // requests in flight at once, as Meta and integrations do
const runs = full ? { webhooks: 1000, sends: 250, admin: 150 } : { webhooks: 24, sends: 10, admin: 8 }
// A full run takes minutes on a busy machine: past the suite's default per-test timeout.
const timeout = full ? 900_000 : 120_000

type Tally = Record<string, number>
const bump = (t: Tally, key: string) => {
  t[key] = (t[key] ?? 0) + 1
}

describe(`fuzz: webhooks, sends and admin calls (${testDbKind}, ${full ? 'full' : 'seeded'} run, seed ${seed})`, () => {
  let h: ReceivingSetup
  let tenantKey = ''
  let operatorKey = ''
  const statuses: Tally = {}
  const kinds: Tally = {}
  const codes: Tally = {}
  before(async () => {
    h = await startReceiving()
    tenantKey = (await createApiKey(h.db.db, { tenant: h.tenantId, name: 'fuzz' }, 'test')).key
    operatorKey = (await createApiKey(h.db.db, { name: 'fuzz operator' }, 'test')).key
  })
  after(async () => {
    await h.close()
  })

  /** One request; the properties every answer must have. */
  async function send(
    what: string,
    method: string,
    path: string,
    init: { body?: Buffer | string; headers?: Record<string, string> },
  ): Promise<number> {
    const res = await fetch(`${h.wahub.url}${path}`, { method, headers: init.headers, body: init.body })
    const text = await res.text()
    bump(statuses, `${what} ${Math.floor(res.status / 100)}xx`)
    assert.ok(res.status < 500, `${method} ${path} answered ${res.status}: ${text.slice(0, 500)}`)
    if (res.status >= 400) {
      let body: { error?: { code?: unknown; message?: unknown } } | undefined
      try {
        body = JSON.parse(text) as typeof body
      } catch {
        body = undefined
      }
      assert.ok(
        typeof body?.error?.code === 'string' && typeof body.error.message === 'string',
        `${method} ${path} answered ${res.status} outside Wahub's error envelope: ${text.slice(0, 300)}`,
      )
      bump(codes, `${what} ${res.status} ${String(body?.error?.code)}`)
    }
    return res.status
  }

  const deliver = (d: WebhookDelivery) => {
    bump(kinds, `webhook ${d.kind}, signature ${d.signing}`)
    return send('webhook', 'POST', '/webhooks/whatsapp', { body: d.bytes, headers: d.headers })
  }
  const call = (c: ApiCall, key: string) => {
    bump(kinds, c.kind)
    const headers: Record<string, string> = { authorization: `Bearer ${key}` }
    if (c.contentType && c.body !== undefined) headers['content-type'] = c.contentType
    return send(c.kind.startsWith('send') ? 'send' : 'admin', c.method, c.path, { body: c.body, headers })
  }

  test('webhook deliveries: never a 5xx, errors in the envelope', { timeout }, async () => {
    const targets = {
      appSecret: h.emulator.seed.appSecret,
      phoneNumberIds: h.emulator.seed.phoneNumberIds,
      wabaIds: [h.emulator.seed.wabaId],
      customers: h.emulator.seed.customers.map((c) => c.wa_id).filter(Boolean),
    }
    await fc.assert(
      fc.asyncProperty(
        fc.array(webhookDelivery(targets), { minLength: batch, maxLength: batch }),
        async (ds) => {
          await Promise.all(ds.map(deliver))
        },
      ),
      { seed, numRuns: runs.webhooks, endOnFailure: true },
    )
  })

  test('sends as a tenant: never a 5xx, errors in the envelope', { timeout }, async () => {
    const recipients = h.emulator.seed.customers.map((c) => c.wa_id).filter(Boolean)
    await fc.assert(
      fc.asyncProperty(
        fc.array(sendCall(recipients, h.emulator.seed.phoneNumberIds[0]), {
          minLength: batch,
          maxLength: batch,
        }),
        async (cs) => {
          await Promise.all(cs.map((c) => call(c, tenantKey)))
        },
      ),
      { seed, numRuns: runs.sends, endOnFailure: true },
    )
  })

  test('admin calls with an operator key: never a 5xx, errors in the envelope', { timeout }, async () => {
    const ids = { tenantId: h.tenantId, numberRowId: h.numberRowId, wabaRowId: h.wabaRowId }
    await fc.assert(
      fc.asyncProperty(fc.array(adminCall(ids), { minLength: batch, maxLength: batch }), async (cs) => {
        await Promise.all(cs.map((c) => call(c, operatorKey)))
      }),
      { seed, numRuns: runs.admin, endOnFailure: true },
    )
  })

  test('afterwards the server answers and every stored event is processed', { timeout }, async (t) => {
    const health = await fetch(`${h.wahub.url}/healthz`)
    assert.equal(health.status, 200, 'the server still answers /healthz')
    const outcomes = async () =>
      Object.fromEntries(
        (
          await h.db.db
            .selectFrom('webhook_events')
            .select(['outcome', (eb) => eb.fn.countAll<number>().as('n')])
            .groupBy('outcome')
            .execute()
        ).map((r) => [r.outcome, Number(r.n)]),
      ) as Record<string, number>
    // A processing error is a finding at once: its job would otherwise retry with back-off for
    // minutes before the event is marked failed.
    const stuck = async () => {
      const job = await h.db.db
        .selectFrom('jobs')
        .select(['payload', 'attempts', 'last_error'])
        .where('kind', '=', 'webhook.process')
        .where('last_error', 'is not', null)
        .executeTakeFirst()
      if (!job) return undefined
      const ids = (JSON.parse(job.payload) as { eventIds: string[] }).eventIds
      const events = await h.db.db
        .selectFrom('webhook_events')
        .select(['id', 'body'])
        .where('id', 'in', ids)
        .execute()
      return {
        ...job,
        events: events.map((e) => ({ id: e.id, body: Buffer.from(e.body).toString('utf8').slice(0, 4000) })),
      }
    }
    // Polls the condition (never a fixed sleep) until nothing is pending.
    const deadline = Date.now() + (full ? 600_000 : 30_000)
    for (;;) {
      const failing = await stuck()
      if (failing)
        assert.fail(`processing failed (${failing.last_error}): ${JSON.stringify(failing, null, 1)}`)
      const now = await outcomes()
      if (!now.pending) break
      if (Date.now() > deadline) assert.fail(`events still pending: ${JSON.stringify(now)}`)
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    const final = await outcomes()
    assert.equal(final.failed ?? 0, 0, `no event's processing failed: ${JSON.stringify(final)}`)
    const inputs = Object.values(kinds).reduce((a, b) => a + b, 0)
    t.diagnostic(`seed ${seed}: ${inputs} inputs; answers ${JSON.stringify(statuses)}`)
    t.diagnostic(`inputs by kind ${JSON.stringify(kinds)}`)
    t.diagnostic(`refusals by code ${JSON.stringify(codes)}`)
    t.diagnostic(`stored webhook events by outcome ${JSON.stringify(final)}`)
    if (full)
      assert.ok(
        (statuses['webhook 2xx'] ?? 0) + (statuses['webhook 4xx'] ?? 0) >= 10_000,
        'a full run sends ≥ 10,000 webhooks',
      )
  })
})
