import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { testDbKind } from '../helpers/db.ts'
import { type Harness, type Onboarded, onboardSeed, startHarness } from '../helpers/harness.ts'

// Issue 21's safe token swap: a new token is checked with Meta (debug_token: type, expiry,
// permissions, the WABAs it reaches) before it replaces the old one, and a temporary token
// never replaces the token of a WABA whose numbers are in production (decision 0071).

type ErrorAnswer = { error: { code: string; message: string; fix: string; details: Record<string, unknown> } }
type Check = {
  type: string | null
  expiresAt: number | null
  scopes: string[]
  wabaIds: string[]
  warnings: string[]
  refusal: { code: string; message: string; fix: string } | null
}

describe(`safe token swap (${testDbKind})`, () => {
  let h: Harness
  let seed: Onboarded
  before(async () => {
    h = await startHarness()
    seed = await onboardSeed(h)
  })
  after(async () => {
    await h?.close()
  })
  const wabaId = () => h.emulator.seed.wabaId

  test('checking a permanent token shows its type, permissions and the WABAs it reaches, and saves nothing', async () => {
    const { token } = h.emulator.control.addToken({}) as { token: string }
    const res = await h.api('POST', `/api/v1/admin/wabas/${wabaId()}/token/check`, {
      key: h.adminKey,
      body: { token },
    })
    assert.equal(res.status, 200, res.text)
    const c = res.body as Check
    assert.equal(c.type, 'SYSTEM_USER')
    assert.equal(c.expiresAt, null, 'a System User token never expires')
    assert.ok(c.scopes.includes('whatsapp_business_messaging'), `scopes: ${c.scopes}`)
    assert.ok(c.wabaIds.includes(wabaId()), `it reaches the WABA: ${c.wabaIds}`)
    assert.equal(c.refusal, null, 'it may replace the old one')
    const w = await h.api('GET', `/api/v1/admin/wabas/${wabaId()}`, { key: h.adminKey })
    assert.equal(
      (w.body as { tokenLast4: string }).tokenLast4,
      h.emulator.seed.accessToken.slice(-4),
      'nothing saved',
    )
  })

  test('a temporary token for a WABA with production numbers: the check says it would be refused, and saving it is refused with the fix', async () => {
    const { token } = h.emulator.control.addToken({ type: 'USER', expires_in: 86400 }) as { token: string }
    const check = await h.api('POST', `/api/v1/admin/wabas/${wabaId()}/token/check`, {
      key: h.adminKey,
      body: { token },
    })
    assert.equal(check.status, 200, check.text)
    const c = check.body as Check
    assert.ok(c.expiresAt && c.expiresAt > Date.now(), 'the expiry is shown')
    assert.equal(c.refusal?.code, 'token_temporary', JSON.stringify(c))

    const put = await h.api('PUT', `/api/v1/admin/wabas/${wabaId()}/token`, {
      key: h.adminKey,
      body: { token },
    })
    assert.equal(put.status, 422, put.text)
    const { error } = put.body as ErrorAnswer
    assert.equal(error.code, 'token_temporary')
    assert.match(error.message, new RegExp(seed.acme.phoneNumberId), 'names the production numbers')
    assert.match(error.fix, /System User token/)
    const w = await h.api('GET', `/api/v1/admin/wabas/${wabaId()}`, { key: h.adminKey })
    assert.equal(
      (w.body as { tokenLast4: string }).tokenLast4,
      h.emulator.seed.accessToken.slice(-4),
      'the old token stays',
    )

    const taken = await h.api('PUT', `/api/v1/admin/wabas/${wabaId()}/token`, {
      key: h.adminKey,
      body: { token, acceptTemporary: true },
    })
    assert.equal(taken.status, 200, `acceptTemporary takes it on purpose: ${taken.text}`)
    const alerts = await h.api('GET', '/api/v1/admin/golive/alerts', { key: h.adminKey })
    assert.equal(alerts.status, 200, alerts.text)
    const listed = (alerts.body as { tokens: { wabaId: string; expired: boolean; fix: string }[] }).tokens
    assert.equal(listed.length, 1, `the expiring token is an alert for the header: ${alerts.text}`)
    assert.equal(listed[0].wabaId, wabaId())
    assert.match(listed[0].fix, /System User token/)
    assert.equal(
      (await h.api('GET', '/api/v1/admin/golive/alerts', { key: seed.acme.key })).status,
      403,
      'a tenant key cannot read it',
    )
    const back = await h.api('PUT', `/api/v1/admin/wabas/${wabaId()}/token`, {
      key: h.adminKey,
      body: { token: h.emulator.seed.accessToken },
    })
    assert.equal(back.status, 200, back.text)
    const none = await h.api('GET', '/api/v1/admin/golive/alerts', { key: h.adminKey })
    assert.deepEqual((none.body as { tokens: unknown[] }).tokens, [], 'a permanent token clears the alert')
  })

  test('a token Meta refuses is 422 token_invalid from the check; bad input is 400 naming the field', async () => {
    const expired = await h.api('POST', `/api/v1/admin/wabas/${wabaId()}/token/check`, {
      key: h.adminKey,
      body: { token: h.emulator.seed.expiredToken },
    })
    assert.equal(expired.status, 422, expired.text)
    assert.equal((expired.body as ErrorAnswer).error.code, 'token_invalid')
    const bad = await h.api('POST', `/api/v1/admin/wabas/${wabaId()}/token/check`, {
      key: h.adminKey,
      body: { token: 'short' },
    })
    assert.equal(bad.status, 400, bad.text)
    assert.match(bad.text, /token/)
    assert.equal(
      (
        await h.api('POST', `/api/v1/admin/wabas/${wabaId()}/token/check`, {
          body: { token: 'x'.repeat(20) },
        })
      ).status,
      401,
    )
  })
})
