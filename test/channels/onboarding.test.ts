import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { explainMetaError } from '../../src/cloud-api/error-catalogue.ts'
import { testDbKind } from '../helpers/db.ts'
import { type Harness, startHarness } from '../helpers/harness.ts'

type Body = Record<string, unknown>
type ErrorAnswer = { error: { code: string; message: string; fix: string; details: Body } }

describe(`onboarding a WhatsApp channel through the emulator (${testDbKind})`, () => {
  let h: Harness
  before(async () => {
    h = await startHarness()
  })
  after(async () => {
    await h.close()
  })

  test('adding an app answers the callback URL and a generated verify token, shown once', async () => {
    const res = await h.api('POST', '/api/v1/admin/apps', {
      key: h.adminKey,
      body: { appId: h.emulator.seed.appId, appSecret: h.emulator.seed.appSecret },
    })
    assert.equal(res.status, 201, res.text)
    const body = res.body as { callbackUrl: string; verifyToken: string; app: Body; warnings: string[] }
    assert.equal(body.callbackUrl, `${h.wahub.config.publicUrl}/webhooks/whatsapp`)
    assert.match(body.verifyToken, /^[A-Za-z0-9_-]{24,}$/, 'a verify token was generated')
    assert.equal(body.app.verifyTokenLast4, body.verifyToken.slice(-4))
    assert.equal(body.app.appSecretLast4, h.emulator.seed.appSecret.slice(-4))
    assert.ok(
      body.warnings.some((w) => /HTTPS/.test(w)),
      'an http public URL is warned about',
    )

    const list = await h.api('GET', '/api/v1/admin/apps', { key: h.adminKey })
    assert.equal(list.status, 200)
    assert.ok(!list.text.includes(body.verifyToken), 'the verify token is never shown again')
    assert.ok(!list.text.includes(h.emulator.seed.appSecret), 'the app secret is never shown')

    // Re-adding with Meta's verify token (the emulator's) replaces it; later tests rely on it.
    const again = await h.api('POST', '/api/v1/admin/apps', {
      key: h.adminKey,
      body: {
        appId: h.emulator.seed.appId,
        appSecret: h.emulator.seed.appSecret,
        verifyToken: h.emulator.seed.verifyToken,
      },
    })
    assert.equal(again.status, 200, again.text)
    assert.equal((again.body as Body).created, false)
  })

  test('a token Meta does not know (190) is refused with the catalogue fix and nothing is saved', async () => {
    const res = await h.api('POST', '/api/v1/admin/wabas', {
      key: h.adminKey,
      body: { wabaId: h.emulator.seed.wabaId, token: 'EAAW-this-token-does-not-exist' },
    })
    assert.equal(res.status, 422, res.text)
    const { error } = res.body as ErrorAnswer
    assert.equal(error.code, 'token_invalid')
    assert.equal(error.details.code, 190)
    assert.equal(error.fix, explainMetaError(190).fix)
    assert.ok(!res.text.includes('EAAW-this-token-does-not-exist'), 'the refused token is not echoed')
    const list = await h.api('GET', '/api/v1/admin/wabas', { key: h.adminKey })
    assert.deepEqual((list.body as { wabas: unknown[] }).wabas, [])
  })

  test('an expired token is refused as expired (190, subcode 463)', async () => {
    const res = await h.api('POST', '/api/v1/admin/wabas', {
      key: h.adminKey,
      body: { wabaId: h.emulator.seed.wabaId, token: h.emulator.seed.expiredToken },
    })
    assert.equal(res.status, 422, res.text)
    const { error } = res.body as ErrorAnswer
    assert.equal(error.code, 'token_invalid')
    assert.equal(error.details.code, 190)
    assert.match(error.message, /expir/i)
    assert.equal(error.fix, explainMetaError(190).fix)
  })

  test('a token without the WhatsApp permissions is refused with the permission fix', async () => {
    const res = await h.api('POST', '/api/v1/admin/wabas', {
      key: h.adminKey,
      body: { wabaId: h.emulator.seed.wabaId, token: h.emulator.seed.noPermissionToken },
    })
    assert.equal(res.status, 422, res.text)
    const { error } = res.body as ErrorAnswer
    assert.equal(error.code, 'token_invalid')
    assert.equal(error.fix, explainMetaError(error.details.code as number).fix)
  })

  test('a good token is saved, masked, with its type; a temporary token is warned about', async () => {
    const temp = h.emulator.control.addToken({ expires_in: 86400, type: 'USER' }).token as string
    const first = await h.api('POST', '/api/v1/admin/wabas', {
      key: h.adminKey,
      body: { wabaId: h.emulator.seed.wabaId, token: temp },
    })
    assert.equal(first.status, 201, first.text)
    const added = first.body as { waba: Body; token: { expiresAt: number; warnings: string[] } }
    assert.ok(added.token.expiresAt > Date.now(), 'the expiry is recorded')
    assert.ok(
      added.token.warnings.some((w) => /System User/.test(w)),
      'a temporary token is warned about',
    )
    assert.equal(added.waba.tokenLast4, temp.slice(-4))

    // Temporary → permanent: the same call replaces the token.
    const res = await h.api('POST', '/api/v1/admin/wabas', {
      key: h.adminKey,
      body: { wabaId: h.emulator.seed.wabaId, token: h.emulator.seed.accessToken },
    })
    assert.equal(res.status, 200, res.text)
    const body = res.body as {
      waba: Body
      created: boolean
      token: { type: string; expiresAt: null; warnings: string[] }
    }
    assert.equal(body.created, false)
    assert.equal(body.token.type, 'SYSTEM_USER')
    assert.equal(body.token.expiresAt, null)
    assert.deepEqual(body.token.warnings, [])
    assert.equal(body.waba.tokenLast4, h.emulator.seed.accessToken.slice(-4))
    assert.ok(!res.text.includes(h.emulator.seed.accessToken), 'the token itself is never answered')
    assert.ok(body.waba.metaAppRowId, 'the only app is linked')
  })

  test("importing numbers records Meta's quality rating, messaging limit, throughput and name", async () => {
    const wabas = (await h.api('GET', '/api/v1/admin/wabas', { key: h.adminKey })).body as { wabas: Body[] }
    const wabaRowId = wabas.wabas[0].id as string
    const res = await h.api('POST', `/api/v1/admin/wabas/${wabaRowId}/numbers/import`, { key: h.adminKey })
    assert.equal(res.status, 200, res.text)
    const body = res.body as { created: number; numbers: Body[] }
    assert.equal(body.created, h.emulator.seed.phoneNumberIds.length)
    const first = body.numbers.find((n) => n.phoneNumberId === h.emulator.seed.phoneNumberIds[0]) as Body
    assert.equal(first.qualityRating, 'GREEN')
    assert.match(first.messagingLimitTier as string, /^TIER_/)
    assert.equal(first.throughputLevel, 'STANDARD')
    assert.equal(first.throughputMps, 80)
    assert.equal(first.verifiedName, 'Wahub Sandbox')
    assert.ok(first.nameStatus, 'name status recorded')
    assert.ok(first.codeVerificationStatus, 'code verification status recorded')
    assert.equal(first.status, 'CONNECTED')
    assert.equal(first.registered, true)
    const dev = body.numbers.find((n) => n.phoneNumberId === h.emulator.seed.phoneNumberIds[2]) as Body
    assert.equal(dev.accountMode, 'SANDBOX')
  })

  test('a refresh picks up a quality change made at Meta', async () => {
    const pnid = h.emulator.seed.phoneNumberIds[1]
    h.emulator.control.setQuality(pnid, 'YELLOW')
    const res = await h.api('POST', `/api/v1/admin/numbers/${pnid}/refresh`, { key: h.adminKey })
    assert.equal(res.status, 200, res.text)
    assert.equal((res.body as Body).qualityRating, 'YELLOW')
  })

  test('adding a number by id checks that it belongs to the WABA', async () => {
    const wrong = await h.api('POST', '/api/v1/admin/numbers', {
      key: h.adminKey,
      body: { phoneNumberId: '119999999999999', wabaId: h.emulator.seed.wabaId },
    })
    assert.equal(wrong.status, 422, wrong.text)
    assert.equal((wrong.body as ErrorAnswer).error.code, 'number_not_in_waba')
  })
})
