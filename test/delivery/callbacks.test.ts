import assert from 'node:assert/strict'
import { createHmac } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { after, before, describe, test } from 'node:test'
import { enqueueJob } from '../../src/jobs/jobs-repo.ts'
import { testDbKind } from '../helpers/db.ts'
import { waitFor } from '../helpers/wait.ts'
import {
  customerWrites,
  lucia,
  runJobsNow,
  type SendWorld,
  sendOk,
  startSendWorld,
  waitStatus,
} from '../messaging/helpers.ts'

// Every outcome forwarded to the tenant's callback URL (SPEC §6): signed with the tenant's
// callback secret (X-Wahub-Signature-256 = HMAC-SHA256 of the body), retried when the URL
// fails; inbound messages and Meta's statuses too.

type Callback = {
  id: number
  type: string
  data: Record<string, unknown>
  message?: Record<string, unknown> | null
}

describe(`callbacks to the tenant's URL (${testDbKind})`, () => {
  let w: SendWorld
  let server: Server
  let url: string
  let secret: string
  const received: { body: string; signature: string | undefined; parsed: Callback }[] = []
  let failNext = 0

  before(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = []
      req.on('data', (c: Buffer) => chunks.push(c))
      req.on('end', () => {
        if (failNext > 0) {
          failNext--
          res.writeHead(503).end()
          return
        }
        const body = Buffer.concat(chunks).toString('utf8')
        received.push({
          body,
          signature: req.headers['x-wahub-signature-256'] as string | undefined,
          parsed: JSON.parse(body),
        })
        res.writeHead(204).end()
      })
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/wahub-events`
    w = await startSendWorld()
    const patched = await w.h.api('PATCH', `/api/v1/admin/tenants/${w.seed.acme.id}`, {
      key: w.h.adminKey,
      body: { callbackUrl: url },
    })
    assert.equal(patched.status, 200, patched.text)
    const rotated = await w.h.api('POST', '/api/v1/callbacks/secret', { key: w.key })
    assert.equal(rotated.status, 201, rotated.text)
    secret = (rotated.body as { secret: string }).secret
  })
  after(async () => {
    await w.h.close()
    await new Promise((resolve) => server.close(resolve))
  })

  const forMessage = (id: string) => received.filter((r) => r.parsed.data.messageId === id)

  test('the tenant sees its callback setup, never the secret again', async () => {
    const res = await w.h.api('GET', '/api/v1/callbacks', { key: w.key })
    assert.equal(res.status, 200, res.text)
    assert.deepEqual(res.body, { url, hasSecret: true, signatureHeader: 'X-Wahub-Signature-256' })
    assert.ok(!res.text.includes(secret))
    const row = await w.h.db.db
      .selectFrom('tenants')
      .select('callback_secret_enc')
      .where('id', '=', w.seed.acme.id)
      .executeTakeFirstOrThrow()
    assert.ok(row.callback_secret_enc && !row.callback_secret_enc.includes(secret), 'stored encrypted')
  })

  test('an inbound message, then each status of a send, arrive signed with the tenant’s secret', async () => {
    await customerWrites(w, lucia)
    await waitFor('the inbound message callback', () =>
      received.some((r) => r.parsed.type === 'message.received'),
    )
    const inbound = received.find((r) => r.parsed.type === 'message.received')
    assert.equal(inbound?.parsed.message?.direction, 'in')

    const sent = await sendOk(w, { to: lucia, type: 'text', text: { body: 'Gracias' } })
    await waitStatus(w, sent.id, 'read')
    await waitFor('sent, delivered and read callbacks', () => {
      const statuses = forMessage(sent.id).map((r) => r.parsed.data.status)
      return ['sent', 'delivered', 'read'].every((s) => statuses.includes(s))
    })
    for (const r of received) {
      const expected = `sha256=${createHmac('sha256', secret).update(r.body).digest('hex')}`
      assert.equal(r.signature, expected, 'X-Wahub-Signature-256 is the HMAC of the body')
    }
    const accepted = forMessage(sent.id).find((r) => r.parsed.data.status === 'sent')
    assert.equal(accepted?.parsed.message?.to, lucia)
    assert.match(String(accepted?.parsed.message?.wamid), /^wamid\./)
  })

  test('failures and unknown outcomes are forwarded, with the explanation', async () => {
    w.h.emulator.control.setFaults({ graph: { dropRate: 1, dropWhen: 'after' } })
    const unknown = await sendOk(w, { to: lucia, type: 'text', text: { body: 'perdido' } })
    await waitStatus(w, unknown.id, 'unknown')
    w.h.emulator.control.clearFaults()
    await waitFor('the unknown callback', () =>
      forMessage(unknown.id).some((r) => r.parsed.data.status === 'unknown'),
    )

    const failed = await sendOk(w, {
      to: '447700900123',
      type: 'template',
      template: { name: 'hello_world', language: 'en_US' },
    })
    await waitStatus(w, failed.id, 'failed')
    await waitFor('the failed callback', () =>
      forMessage(failed.id).some((r) => r.parsed.data.status === 'failed'),
    )
    const cb = forMessage(failed.id).find((r) => r.parsed.data.status === 'failed')
    assert.equal(cb?.parsed.data.errorCode, 131026)
    assert.equal((cb?.parsed.message?.error as { code: number }).code, 131026)
    assert.ok((cb?.parsed.message?.error as { explanation: string }).explanation.length > 20)
  })

  test('a callback job queued before endpoints had ids (after an upgrade) goes to the tenant’s URL, signed', async () => {
    const earlier = await w.h.db.db
      .selectFrom('events')
      .select('id')
      .where('tenant_id', '=', w.seed.acme.id)
      .orderBy('id')
      .executeTakeFirstOrThrow()
    // An upgrade finds jobs without an endpoint: they go to the tenant's callback URL, signed.
    const before = received.filter((r) => r.parsed.id === Number(earlier.id)).length
    await enqueueJob(w.h.db.db, 'callback.deliver', { tenantId: w.seed.acme.id, eventId: Number(earlier.id) })
    w.h.wahub.runner.nudge()
    await waitFor(
      'the callback of the job without an endpoint',
      () => received.filter((r) => r.parsed.id === Number(earlier.id)).length > before,
    )
    const again = received.filter((r) => r.parsed.id === Number(earlier.id)).at(-1)
    assert.equal(
      again?.signature,
      `sha256=${createHmac('sha256', secret)
        .update(again?.body ?? '')
        .digest('hex')}`,
    )
  })

  test("Meta's review, quality and category of a template reach every tenant sending with its WABA, with the reason", async () => {
    const templateEvents = () => received.filter((r) => r.parsed.type.startsWith('template.'))
    const value = (r: (typeof received)[number]) =>
      (r.parsed.data as { value: Record<string, unknown> }).value
    const control = w.h.emulator.control
    control.setTemplateStatus({
      name: 'summer_sale',
      language: 'en_US',
      status: 'PAUSED',
      reason: 'FIRST_PAUSE',
    })
    control.emitWebhook({
      field: 'message_template_quality_update',
      value: {
        message_template_id: 'x',
        message_template_name: 'summer_sale',
        message_template_language: 'en_US',
        previous_quality_score: 'GREEN',
        new_quality_score: 'YELLOW',
      },
    })
    control.emitWebhook({
      field: 'template_category_update',
      value: {
        message_template_id: 'x',
        message_template_name: 'summer_sale',
        message_template_language: 'en_US',
        previous_category: 'UTILITY',
        new_category: 'MARKETING',
      },
    })
    const got = await waitFor('the three template callbacks', () => {
      const events = templateEvents()
      return ['template.status', 'template.quality', 'template.category'].every((k) =>
        events.some((r) => r.parsed.type === k),
      )
        ? events
        : undefined
    })
    const paused = got.find((r) => r.parsed.type === 'template.status')
    assert.ok(paused)
    assert.equal(value(paused).event, 'PAUSED')
    assert.equal((value(paused).other_info as { title?: string } | undefined)?.title, 'FIRST_PAUSE')
    const quality = got.find((r) => r.parsed.type === 'template.quality')
    assert.ok(quality)
    assert.equal(value(quality).new_quality_score, 'YELLOW')
    for (const r of got) {
      const expected = `sha256=${createHmac('sha256', secret).update(r.body).digest('hex')}`
      assert.equal(r.signature, expected, 'signed with the tenant’s secret')
    }
    // globex sends from the same WABA: it gets the same events in its own feed.
    const feed = await w.h.api('GET', '/api/v1/live?after=0', { key: w.seed.globex.key })
    const kinds = (feed.body as { events: { kind: string }[] }).events.map((e) => e.kind)
    assert.ok(kinds.includes('template.status') && kinds.includes('template.quality'), kinds.join(', '))
  })

  test('a callback URL that fails is retried with backoff until it answers, its job naming the endpoint', async () => {
    failNext = 2
    const queued: { endpointId?: string }[] = []
    const sent = await sendOk(w, { to: lucia, type: 'text', text: { body: 'reintento' } })
    await waitStatus(w, sent.id, ['sent', 'delivered', 'read'])
    await waitFor(
      'the callbacks to get through after the failures',
      async () => {
        // The runner's backoff (1 s, 2 s…) brought forward.
        await w.h.db.db
          .updateTable('jobs')
          .set({ run_at: Date.now() })
          .where('kind', '=', 'callback.deliver')
          .execute()
        for (const j of await w.h.db.db
          .selectFrom('jobs')
          .select('payload')
          .where('kind', '=', 'callback.deliver')
          .execute())
          queued.push(JSON.parse(j.payload))
        w.h.wahub.runner.nudge()
        await runJobsNow(w)
        return failNext === 0 && forMessage(sent.id).some((r) => r.parsed.data.status === 'sent')
      },
      { timeoutMs: 20_000, intervalMs: 200 },
    )
    assert.ok(queued.length > 0, 'the failing callbacks were seen waiting as jobs')
    for (const p of queued)
      assert.equal(
        p.endpointId,
        `whs_cb_${w.seed.acme.id}`,
        'each job names its endpoint: the subscription the callback URL became',
      )
  })
})
