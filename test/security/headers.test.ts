import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { mediaHeaders, sniffBytes, sniffLength } from '../../src/http/media-headers.ts'
import { createLogger } from '../../src/log.ts'
import { startWahub, type Wahub } from '../../src/wahub.ts'
import { metricsAuth, testConfig } from '../helpers/config.ts'
import { createTestDb, type TestDb, testDbKind } from '../helpers/db.ts'

// Issue 12, defect 5 and item 7: media never becomes active content on the dashboard's origin;
// security headers on every answer; /metrics and /docs can be closed.

const png = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
)

describe('media download headers', () => {
  // The route sniffs the first bytes the media store hands back (local file or S3 range read).
  const head = (bytes: Buffer | string) => Buffer.from(bytes).subarray(0, sniffLength)

  test('a real PNG declared image/png is shown inline, sandboxed, with nosniff', async () => {
    const sniffed = await sniffBytes(head(png))
    const h = mediaHeaders({ declaredMime: 'image/png', sniffedMime: sniffed, filename: 'foto.png' })
    assert.equal(h['content-type'], 'image/png')
    assert.match(h['content-disposition'], /^inline; filename="foto.png"/)
    assert.equal(h['x-content-type-options'], 'nosniff')
    assert.match(h['content-security-policy'], /default-src 'none'.*sandbox/)
  })

  test('HTML declared as image/png is a download of octet-stream, never text/html', async () => {
    const sniffed = await sniffBytes(head('<html><script>alert(document.cookie)</script></html>'))
    const h = mediaHeaders({ declaredMime: 'image/png', sniffedMime: sniffed, filename: 'evil.png' })
    assert.equal(h['content-type'], 'application/octet-stream')
    assert.match(h['content-disposition'], /^attachment/)
  })

  test('an SVG, HTML or PDF file is always an attachment, whatever its bytes', () => {
    for (const [declared, sniffed] of [
      ['image/svg+xml', 'application/xml'],
      ['text/html', undefined],
      ['application/pdf', 'application/pdf'],
      ['image/jpeg', 'image/png'], // the bytes disagree with the claim
    ] as const) {
      const h = mediaHeaders({ declaredMime: declared, sniffedMime: sniffed, filename: null })
      assert.match(h['content-disposition'], /^attachment/, `${declared} / ${sniffed}`)
      assert.equal(h['content-type'], 'application/octet-stream')
    }
  })

  test('a filename cannot break out of the header', () => {
    const h = mediaHeaders({
      declaredMime: null,
      sniffedMime: undefined,
      filename: 'a"\r\nSet-Cookie: x=1.pdf',
    })
    assert.doesNotMatch(h['content-disposition'], /[\r\n]/)
    assert.match(h['content-disposition'], /filename="a___Set-Cookie: x=1.pdf"/)
  })
})

describe(`security headers, /metrics and /docs (${testDbKind})`, () => {
  let db: TestDb
  let open: Wahub
  let closed: Wahub
  before(async () => {
    db = await createTestDb()
    open = await startWahub(
      testConfig({ WAHUB_DATA_DIR: db.dataDir, WAHUB_SANDBOX: 'off', WAHUB_DOCS: 'on' }),
      {
        log: createLogger('silent'),
        handle: db,
        workers: false,
      },
    )
    const handle = await db.connectAgain()
    closed = await startWahub(
      testConfig({ WAHUB_DATA_DIR: db.dataDir, WAHUB_SANDBOX: 'off', WAHUB_METRICS_TOKEN: '' }),
      { log: createLogger('silent'), handle, workers: false },
    )
  })
  after(async () => {
    await closed.close()
    await open.close()
    await db.drop()
  })

  test('every answer carries the security headers: health, API errors, the webhook', async () => {
    for (const [method, p] of [
      ['GET', '/healthz'],
      ['GET', '/api/v1/nothing'],
      ['GET', '/api/v1/admin/tenants'],
      ['POST', '/webhooks/whatsapp'],
    ] as const) {
      const res = await fetch(`${open.url}${p}`, { method, body: method === 'POST' ? '{}' : undefined })
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff', `${method} ${p}`)
      assert.ok(res.headers.get('content-security-policy'), `${method} ${p} has a CSP`)
      await res.arrayBuffer()
    }
    const res = await fetch(`${open.url}/healthz`)
    assert.ok(
      res.headers.get('x-frame-options') ||
        /frame-ancestors 'none'/.test(res.headers.get('content-security-policy') ?? ''),
    )
    assert.ok(res.headers.get('strict-transport-security'))
  })

  test('/metrics needs its token, and does not exist without one', async () => {
    assert.equal((await fetch(`${open.url}/metrics`)).status, 401)
    assert.equal(
      (await fetch(`${open.url}/metrics`, { headers: { authorization: 'Bearer wrong-token-0123456789' } }))
        .status,
      401,
    )
    assert.equal((await fetch(`${open.url}/metrics`, { headers: metricsAuth })).status, 200)
    const none = await fetch(`${closed.url}/metrics`, { headers: metricsAuth })
    assert.equal(none.status, 404)
    assert.equal(((await none.json()) as { error: { code: string } }).error.code, 'route_not_found')
  })

  test('/docs is served only when on (by default only with the Sandbox)', async () => {
    assert.equal((await fetch(`${open.url}/docs/json`)).status, 200)
    assert.equal((await fetch(`${closed.url}/docs/json`)).status, 404)
    assert.equal((await fetch(`${closed.url}/docs`)).status, 404)
  })
})
