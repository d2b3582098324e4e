import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { testDbKind } from '../helpers/db.ts'
import { type Harness, type Onboarded, onboardSeed, startHarness } from '../helpers/harness.ts'
import { waitFor } from '../helpers/wait.ts'

// Issue 12: bad input gets a clear error in Wahub's envelope — never a 500, never Fastify's own
// shape — and junk is not echoed back into the database or the logs.

type ErrorBody = { error: { code: string; message: string; fix: string; details?: unknown } }

describe(`bad input is answered clearly (${testDbKind})`, () => {
  let h: Harness
  let seeded: Onboarded
  before(async () => {
    h = await startHarness()
    seeded = await onboardSeed(h)
  })
  after(async () => {
    await h.close()
  })

  test('a session cookie that is not valid percent-encoding is a 401, not a 500 (defect 4)', async () => {
    for (const cookie of ['wahub_session=%zz', 'wahub_session=%', 'a=1; wahub_session=%E0%A4%A']) {
      const res = await fetch(`${h.url}/api/v1/auth/me`, { headers: { cookie } })
      const body = (await res.json()) as ErrorBody
      assert.equal(res.status, 401, `Cookie: ${cookie} → ${res.status} ${JSON.stringify(body)}`)
      assert.equal(body.error.code, 'unauthorized')
    }
  })

  test("a URL that is not valid percent-encoding is answered in Wahub's envelope", async () => {
    for (const path of ['/api/v1/%', '/%zz', '/api/v1/admin/tenants/%E0%A4%A']) {
      const res = await fetch(`${h.url}${path}`)
      const body = (await res.json()) as ErrorBody
      assert.equal(res.status, 400, path)
      assert.equal(body.error.code, 'bad_request', `${path}: ${JSON.stringify(body)}`)
      assert.ok(body.error.fix, 'the error says what to do')
    }
  })

  test("415 and 413 from Fastify's body parsing are in Wahub's envelope", async () => {
    const wrongType = await h.api('POST', '/api/v1/auth/login', {
      headers: { 'content-type': 'text/xml' },
    })
    assert.equal(wrongType.status, 415)
    assert.equal((wrongType.body as ErrorBody).error.code, 'unsupported_media_type')
    const res = await fetch(`${h.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: `{"email":"${'x'.repeat(2 * 1024 * 1024)}"}`,
    })
    assert.equal(res.status, 413)
    assert.equal(((await res.json()) as ErrorBody).error.code, 'payload_too_large')
  })

  const send = (body: unknown) => h.api('POST', '/api/v1/messages', { key: seeded.acme.key, body })
  const problems = (body: unknown) =>
    ((body as ErrorBody).error.details ?? []) as { field: string; problem: string }[]

  test('an unknown message type is one error naming the allowed types', async () => {
    const res = await send({ to: '+34612345678', type: 'sticker2', sticker: { id: '1' } })
    assert.equal(res.status, 400)
    const list = problems(res.body).filter((p) => p.field === 'type')
    assert.equal(list.length, 1, `one problem for type, got ${JSON.stringify(problems(res.body))}`)
    assert.match(list[0].problem, /one of: text, template, image, .*sticker.*reaction/)
    assert.match((res.body as ErrorBody).error.message, /type must be one of/)
  })

  test('an unknown property is named', async () => {
    const res = await send({ to: '+34612345678', type: 'text', text: { body: 'hi', bold: true } })
    assert.equal(res.status, 400)
    assert.deepEqual(problems(res.body)[0], { field: 'text.bold', problem: 'is not a known property' })
    const top = await send({ to: '+34612345678', type: 'text', text: { body: 'hi' }, priority: 'high' })
    assert.equal(top.status, 400)
    assert.equal(problems(top.body)[0].field, 'priority')
  })

  test('a send without type is a 400 naming type, not silently a text', async () => {
    const res = await send({ to: '+34612345678', text: { body: 'hi' } })
    assert.equal(res.status, 400)
    assert.equal((res.body as ErrorBody).error.code, 'validation_failed')
    assert.deepEqual(problems(res.body)[0], { field: 'type', problem: 'is required' })
  })

  test('a wrong verify token in the handshake is counted as a rejected webhook', async () => {
    const res = await fetch(
      `${h.url}/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=guess&hub.challenge=1`,
    )
    assert.equal(res.status, 403)
    const counted = await h.wahub.metrics.registry.getSingleMetricAsString('wahub_webhook_rejected_total')
    assert.match(counted, /reason="verify_token_mismatch"} 1\b/)
  })

  test('a signed junk body is kept, but its reason and log lines do not echo 200 KB of it', async () => {
    const { createHmac } = await import('node:crypto')
    const junk = Buffer.from(`{"object":"whatsapp_business_account","entry":[${'"A'.repeat(100_000)}`)
    const res = await fetch(`${h.url}/webhooks/whatsapp`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-hub-signature-256': `sha256=${createHmac('sha256', h.emulator.seed.appSecret).update(junk).digest('hex')}`,
      },
      body: junk,
    })
    assert.equal(res.status, 200)
    const row = await waitFor('the junk event to be rejected', () =>
      h.db.db
        .selectFrom('webhook_events')
        .select(['outcome', 'outcome_reason'])
        .where('outcome', '=', 'rejected')
        .executeTakeFirst(),
    )
    assert.ok((row.outcome_reason ?? '').length <= 500, `reason is ${row.outcome_reason?.length} characters`)
    // The webhook thread's log lines reach the process's log through a message, after its commit.
    const line = await waitFor('the rejection to be logged', () =>
      h.logLines().find((l) => l.includes('"webhook rejected"')),
    )
    assert.ok(line.length < 2000, `the log line is ${line.length} characters`)
  })

  // Found by the fuzz suite: PostgreSQL's text cannot hold U+0000; SQLite stored it.
  test('a NUL character in an API field is a 400 naming the field, on both databases', async () => {
    for (const [path, body, field] of [
      ['/api/v1/admin/users', { email: 'a\u0000@example.com', role: 'admin' }, 'email'],
      ['/api/v1/admin/api-keys', { name: 'key\u0000' }, 'name'],
      ['/api/v1/admin/tenants', { name: 'acme2', numbers: ['\u0000'] }, 'numbers.0'],
    ] as const) {
      const res = await h.api('POST', path, { key: h.adminKey, body })
      assert.equal(res.status, 400, `${path}: ${res.text}`)
      assert.deepEqual(
        problems(res.body).map((p) => p.field),
        [field],
        `${path} names the field: ${res.text}`,
      )
    }
    const query = await fetch(`${h.url}/api/v1/admin/events?outcome=a%00b`, {
      headers: { authorization: `Bearer ${h.adminKey}` },
    })
    assert.equal(query.status, 400, 'a %00 in the query string too')
  })

  test('a signed webhook with a NUL in a string is processed, not retried until it fails', async () => {
    const { createHmac } = await import('node:crypto')
    const body = Buffer.from(
      JSON.stringify({
        object: 'whatsapp_business_account',
        entry: [
          {
            id: seeded.wabaId,
            time: 1_800_000_000,
            changes: [
              {
                field: 'message_template_status_update',
                value: {
                  event: 'PAUSED',
                  message_template_id: 424242,
                  message_template_name: 'nul\u0000name',
                  message_template_language: 'en_US',
                  reason: 'NONE',
                },
              },
            ],
          },
        ],
      }),
    )
    const res = await fetch(`${h.url}/webhooks/whatsapp`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-hub-signature-256': `sha256=${createHmac('sha256', h.emulator.seed.appSecret).update(body).digest('hex')}`,
      },
      body,
    })
    assert.equal(res.status, 200)
    const row = await waitFor('the event with a NUL to leave pending', () =>
      h.db.db
        .selectFrom('webhook_events')
        .select(['outcome', 'outcome_reason'])
        .where('body', '=', body)
        .where('outcome', '!=', 'pending')
        .executeTakeFirst(),
    )
    assert.equal(row.outcome, 'processed', `outcome ${row.outcome}: ${row.outcome_reason}`)
  })
})
