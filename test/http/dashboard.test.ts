import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { after, before, describe, test } from 'node:test'
import Fastify, { type FastifyInstance } from 'fastify'
import { installErrorHandler } from '../../src/http/error-handler.ts'
import { dashboardRoutes } from '../../src/http/routes/dashboard/dashboard.ts'

// The dashboard's static serving (src/http/routes/dashboard/dashboard.ts) against a build of its own: the
// app's pages answer index.html (revalidated), hashed assets are cached for a year, the server's
// own paths never fall back to the app, and a missing build says how to make it.

describe('dashboard: serving the built app', () => {
  let dir: string
  let app: FastifyInstance

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wahub-web-'))
    fs.mkdirSync(path.join(dir, 'assets'))
    fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><div id="root"></div>')
    fs.writeFileSync(path.join(dir, 'assets', 'index-abc123.js'), 'console.log(1)')
    fs.writeFileSync(path.join(dir, 'favicon.svg'), '<svg/>')
    app = Fastify()
    installErrorHandler(app)
    app.get('/api/v1/known', async () => ({ ok: true }))
    await app.register(dashboardRoutes, { webDist: dir })
  })
  after(async () => {
    await app.close()
    fs.rmSync(dir, { recursive: true, force: true })
  })

  test("the app's pages answer index.html, revalidated on each load, with a strict CSP", async () => {
    for (const url of ['/', '/inbox', '/inbox/cv_123', '/channels?x=1']) {
      const res = await app.inject({ method: 'GET', url })
      assert.equal(res.statusCode, 200, url)
      assert.match(res.headers['content-type'] as string, /text\/html/)
      assert.match(res.body, /<div id="root">/)
      assert.equal(res.headers['cache-control'], 'no-cache')
      assert.match(res.headers['content-security-policy'] as string, /default-src 'self'/)
      assert.equal(res.headers['x-frame-options'], 'DENY')
    }
  })

  test('hashed assets are cached for a year; other files for an hour', async () => {
    const js = await app.inject({ method: 'GET', url: '/assets/index-abc123.js' })
    assert.equal(js.statusCode, 200)
    assert.match(js.headers['content-type'] as string, /javascript/)
    assert.equal(js.headers['cache-control'], 'public, max-age=31536000, immutable')
    const icon = await app.inject({ method: 'GET', url: '/favicon.svg' })
    assert.equal(icon.statusCode, 200)
    assert.equal(icon.headers['cache-control'], 'public, max-age=3600')
  })

  test("a missing file, the server's own paths and escapes are 404 JSON, never the app", async () => {
    for (const url of [
      '/assets/missing.js',
      '/api/v1/nothing-here',
      '/api/v1',
      '/webhooks/other',
      '/docs/nothing',
      '/_emulator/state',
    ]) {
      const res = await app.inject({ method: 'GET', url })
      assert.equal(res.statusCode, 404, url)
      assert.equal(res.json().error.code, 'route_not_found', url)
    }
    const known = await app.inject({ method: 'GET', url: '/api/v1/known' })
    assert.deepEqual(known.json(), { ok: true })
    const malformed = await app.inject({ method: 'GET', url: '/%E0%A4%A' })
    assert.ok([400, 404].includes(malformed.statusCode) && !malformed.body.includes('id="root"'))
    const outside = await app.inject({ method: 'GET', url: '/..%2f..%2fetc%2fpasswd' })
    assert.ok(!outside.body.includes('root:'), 'no file outside the build is served')
  })

  test('without a build, the page says how to build it', async () => {
    const empty = Fastify()
    await empty.register(dashboardRoutes, { webDist: path.join(dir, 'not-built') })
    const res = await empty.inject({ method: 'GET', url: '/inbox' })
    assert.equal(res.statusCode, 503)
    assert.match(res.body, /npm run build:web/)
    await empty.close()
  })
})
