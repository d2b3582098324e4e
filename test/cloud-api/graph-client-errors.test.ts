// How the Graph client fails: Meta error bodies, garbled bodies, timeouts, refused and reset
// connections, aborts — and that no failure ever carries the token. Canned server, protocol
// only; end-to-end failure handling (send worker, unknown outcomes) is tested through the emulator.
import assert from 'node:assert/strict'
import { createServer } from 'node:net'
import { after, before, test } from 'node:test'
import { inspect } from 'node:util'
import {
  createGraphClient,
  GraphError,
  type GraphTarget,
  GraphTransportError,
  MediaTooLargeError,
} from '../../src/cloud-api/graph-client.ts'
import { type CannedGraph, graphErrorBody, sendJson, startCannedGraph } from './canned-graph-server.ts'

const token = 'EAAG-secret-token-9f8e7d'
let graph: CannedGraph
let target: GraphTarget
const client = createGraphClient({ timeoutMs: 300 })
const text = { messaging_product: 'whatsapp', to: '16505551234', type: 'text', text: { body: 'hi' } } as const

before(async () => {
  graph = await startCannedGraph()
  target = { baseUrl: graph.url, version: 'v23.0', token }
})
after(() => graph.close())

async function sendAndCatch(status: number, body: unknown, raw?: string): Promise<unknown> {
  graph.routes.set('POST /v23.0/PNID/messages', (_req, res) => {
    if (raw === undefined) return sendJson(res, status, body)
    res.writeHead(status, { 'content-type': 'text/html' })
    res.end(raw)
  })
  return client.sendMessage(target, 'PNID', text).then(
    () => assert.fail('the call should have failed'),
    (err: unknown) => err,
  )
}

function assertNoToken(err: unknown): void {
  const views = [
    String(err),
    inspect(err, { depth: Number.POSITIVE_INFINITY, showHidden: true }),
    JSON.stringify(err),
  ]
  if (err instanceof Error) views.push(err.message, err.stack ?? '')
  for (const view of views)
    assert.ok(!view.includes(token), `the token leaked into an error: ${view.slice(0, 200)}`)
}

// FACTS §3.1 body, §3.2/§7 HTTP statuses (M-ERR-OLD).
const metaErrorCases = [
  { status: 400, code: 131047, title: 'Re-engagement message', category: 'window', transient: false },
  {
    status: 401,
    code: 190,
    title: 'Access token has expired',
    category: 'auth',
    transient: false,
    subcode: 463,
  },
  {
    status: 403,
    code: 131031,
    title: 'Business account has been locked',
    category: 'account',
    transient: false,
  },
  {
    status: 404,
    code: 132001,
    title: 'Template name does not exist in the translation',
    category: 'template',
    transient: false,
  },
  {
    status: 400,
    code: 130429,
    title: 'Rate limit hit',
    category: 'throughput',
    transient: true,
    subcode: 2494055,
  },
  { status: 500, code: 131000, title: 'Something went wrong', category: 'server', transient: true },
  { status: 503, code: 133004, title: 'Server temporarily unavailable', category: 'server', transient: true },
]

for (const c of metaErrorCases) {
  test(`an HTTP ${c.status} Meta error ${c.code} becomes a GraphError explained as ${c.category}`, async () => {
    const err = await sendAndCatch(
      c.status,
      graphErrorBody(c.code, c.title, 'OAuthException', {
        error_data: { messaging_product: 'whatsapp', details: `details for ${c.code}` },
        ...(c.subcode ? { error_subcode: c.subcode } : {}),
      }),
    )
    assert.ok(err instanceof GraphError, `expected a GraphError, got ${inspect(err)}`)
    assert.equal(err.code, c.code)
    assert.equal(err.subcode, c.subcode)
    assert.equal(err.httpStatus, c.status)
    assert.equal(err.type, 'OAuthException')
    assert.equal(err.title, 'OAuthException', 'without error_user_title the title is the type')
    assert.equal(err.details, `details for ${c.code}`)
    assert.equal(err.fbtraceId, 'Az8or2yhqkZfEZ-_4Qn_Bam')
    assert.equal(err.isTransient, c.transient)
    assert.equal(err.info.category, c.category)
    assert.equal(err.info.known, true)
    assert.equal(err.method, 'POST')
    assert.equal(err.path, '/v23.0/PNID/messages')
    assert.match(err.message, new RegExp(`\\(#${c.code}\\)`))
    assert.match(err.message, new RegExp(`details for ${c.code}`))
  })
}

test("error_user_title becomes the title and Meta's is_transient marks an error transient", async () => {
  // OAS subscribed_apps example: 429 code 4 subcode 2446079 with is_transient.
  const err = await sendAndCatch(
    429,
    graphErrorBody(4, 'Application request limit reached', 'OAuthException', {
      error_subcode: 2446079,
      is_transient: true,
      error_user_title: 'Too many calls',
    }),
  )
  assert.ok(err instanceof GraphError)
  assert.equal(err.title, 'Too many calls')
  assert.equal(err.isTransient, true)
  assert.equal(err.subcode, 2446079)
  assert.equal(err.info.category, 'rate_limit')
})

test('an unknown Meta code is kept with a generic explanation', async () => {
  const err = await sendAndCatch(400, graphErrorBody(424242, 'New thing'))
  assert.ok(err instanceof GraphError)
  assert.equal(err.code, 424242)
  assert.equal(err.info.known, false)
  assert.equal(err.info.category, 'unknown')
  assert.equal(err.isTransient, false)
})

test('a garbled 502 from a proxy becomes a transient GraphError with code 0, not an auth error', async () => {
  const err = await sendAndCatch(502, undefined, '<html><body>Bad Gateway</body></html>')
  assert.ok(err instanceof GraphError)
  assert.equal(err.code, 0)
  assert.equal(err.httpStatus, 502)
  assert.equal(err.info.category, 'unknown', 'code 0 here is not AuthException')
  assert.equal(err.isTransient, true)
  assert.equal(err.info.retry, 'backoff')
})

test('a 400 whose JSON is not a Graph error is not transient', async () => {
  for (const body of [{ oops: true }, { error: { code: 'x' } }, { error: null }]) {
    const err = await sendAndCatch(400, body)
    assert.ok(err instanceof GraphError)
    assert.equal(err.code, 0)
    assert.equal(err.isTransient, false, `${JSON.stringify(body)} should not be retried`)
  }
  const truncated = await sendAndCatch(400, undefined, '{"error":{"code":1')
  assert.ok(truncated instanceof GraphError && truncated.code === 0)
})

test('a 200 with a body that is not JSON is an unknown outcome, not a failure', async () => {
  const err = await sendAndCatch(200, undefined, 'not json')
  assert.ok(err instanceof GraphTransportError, `expected a GraphTransportError, got ${inspect(err)}`)
  assert.equal(err.kind, 'bad_response')
  assert.equal(err.requestSent, true, 'Meta may have sent the message')
})

test('a slow answer times out as an unknown outcome', async () => {
  let received = false
  graph.routes.set('POST /v23.0/PNID/slow', () => {
    received = true // never answers; the socket is closed by graph.close()
  })
  const err = await client.request(target, 'POST', 'PNID/slow', { json: {} }).catch((e: unknown) => e)
  assert.ok(err instanceof GraphTransportError, `expected a GraphTransportError, got ${inspect(err)}`)
  assert.equal(err.kind, 'timeout')
  assert.equal(err.requestSent, true)
  assert.ok(received, 'the request reached the server')
  assert.match(err.message, /300 ms/)
})

test('a body that stalls half-way also times out', async () => {
  graph.routes.set('GET /v23.0/stall', (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' })
    res.write('{"data":[')
  })
  const err = await client.request(target, 'GET', 'stall').catch((e: unknown) => e)
  assert.ok(err instanceof GraphTransportError)
  assert.equal(err.kind, 'timeout')
})

test('a refused connection is a connection error where nothing was sent', async () => {
  const port = await closedPort()
  const err = await client
    .sendMessage({ ...target, baseUrl: `http://127.0.0.1:${port}` }, 'PNID', text)
    .catch((e: unknown) => e)
  assert.ok(err instanceof GraphTransportError, `expected a GraphTransportError, got ${inspect(err)}`)
  assert.equal(err.kind, 'connection')
  assert.equal(err.errno, 'ECONNREFUSED')
  assert.equal(err.requestSent, false, 'a refused connection is safe to retry')
  assertNoToken(err)
})

test('a connection reset after the request is a connection error with an unknown outcome', async () => {
  graph.routes.set('POST /v23.0/PNID/reset', (_req, res) => {
    res.socket?.destroy()
  })
  const err = await client.request(target, 'POST', 'PNID/reset', { json: {} }).catch((e: unknown) => e)
  assert.ok(err instanceof GraphTransportError, `expected a GraphTransportError, got ${inspect(err)}`)
  assert.equal(err.kind, 'connection')
  assert.equal(err.requestSent, true)
})

test("the caller's abort is reported as aborted; before the start nothing is sent", async () => {
  graph.routes.set('POST /v23.0/PNID/hang', () => {})
  const controller = new AbortController()
  const pending = client.request(target, 'POST', 'PNID/hang', { json: {}, signal: controller.signal })
  await waitFor(() => graph.requests.some((r) => r.url.pathname === '/v23.0/PNID/hang'))
  controller.abort()
  const err = await pending.catch((e: unknown) => e)
  assert.ok(err instanceof GraphTransportError)
  assert.equal(err.kind, 'aborted')
  assert.equal(err.requestSent, true)

  const early = await client
    .sendMessage(target, 'PNID', text, { signal: AbortSignal.abort() })
    .catch((e: unknown) => e)
  assert.ok(early instanceof GraphTransportError)
  assert.equal(early.kind, 'aborted')
  assert.equal(early.requestSent, false)
})

test('the token never appears in an error, even when Meta echoes it', async () => {
  const err = await sendAndCatch(
    401,
    graphErrorBody(190, `Invalid OAuth access token ${token}`, 'OAuthException', {
      error_data: { details: `token ${token} expired` },
      error_user_title: `about ${token}`,
      error_user_msg: token,
    }),
  )
  assert.ok(err instanceof GraphError)
  assertNoToken(err)
  assert.match(err.message, /\[redacted\]/)

  graph.routes.set('GET /v23.0/debug_token', (_req, res) =>
    sendJson(res, 400, graphErrorBody(100, 'Invalid parameter')),
  )
  const debug = await client.debugToken(target, token).catch((e: unknown) => e)
  assert.ok(debug instanceof GraphError)
  assertNoToken(debug)

  const timeout = await client.request(target, 'POST', 'PNID/slow', { json: {} }).catch((e: unknown) => e)
  assertNoToken(timeout)
})

test('a token that is not a valid header value fails without quoting it', async () => {
  const bad = 'EAAG-line\nbreak-token'
  const err = await client.sendMessage({ ...target, token: bad }, 'PNID', text).catch((e: unknown) => e)
  assert.ok(err instanceof TypeError)
  assert.ok(!inspect(err).includes('break-token'), 'the bad token was quoted')
})

test('downloadMedia refuses media larger than maxBytes, declared or streamed', async () => {
  graph.routes.set('GET /media/declared', (_req, res) => {
    res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': '5000' })
    res.end(Buffer.alloc(5000))
  })
  graph.routes.set('GET /media/chunked', (_req, res) => {
    res.writeHead(200, { 'content-type': 'video/mp4' }) // no length: chunked
    res.write(Buffer.alloc(3000))
    res.end(Buffer.alloc(3000))
  })
  for (const path of ['/media/declared', '/media/chunked']) {
    const err = await client
      .downloadMedia(target, `${graph.url}${path}`, { maxBytes: 4096 })
      .catch((e: unknown) => e)
    assert.ok(err instanceof MediaTooLargeError, `${path}: expected MediaTooLargeError, got ${inspect(err)}`)
    assert.equal(err.maxBytes, 4096)
  }
})

test('an expired media URL (404) is a GraphError telling to fetch the media id again', async () => {
  graph.routes.set('GET /media/expired', (_req, res) => {
    res.writeHead(404)
    res.end()
  })
  const err = await client
    .downloadMedia(target, `${graph.url}/media/expired`, { maxBytes: 10 })
    .catch((e: unknown) => e)
  assert.ok(err instanceof GraphError)
  assert.equal(err.httpStatus, 404)
  assert.match(err.info.fix, /GET \/\{media-id\} again/)
})

test('downloadMedia never sends the token over plain http to another host', async () => {
  const err = await client
    .downloadMedia(target, 'http://attacker.example/media', { maxBytes: 10 })
    .catch((e: unknown) => e)
  assert.ok(err instanceof TypeError, `expected a refusal, got ${inspect(err)}`)
  assertNoToken(err)
})

async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  assert.ok(address && typeof address === 'object')
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return address.port
}

async function waitFor(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((resolve) => setImmediate(resolve))
  assert.ok(condition(), 'condition never became true')
}
