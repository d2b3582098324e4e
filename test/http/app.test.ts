import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { createLogger } from '../../src/log.ts'
import { startWahub, type Wahub } from '../../src/wahub.ts'
import { metricsAuth, testConfig } from '../helpers/config.ts'
import { createTestDb, type TestDb, testDbKind } from '../helpers/db.ts'

describe(`HTTP basics (${testDbKind})`, () => {
  let db: TestDb
  let wahub: Wahub
  before(async () => {
    db = await createTestDb()
    wahub = await startWahub(testConfig({ WAHUB_DATA_DIR: db.dataDir }), {
      log: createLogger('silent'),
      handle: db,
    })
  })
  after(async () => {
    await wahub.close()
    await db.drop()
  })

  test('GET /healthz answers 200 with the database in use', async () => {
    const res = await fetch(`${wahub.url}/healthz`)
    assert.equal(res.status, 200)
    assert.deepEqual(await res.json(), { status: 'ok', database: testDbKind })
  })

  test('an unknown route answers 404 with a machine code and a fix', async () => {
    const res = await fetch(`${wahub.url}/api/v1/nothing-here`)
    assert.equal(res.status, 404)
    const body = (await res.json()) as { error: { code: string; message: string; fix: string } }
    assert.equal(body.error.code, 'route_not_found')
    assert.match(body.error.message, /GET \/api\/v1\/nothing-here/)
    assert.ok(body.error.fix.length > 10, 'the error says what to do')
  })

  test('the OpenAPI description is served at /docs/json', async () => {
    const res = await fetch(`${wahub.url}/docs/json`)
    assert.equal(res.status, 200)
    const doc = (await res.json()) as { openapi: string; paths: Record<string, unknown> }
    assert.equal(doc.openapi, '3.1.0')
    assert.ok(doc.paths['/healthz'], '/healthz is documented')
  })

  test('Prometheus metrics at /metrics count answered requests', async () => {
    await fetch(`${wahub.url}/healthz`)
    const text = await (await fetch(`${wahub.url}/metrics`, { headers: metricsAuth })).text()
    assert.match(text, /wahub_http_requests_total\{route="\/healthz",status="200"\} \d+/)
    assert.match(text, /process_resident_memory_bytes/)
  })
})
