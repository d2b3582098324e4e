import assert from 'node:assert/strict'
import net from 'node:net'
import { after, before, describe, test } from 'node:test'
import { createLogger } from '../../src/log.ts'
import { startWahub, type Wahub } from '../../src/wahub.ts'
import { testConfig } from '../helpers/config.ts'
import { createTestDb, type TestDb, testDbKind } from '../helpers/db.ts'

// Issue 12, defect 3: no request or connection timeouts — a client trickling headers or a body
// stayed connected forever. Real sockets, short limits; each test waits for the server to close.

type Outcome = { closedAfterMs: number; received: string }

function rawClient(port: number, start: (socket: net.Socket) => void, maxMs = 30_000): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const started = performance.now()
    const socket = net.connect(port, '127.0.0.1')
    let received = ''
    let trickle: NodeJS.Timeout | undefined
    const guard = setTimeout(() => {
      socket.destroy()
      reject(new Error(`the server kept the connection open for ${maxMs} ms`))
    }, maxMs)
    socket.on('data', (d) => {
      received += d.toString()
    })
    socket.on('error', () => {}) // a reset is a close too
    socket.on('close', () => {
      clearTimeout(guard)
      clearInterval(trickle)
      resolve({ closedAfterMs: performance.now() - started, received })
    })
    socket.on('connect', () => {
      start(socket)
      trickle = (socket as net.Socket & { trickle?: NodeJS.Timeout }).trickle
    })
  })
}

describe(`slow clients are cut off (${testDbKind})`, () => {
  let db: TestDb
  let wahub: Wahub
  let port: number
  before(async () => {
    db = await createTestDb()
    wahub = await startWahub(
      testConfig({
        WAHUB_DATA_DIR: db.dataDir,
        WAHUB_SANDBOX: 'off',
        WAHUB_HEADERS_TIMEOUT_MS: '2000',
        WAHUB_REQUEST_TIMEOUT_MS: '20000',
        WAHUB_KEEP_ALIVE_TIMEOUT_MS: '1000',
        WAHUB_BODY_MIN_BYTES_PER_SECOND: '1024',
      }),
      { log: createLogger('silent'), handle: db, workers: false },
    )
    port = Number(new URL(wahub.url).port)
  })
  after(async () => {
    await wahub.close()
    await db.drop()
  })

  test('headers that never finish are cut off after the headers timeout', async () => {
    const out = await rawClient(port, (s) => s.write('GET /healthz HTTP/1.1\r\nHost: wahub\r\n'))
    assert.ok(out.closedAfterMs >= 1500, `closed after ${Math.round(out.closedAfterMs)} ms`)
    assert.match(out.received, /^HTTP\/1\.1 408|^$/, 'a 408 (or a plain close)')
  })

  for (const path of ['/webhooks/whatsapp', '/api/v1/auth/login']) {
    test(`a body trickling in below the minimum rate is cut off with 408 (${path})`, async () => {
      const out = await rawClient(port, (s) => {
        s.write(
          `POST ${path} HTTP/1.1\r\nHost: wahub\r\nContent-Type: application/json\r\nContent-Length: 500000\r\n\r\n{"a":"`,
        )
        const timer = setInterval(() => s.writable && s.write('x'), 200)
        ;(s as net.Socket & { trickle?: NodeJS.Timeout }).trickle = timer
      })
      assert.ok(out.closedAfterMs >= 4000, `not before the 5 s grace: ${Math.round(out.closedAfterMs)} ms`)
      assert.match(out.received, /^HTTP\/1\.1 408/, `answered: ${out.received.slice(0, 80)}`)
      assert.match(out.received, /"code":"request_timeout"/)
    })
  }

  test('an idle keep-alive connection is closed after the keep-alive timeout', async () => {
    const out = await rawClient(port, (s) => s.write('GET /healthz HTTP/1.1\r\nHost: wahub\r\n\r\n'))
    assert.match(out.received, /^HTTP\/1\.1 200/)
    assert.ok(out.closedAfterMs >= 800, `kept alive for ${Math.round(out.closedAfterMs)} ms`)
  })
})
