import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { describe, test } from 'node:test'
import { createLogger } from '../src/log.ts'
import { startWahub } from '../src/wahub.ts'
import { testConfig } from './helpers/config.ts'
import { createTestDb, testDbKind } from './helpers/db.ts'
import { captureStream } from './helpers/log-capture.ts'

describe('logging never shows secrets', () => {
  test('token, secret, password, key and authorization fields are redacted at any depth used', () => {
    const out = captureStream()
    const log = createLogger('trace', out.stream)
    const secret = `EAAG${randomBytes(12).toString('hex')}`
    log.info(
      {
        token: secret,
        accessToken: secret,
        waba: { access_token: secret, app_secret: secret },
        app: { appSecret: secret, verifyToken: secret },
        user: { password: secret },
        apiKey: secret,
        headers: { authorization: `Bearer ${secret}` },
      },
      'something happened',
    )
    assert.ok(out.text().includes('something happened'), 'the line was written')
    assert.equal(out.text().includes(secret), false, `a secret leaked into: ${out.text()}`)
  })

  test(`a request carrying a token in its header, query and body leaves no trace of it in the log (${testDbKind})`, async () => {
    const db = await createTestDb()
    const out = captureStream()
    const log = createLogger('trace', out.stream)
    const secret = `EAAG${randomBytes(12).toString('hex')}`
    const wahub = await startWahub(testConfig({ WAHUB_DATA_DIR: db.dataDir }), { log, handle: db })
    try {
      for (const path of ['/healthz', '/no-such-route']) {
        const res = await fetch(`${wahub.url}${path}?hub.verify_token=${secret}&access_token=${secret}`, {
          method: path === '/healthz' ? 'GET' : 'POST',
          headers: {
            authorization: `Bearer ${secret}`,
            cookie: `wahub_session=${secret}`,
            'content-type': 'application/json',
            'x-api-key': secret,
          },
          body: path === '/healthz' ? undefined : JSON.stringify({ access_token: secret }),
        })
        await res.arrayBuffer()
      }
    } finally {
      await wahub.close()
      await db.drop()
    }
    assert.ok(out.text().includes('request completed'), 'requests were logged at trace level')
    assert.equal(out.text().includes(secret), false, `the token leaked into the log:\n${out.text()}`)
  })
})
