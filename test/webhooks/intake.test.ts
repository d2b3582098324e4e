import assert from 'node:assert/strict'
import { createHmac } from 'node:crypto'
import http from 'node:http'
import { after, before, describe, test } from 'node:test'
import { createWebhookFastPath } from '../../src/http/routes/webhooks/webhooks.ts'
import { journalSegments, readSegment } from '../../src/webhooks/intake-journal.ts'
import { metricsAuth } from '../helpers/config.ts'
import { testDbKind } from '../helpers/db.ts'
import { type ReceivingSetup, startReceiving } from '../helpers/receiving.ts'
import { waitFor } from '../helpers/wait.ts'

function sign(secret: string, body: string | Buffer): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`
}

describe(`webhook intake (${testDbKind})`, () => {
  let h: ReceivingSetup
  let url: string
  before(async () => {
    h = await startReceiving()
    url = `${h.wahub.url}/webhooks/whatsapp`
  })
  after(async () => {
    await h.close()
  })
  const countEvents = async () =>
    Number(
      (
        await h.db.db
          .selectFrom('webhook_events')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    )

  test("Meta's handshake with the app's verify token gets the challenge back as text", async () => {
    const q = new URLSearchParams({
      'hub.mode': 'subscribe',
      'hub.verify_token': h.emulator.seed.verifyToken,
      'hub.challenge': '1158201444',
    })
    const res = await fetch(`${url}?${q}`)
    assert.equal(res.status, 200)
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain/)
    assert.equal(await res.text(), '1158201444')
  })

  test('a handshake with a wrong verify token is refused with 403 and the fix', async () => {
    const q = new URLSearchParams({
      'hub.mode': 'subscribe',
      'hub.verify_token': 'nope',
      'hub.challenge': '1',
    })
    const res = await fetch(`${url}?${q}`)
    assert.equal(res.status, 403)
    const body = (await res.json()) as { error: { code: string; fix: string } }
    assert.equal(body.error.code, 'webhook_verify_failed')
    assert.match(body.error.fix, /wahub app list/)
  })

  test('an unsigned or wrongly signed POST is refused with 401, counted, logged, and never stored', async () => {
    const before = await countEvents()
    const body = JSON.stringify({ object: 'whatsapp_business_account', entry: [] })
    const unsigned = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    })
    assert.equal(unsigned.status, 401)
    assert.equal(((await unsigned.json()) as { error: { code: string } }).error.code, 'signature_invalid')
    const forged = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': sign('not-the-secret', body) },
      body,
    })
    assert.equal(forged.status, 401)
    assert.equal(await countEvents(), before, 'a rejected webhook must not be stored')
    assert.match(h.logs(), /"reason":"signature_missing".*"msg":"webhook signature invalid"/)
    assert.match(h.logs(), /"reason":"signature_mismatch".*"msg":"webhook signature invalid"/)
    const metrics = await (await fetch(`${h.wahub.url}/metrics`, { headers: metricsAuth })).text()
    assert.match(metrics, /wahub_webhook_rejected_total\{reason="signature_mismatch"\} [1-9]/)
  })

  test('a body over 3 MiB is refused with 413', async () => {
    const body = Buffer.alloc(3 * 1024 * 1024 + 10, 'a')
    const res = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-hub-signature-256': sign(h.emulator.seed.appSecret, body),
      },
      body,
    })
    assert.equal(res.status, 413)
    assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'payload_too_large')
  })

  test('a POST whose Content-Length is over 3 MiB is refused with 413 before its body is read', async () => {
    const target = new URL(url)
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.request(
        {
          host: target.hostname,
          port: target.port,
          path: target.pathname,
          method: 'POST',
          headers: { 'content-type': 'application/json', 'content-length': String(50 * 1024 * 1024) },
        },
        (res) => {
          let body = ''
          res.on('data', (d) => {
            body += d
          })
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
        },
      )
      req.on('error', reject)
      req.write('{"object":') // a few bytes of the announced 50 MiB, then wait for the answer
    })
    assert.equal(answer.status, 413)
    assert.equal((JSON.parse(answer.body) as { error: { code: string } }).error.code, 'payload_too_large')
  })

  test('once the server is closing, a webhook POST is answered 503 on a closed connection (Meta delivers again)', async () => {
    const w = h.wahub
    const fastPath = createWebhookFastPath({ ...w, closing: () => true })
    const server = http.createServer((req, res) => {
      if (!fastPath(req, res)) res.writeHead(404).end()
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    try {
      const address = server.address() as { port: number }
      const body = JSON.stringify({ object: 'whatsapp_business_account', entry: [] })
      const res = await fetch(`http://127.0.0.1:${address.port}/webhooks/whatsapp`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-hub-signature-256': sign(h.emulator.seed.appSecret, body),
        },
        body,
      })
      assert.equal(res.status, 503)
      assert.equal(res.headers.get('connection'), 'close')
      assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'unavailable')
    } finally {
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
    }
  })

  test('Fastify serves the same POST route (app.inject, OpenAPI) with the same answers as the socket path', async () => {
    const body = JSON.stringify({ object: 'whatsapp_business_account', entry: [] })
    const stored = await h.wahub.app.inject({
      method: 'POST',
      url: '/webhooks/whatsapp',
      headers: {
        'content-type': 'application/json',
        'x-hub-signature-256': sign(h.emulator.seed.appSecret, body),
      },
      payload: body,
    })
    assert.equal(stored.statusCode, 200)
    const refused = await h.wahub.app.inject({
      method: 'POST',
      url: '/webhooks/whatsapp',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': sign('wrong', body) },
      payload: body,
    })
    assert.equal(refused.statusCode, 401)
    assert.equal((refused.json() as { error: { code: string } }).error.code, 'signature_invalid')
    const docs = (await h.wahub.app.inject({ method: 'GET', url: '/docs/json' })).json() as {
      paths: Record<string, Record<string, unknown>>
    }
    assert.ok(docs.paths['/webhooks/whatsapp']?.post, 'the webhook POST is in the OpenAPI document')
  })

  test('a signed POST is stored byte for byte (on SQLite: in the intake journal before the 200 answer)', async () => {
    const body = Buffer.from(
      '{"object":"whatsapp_business_account","entry":[{"id":"x","changes":[{"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"1","phone_number_id":"999000"},"statuses":[{"id":"wamid.caf\\u00e9","status":"sent","timestamp":"1750000000","recipient_id":"1"}]}}]}]}',
    )
    const res = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-hub-signature-256': sign(h.emulator.seed.appSecret, body),
      },
      body,
    })
    assert.equal(res.status, 200)
    if (testDbKind === 'sqlite') {
      // The answer waited for the journal's append, not for the webhook thread's commit (0129).
      const journaled = journalSegments(h.db.location).flatMap((s) => readSegment(s.file))
      assert.ok(
        journaled.some((b) => Buffer.from(b.bodies).includes(body)),
        'the intake journal holds the exact bytes when 200 arrives',
      )
    }
    // PostgreSQL: the row exists the moment 200 arrives; SQLite: once the thread committed it.
    const rows = await waitFor('the event row', () =>
      h.db.db
        .selectFrom('webhook_events')
        .selectAll()
        .where('body', '=', body)
        .execute()
        .then((r) => (r.length > 0 ? r : undefined)),
    )
    assert.ok(Buffer.from(rows[0].body).equals(body), 'the stored body differs from the bytes Meta sent')
    assert.equal(rows[0].signature_ok, 1)
    assert.match(rows[0].headers ?? '', /x-hub-signature-256/)
    const metrics = await (await fetch(`${h.wahub.url}/metrics`, { headers: metricsAuth })).text()
    assert.match(
      metrics,
      /wahub_http_requests_total\{route="\/webhooks\/whatsapp",status="200"\} [1-9]/,
      'answered webhooks are counted like every other route',
    )
  })

  test('a correctly signed body that is not JSON is answered 200 and kept as rejected with the reason', async () => {
    const body = 'this is not json'
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', 'x-hub-signature-256': sign(h.emulator.seed.appSecret, body) },
      body,
    })
    assert.equal(res.status, 200, 'Meta would retry a non-200 for days')
    const event = await waitFor('the event to be processed', () =>
      h.db.db.selectFrom('webhook_events').selectAll().where('outcome', '=', 'rejected').executeTakeFirst(),
    )
    assert.match(event.outcome_reason ?? '', /not valid JSON/)
  })

  test('odd but valid JSON payloads never crash processing: each ends processed or rejected with a reason', async () => {
    const payloads = [
      '[]',
      'null',
      '42',
      '{"object":"page","entry":[]}',
      '{"object":"whatsapp_business_account"}',
      '{"object":"whatsapp_business_account","entry":[null,{"changes":"x"},{"changes":[{"field":"messages"}]}]}',
      '{"object":"whatsapp_business_account","entry":[{"changes":[{"field":"messages","value":{"metadata":{}}}]}]}',
      '{"object":"whatsapp_business_account","entry":[{"changes":[{"field":"messages","value":{"metadata":{"phone_number_id":"1"},"messages":[{"no":"id"}],"statuses":[{}]}}]}]}',
      '{"object":"whatsapp_business_account","entry":[{"id":"1","time":1,"changes":[{"field":"brand_new_field","value":{"a":1}}]}]}',
    ]
    const ids: string[] = []
    for (const body of payloads) {
      const res = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-hub-signature-256': sign(h.emulator.seed.appSecret, body),
        },
        body,
      })
      assert.equal(res.status, 200, `payload ${body} was not accepted`)
    }
    const rows = await h.db.db
      .selectFrom('webhook_events')
      .select(['id'])
      .orderBy('id', 'desc')
      .limit(payloads.length)
      .execute()
    ids.push(...rows.map((r) => r.id))
    await waitFor('every odd payload to be processed', async () => {
      const pending = await h.db.db
        .selectFrom('webhook_events')
        .select('id')
        .where('id', 'in', ids)
        .where('outcome', '=', 'pending')
        .execute()
      return pending.length === 0
    })
    const dead = await h.db.db
      .selectFrom('jobs')
      .select('last_error')
      .where('failed_at', 'is not', null)
      .execute()
    assert.deepEqual(dead, [], 'no processing job may fail on valid JSON')
  })
})
