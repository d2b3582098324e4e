import assert from 'node:assert/strict'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { after, before, describe, test } from 'node:test'
import { explainMetaError } from '../../src/cloud-api/error-catalogue.ts'
import { createGraphClient } from '../../src/cloud-api/graph-client.ts'
import { testDbKind } from '../helpers/db.ts'
import { type Harness, type Onboarded, onboardSeed, startHarness } from '../helpers/harness.ts'

type Body = Record<string, unknown>
type NumberWebhook = {
  phoneNumberId: string
  effective: { level: string; url: string } | null
  pointsToUs: boolean
}
type Status = {
  ok: boolean
  subscribed: boolean
  wabaOverride: string | null
  numbers: NumberWebhook[]
  problems: { problem: string; fix: string }[]
}

// Another system that once configured this WABA (Whazing's trap): it answers Meta's handshake,
// so Meta accepts an override pointing at it.
async function otherReceiver(): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x')
    res.end(url.searchParams.get('hub.challenge') ?? '')
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/old-vendor/webhook`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }
}

describe(`Meta-side tools: webhook status, overrides, registration (${testDbKind})`, () => {
  let h: Harness
  let seed: Onboarded
  let other: Awaited<ReturnType<typeof otherReceiver>>
  const graph = createGraphClient()
  const target = () => ({ baseUrl: h.emulator.url, version: 'v23.0', token: h.emulator.seed.accessToken })
  const status = async (path: string) => {
    const res = await h.api('GET', path, { key: h.adminKey })
    assert.equal(res.status, 200, res.text)
    return res.body as Status
  }

  before(async () => {
    h = await startHarness()
    seed = await onboardSeed(h)
    other = await otherReceiver()
  })
  after(async () => {
    await h.close()
    await other.close()
  })

  test('webhook status says Meta uses the app callback, which is Wahub', async () => {
    const s = await status(`/api/v1/admin/wabas/${seed.wabaRowId}/webhook`)
    assert.equal(s.subscribed, true)
    assert.deepEqual(s.problems, [])
    assert.equal(s.ok, true)
    for (const n of s.numbers) {
      assert.equal(n.effective?.level, 'application')
      assert.equal(n.pointsToUs, true)
    }
  })

  test('a number-level override pointing elsewhere is detected, with the fix', async () => {
    const pnid = seed.acme.phoneNumberId
    await graph.setNumberWebhook(target(), pnid, {
      override_callback_uri: other.url,
      verify_token: 'old-vendor',
    })
    const s = await status(`/api/v1/admin/wabas/${seed.wabaRowId}/webhook`)
    assert.equal(s.ok, false)
    const n = s.numbers.find((x) => x.phoneNumberId === pnid) as NumberWebhook
    assert.deepEqual(n.effective, { level: 'number', url: other.url })
    assert.equal(n.pointsToUs, false)
    const others = s.numbers.filter((x) => x.phoneNumberId !== pnid)
    assert.ok(
      others.every((x) => x.pointsToUs),
      'the other numbers still reach Wahub',
    )
    const problem = s.problems.find((p) => p.problem.includes(pnid))
    assert.ok(problem, 'the overridden number is named')
    assert.match(problem.fix, /webhook override --level number/)
  })

  test('a WABA-level override wins over the app callback, and the number override over both', async () => {
    await graph.subscribeApp(target(), seed.wabaId, {
      override_callback_uri: other.url,
      verify_token: 'old-vendor',
    })
    const s = await status(`/api/v1/admin/wabas/${seed.wabaRowId}/webhook`)
    assert.equal(s.wabaOverride, other.url)
    for (const n of s.numbers) {
      assert.equal(n.pointsToUs, false)
      assert.equal(n.effective?.level, n.phoneNumberId === seed.acme.phoneNumberId ? 'number' : 'waba')
    }
  })

  test('override --level number points the number back at Wahub (Meta checks our handshake)', async () => {
    const res = await h.api('POST', `/api/v1/admin/numbers/${seed.acme.phoneNumberId}/webhook/override`, {
      key: h.adminKey,
      body: {},
    })
    assert.equal(res.status, 200, res.text)
    const n = (res.body as Status).numbers.find((x) => x.phoneNumberId === seed.acme.phoneNumberId)
    assert.equal(n?.effective?.level, 'number')
    assert.equal(n?.pointsToUs, true)
  })

  test('subscribe removes the WABA override; removing the number override leaves the app callback', async () => {
    const sub = await h.api('POST', `/api/v1/admin/wabas/${seed.wabaRowId}/webhook/subscribe`, {
      key: h.adminKey,
    })
    assert.equal(sub.status, 200, sub.text)
    assert.equal((sub.body as Status).wabaOverride, null)
    const res = await h.api('POST', `/api/v1/admin/numbers/${seed.acme.phoneNumberId}/webhook/override`, {
      key: h.adminKey,
      body: { remove: true },
    })
    assert.equal(res.status, 200, res.text)
    const s = res.body as Status
    assert.equal(s.ok, true, JSON.stringify(s.problems))
    assert.ok(s.numbers.every((n) => n.effective?.level === 'application' && n.pointsToUs))
  })

  test('override --level waba points the whole WABA at Wahub', async () => {
    const res = await h.api('POST', `/api/v1/admin/wabas/${seed.wabaRowId}/webhook/override`, {
      key: h.adminKey,
      body: {},
    })
    assert.equal(res.status, 200, res.text)
    const s = res.body as Status
    assert.equal(s.wabaOverride, `${h.wahub.config.publicUrl}/webhooks/whatsapp`)
    assert.ok(s.numbers.every((n) => n.effective?.level === 'waba' && n.pointsToUs))
    await h.api('POST', `/api/v1/admin/wabas/${seed.wabaRowId}/webhook/subscribe`, { key: h.adminKey })
  })

  test('registering with the wrong PIN is refused with 133005 explained; the right PIN registers', async () => {
    const pnid = seed.globex.phoneNumberId // PIN 654321 in the emulator's seed
    const wrong = await h.api('POST', `/api/v1/admin/numbers/${pnid}/register`, {
      key: h.adminKey,
      body: { pin: '000000' },
    })
    assert.equal(wrong.status, 422, wrong.text)
    const { error } = wrong.body as { error: { code: string; fix: string; details: Body } }
    assert.equal(error.code, 'meta_error')
    assert.equal(error.details.code, 133005)
    assert.equal(error.details.meaning, explainMetaError(133005).meaning)
    assert.equal(error.fix, explainMetaError(133005).fix)

    const dereg = await h.api('POST', `/api/v1/admin/numbers/${pnid}/deregister`, { key: h.adminKey })
    assert.equal(dereg.status, 200, dereg.text)
    assert.equal((dereg.body as Body).registered, false)
    const right = await h.api('POST', `/api/v1/admin/numbers/${pnid}/register`, {
      key: h.adminKey,
      body: { pin: '654321' },
    })
    assert.equal(right.status, 200, right.text)
    assert.equal((right.body as Body).registered, true)
    assert.equal((right.body as Body).status, 'CONNECTED')
    const audit = await h.api('GET', '/api/v1/admin/audit', { key: h.adminKey })
    assert.ok(!audit.text.includes('654321'), 'the PIN is not in the audit log')
  })

  test('a PIN that is not 6 digits is refused before Meta is asked', async () => {
    const res = await h.api('POST', `/api/v1/admin/numbers/${seed.acme.phoneNumberId}/register`, {
      key: h.adminKey,
      body: { pin: '12ab' },
    })
    assert.equal(res.status, 400)
    assert.equal((res.body as { error: { code: string } }).error.code, 'validation_failed')
  })

  test('templates sync stores every template with its status', async () => {
    const res = await h.api('POST', `/api/v1/admin/wabas/${seed.wabaRowId}/templates/sync`, {
      key: h.adminKey,
    })
    assert.equal(res.status, 200, res.text)
    const sync = res.body as { synced: number; byStatus: Record<string, number> }
    assert.equal(sync.synced, h.emulator.seed.templates.length)
    assert.equal(sync.byStatus.PAUSED, 1)
    const list = await h.api('GET', '/api/v1/admin/templates?status=APPROVED', { key: h.adminKey })
    const templates = (list.body as { templates: Body[] }).templates
    assert.ok(templates.some((t) => t.name === 'po_notification' && t.language === 'es'))
    assert.ok(templates.every((t) => t.status === 'APPROVED'))
  })
})
