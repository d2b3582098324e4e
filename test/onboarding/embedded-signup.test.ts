import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { testDbKind } from '../helpers/db.ts'
import { type Harness, type Onboarded, onboardSeed, startHarness } from '../helpers/harness.ts'
import { waitFor } from '../helpers/wait.ts'

// Issue 21: a tenant connects its own number through Embedded Signup — here the emulator's
// stand-in page's submit and its code exchange — and Wahub adds the WABA and number, subscribes
// the app, registers the number with the PIN, syncs its templates and assigns it to the tenant,
// recording each step; a failed step (a wrong PIN) is resumed from where it stopped.

type Attempt = {
  id: string
  status: string
  steps: { step: string; state: string; error?: { code: string; message: string; fix: string } }[]
}

describe(`Embedded Signup for a tenant (${testDbKind})`, () => {
  let h: Harness
  let seed: Onboarded
  before(async () => {
    h = await startHarness({ env: { WAHUB_SIGNUP_CONFIG_ID: '700000000000123' } })
    seed = await onboardSeed(h)
  })
  after(async () => {
    await h?.close()
  })

  async function finishStandIn(number: string) {
    const res = await fetch(`${h.emulator.url}/_emulator/embedded-signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ business: 'Panadería Sol', number, display: 'Panadería Sol' }),
    })
    assert.equal(res.status, 200, 'the stand-in page finishes')
    return (await res.json()) as { code: string; waba_id: string; phone_number_id: string }
  }

  test('the configuration says it is on and points the dashboard at the stand-in page', async () => {
    const res = await h.api('GET', '/api/v1/signup/config', { key: seed.acme.key })
    assert.equal(res.status, 200, res.text)
    const c = res.body as { available: boolean; configId: string; appId: string; standInUrl: string }
    assert.equal(c.available, true, res.text)
    assert.equal(c.configId, '700000000000123')
    assert.equal(c.appId, h.emulator.seed.appId)
    assert.equal(c.standInUrl, `${h.emulator.url}/_emulator/embedded-signup`)
    assert.equal((res.body as { sdkUrl: string | null }).sdkUrl, null, 'no SDK: the stand-in page')
    const page = await h.api('GET', '/inbox')
    assert.match(page.headers.get('content-security-policy') ?? '', /script-src 'self';/, 'no foreign script')
    assert.equal((await h.api('GET', '/api/v1/signup/config')).status, 401)
    assert.equal(
      (await h.api('GET', '/api/v1/signup/config', { key: h.adminKey })).status,
      403,
      'tenants only',
    )
  })

  test('a tenant connects its number: every step done, the number is its own, and a template goes out', async () => {
    const shared = await finishStandIn('+34 600 200 300')
    const res = await h.api('POST', '/api/v1/signup', {
      key: seed.acme.key,
      body: {
        code: shared.code,
        wabaId: shared.waba_id,
        phoneNumberId: shared.phone_number_id,
        pin: '246810',
      },
    })
    assert.equal(res.status, 201, res.text)
    const a = res.body as Attempt
    assert.equal(a.status, 'done', res.text)
    assert.deepEqual(
      a.steps.map((s) => `${s.step}:${s.state}`),
      ['exchange', 'waba', 'number', 'subscribe', 'register', 'templates', 'assign'].map((s) => `${s}:done`),
    )
    const n = await h.api('GET', `/api/v1/numbers/${shared.phone_number_id}`, { key: seed.acme.key })
    assert.equal(n.status, 200, `the number is the tenant's: ${n.text}`)
    const state = h.emulator.control.state() as { phone_numbers: { id: string; registered: boolean }[] }
    assert.equal(
      state.phone_numbers.find((x) => x.id === shared.phone_number_id)?.registered,
      true,
      'registered at Meta',
    )
    const send = await h.api('POST', '/api/v1/messages', {
      key: seed.acme.key,
      body: {
        from: shared.phone_number_id,
        to: '16505551234',
        type: 'template',
        template: { name: 'hello_world', language: { code: 'en_US' } },
      },
    })
    assert.equal(send.status, 202, send.text)
    const id = (send.body as { id: string }).id
    await waitFor('the template from the new number to be sent', async () => {
      const m = await h.api('GET', `/api/v1/messages/${id}`, { key: seed.acme.key })
      return ['sent', 'delivered', 'read'].includes((m.body as { status: string }).status)
    })
    const other = await h.api('GET', `/api/v1/signup/${a.id}`, { key: seed.globex.key })
    assert.equal(other.status, 404, 'another tenant cannot read the attempt')
  })

  test('a wrong PIN stops the attempt at "register" with the fix; resuming with the right PIN finishes it', async () => {
    const shared = await finishStandIn('+34 600 200 301')
    h.emulator.control.updateNumber(shared.phone_number_id, { pin: '135790' })
    const res = await h.api('POST', '/api/v1/signup', {
      key: seed.globex.key,
      body: {
        code: shared.code,
        wabaId: shared.waba_id,
        phoneNumberId: shared.phone_number_id,
        pin: '000000',
      },
    })
    assert.equal(res.status, 201, res.text)
    const a = res.body as Attempt
    assert.equal(a.status, 'failed')
    const register = a.steps.find((s) => s.step === 'register')
    assert.equal(register?.state, 'failed', res.text)
    assert.match(
      `${register?.error?.message} ${register?.error?.fix}`,
      /133005|PIN/,
      'the wrong PIN is explained',
    )
    assert.ok(
      a.steps
        .filter((s) => ['exchange', 'waba', 'number', 'subscribe'].includes(s.step))
        .every((s) => s.state === 'done'),
      'the steps before it are kept done',
    )
    const resumed = await h.api('POST', `/api/v1/signup/${a.id}/resume`, {
      key: seed.globex.key,
      body: { pin: '135790' },
    })
    assert.equal(resumed.status, 200, resumed.text)
    assert.equal((resumed.body as Attempt).status, 'done', resumed.text)
  })

  test('bad input is 400 naming the field', async () => {
    const res = await h.api('POST', '/api/v1/signup', {
      key: seed.acme.key,
      body: { code: 'AQxxxxxxxxxx', wabaId: 'abc', phoneNumberId: '123456', pin: '12' },
    })
    assert.equal(res.status, 400, res.text)
    assert.match(res.text, /wabaId|pin/)
  })
})
