import assert from 'node:assert/strict'
import net from 'node:net'
import { after, before, describe, test } from 'node:test'
import { testConfig } from '../helpers/config.ts'
import { testDbKind } from '../helpers/db.ts'
import { type Harness, startHarness } from '../helpers/harness.ts'
import { assertCheck, doctor, postWebhook } from './helpers.ts'

// The installation-wide checks, each in pass, warn and fail, against Wahub and the emulator on
// real sockets: numbers connected, public URL, handshake, app secret, signature failures.

describe(`doctor: installation checks (${testDbKind})`, () => {
  let h: Harness

  before(async () => {
    h = await startHarness()
  })
  after(async () => {
    await h.close()
  })

  // One harness, walked from empty to onboarded: the order of these tests matters.
  test('an empty installation: nothing connected (warn), no app for the handshake (warn), no app secret (warn)', async () => {
    const r = await doctor(h)
    assertCheck(r, 'channels', 'warn', { seen: /No Meta app, WABA or phone number/, fix: /wahub app add/ })
    assertCheck(r, 'webhook.handshake', 'warn', { seen: /no Meta app/ })
    assertCheck(r, 'app_secret', 'warn', { seen: /No Meta app is configured/ })
    assertCheck(r, 'webhook.signatures', 'pass')
    assert.equal(r.ok, true, 'warnings only: exit 0')
  })

  test('a WABA added before its app: no app secret is a failure, naming the command', async () => {
    const seed = h.emulator.seed
    const res = await h.api('POST', '/api/v1/admin/wabas', {
      key: h.adminKey,
      body: { wabaId: seed.wabaId, token: seed.accessToken },
    })
    assert.equal(res.status, 201, res.text)
    const r = await doctor(h)
    assertCheck(r, 'app_secret', 'fail', { seen: /refuses every webhook/, fix: /wahub app add --app-id/ })
    assertCheck(r, 'channels', 'warn', {
      seen: /1 WABA but no phone number/,
      fix: /wahub number import --waba-id 100000000000001/,
    })
    assert.equal(r.ok, false)
  })

  test('the app added after the WABA: the WABA is linked to no app (warn), until it is linked (pass)', async () => {
    const seed = h.emulator.seed
    await h.api('POST', '/api/v1/admin/apps', {
      key: h.adminKey,
      body: { appId: seed.appId, appSecret: seed.appSecret, verifyToken: seed.verifyToken },
    })
    assertCheck(await doctor(h), 'app_secret', 'warn', {
      seen: /linked to no app/,
      fix: /wahub waba add --waba-id 100000000000001 --token <its token> --app-id 900000000000001/,
    })
    await h.api('POST', '/api/v1/admin/wabas', {
      key: h.adminKey,
      body: { wabaId: seed.wabaId, token: seed.accessToken, appId: seed.appId },
    })
    await h.api('POST', `/api/v1/admin/wabas/${seed.wabaId}/numbers/import`, { key: h.adminKey })
    const r = await doctor(h)
    assertCheck(r, 'app_secret', 'pass', { seen: /900000000000001/ })
    assertCheck(r, 'channels', 'pass', { seen: /3 numbers in 1 WABA/ })
  })

  test('the handshake through the public URL echoes the challenge (pass)', async () => {
    assertCheck(await doctor(h), 'webhook.handshake', 'pass', {
      seen: new RegExp(`GET ${h.url}/webhooks/whatsapp`),
    })
  })

  test('a public URL where nothing listens, or where something else answers, fails the handshake', async () => {
    const closed = testConfig({ ...envOf(h), WAHUB_PUBLIC_URL: `http://127.0.0.1:${await closedPort()}` })
    assertCheck(await doctor(h, { config: closed }), 'webhook.handshake', 'fail', {
      seen: /got no answer: ECONNREFUSED/,
      fix: /Is `wahub serve` running/,
    })
    // The emulator is not Wahub: it answers its "Unknown path" error.
    const elsewhere = testConfig({ ...envOf(h), WAHUB_PUBLIC_URL: h.emulator.url })
    assertCheck(await doctor(h, { config: elsewhere }), 'webhook.handshake', 'fail', {
      seen: /answered HTTP 4\d\d/,
      fix: /reverse proxy/,
    })
  })

  test('public URL: HTTPS passes, a local http URL warns, none fails once a real WABA is connected', async () => {
    const https = testConfig({ ...envOf(h), WAHUB_PUBLIC_URL: 'https://wahub.example.com' })
    assertCheck(await doctor(h, { config: https }), 'public_url', 'pass', {
      seen: /https:\/\/wahub\.example\.com/,
    })
    assertCheck(await doctor(h), 'public_url', 'warn', {
      seen: /local http address/,
      fix: /WAHUB_PUBLIC_URL=https/,
    })
    const none = testConfig({ ...envOf(h), WAHUB_PUBLIC_URL: '' })
    assertCheck(await doctor(h, { config: none }), 'public_url', 'fail', { seen: /not set/, fix: /HTTPS/ })
    const plain = testConfig({ ...envOf(h), WAHUB_PUBLIC_URL: 'http://wahub.example.com' })
    assertCheck(await doctor(h, { config: plain }), 'public_url', 'fail', { seen: /not HTTPS/ })
  })

  test('signature failures of the last 24 h: a missing signature warns, a wrong one fails with the fix', async () => {
    const body = JSON.stringify({ object: 'whatsapp_business_account', entry: [] })
    assert.equal(await postWebhook(h, body), 401)
    await h.wahub.rejections.flush()
    assertCheck(await doctor(h), 'webhook.signatures', 'warn', {
      seen: /signature_missing × 1/,
      fix: /proxy/,
    })
    assert.equal(await postWebhook(h, body, 'not-the-app-secret'), 401)
    await h.wahub.rejections.flush()
    const c = assertCheck(await doctor(h), 'webhook.signatures', 'fail', {
      seen: /signature_mismatch × 1/,
      fix: /wahub app add --app-id <id> --app-secret <secret>/,
    })
    assert.deepEqual(c.data?.byReason, { signature_missing: 1, signature_mismatch: 1 })
  })
})

function envOf(h: Harness): Record<string, string> {
  return {
    WAHUB_DATA_DIR: h.db.dataDir,
    WAHUB_GRAPH_URL: h.emulator.url,
    WAHUB_SANDBOX: 'off',
    PORT: String(new URL(h.url).port),
  }
}

/** A port nothing listens on (bound, then released). */
function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo
      server.close(() => resolve(port))
    })
  })
}
