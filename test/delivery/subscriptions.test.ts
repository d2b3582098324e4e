import assert from 'node:assert/strict'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { after, before, describe, test } from 'node:test'
import { Webhook } from 'standardwebhooks'
import { deliveryAttempts } from '../../src/delivery/callbacks.ts'
import { checkSubscriptionUrl } from '../../src/delivery/subscriptions.ts'
import { testDbKind } from '../helpers/db.ts'
import { waitFor } from '../helpers/wait.ts'
import {
  customerWrites,
  joao,
  lucia,
  type SendWorld,
  sheena,
  startSendWorld,
  ursula,
} from '../messaging/helpers.ts'

// Webhook subscriptions (SPEC §17): several URLs per tenant with event filters, each signed per
// Standard Webhooks with its own secret — verified here with the `standardwebhooks` package,
// not with Wahub's code —, retried in order per conversation, logged, redelivered.

type Received = {
  body: string
  headers: Record<string, string>
  parsed: { id: number | null; type: string; data: Record<string, unknown> }
}

type Receiver = {
  url: string
  got: Received[]
  /** Answer 503 to the next n requests (Infinity: until told otherwise). */
  failNext: number
  failed: number
  close(): Promise<void>
}

async function startReceiver(): Promise<Receiver> {
  const r: Receiver = { url: '', got: [], failNext: 0, failed: 0, close: async () => {} }
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      if (r.failNext > 0) {
        r.failNext--
        r.failed++
        res.writeHead(503, { 'content-type': 'text/plain' }).end('down for maintenance')
        return
      }
      const body = Buffer.concat(chunks).toString('utf8')
      r.got.push({ body, headers: req.headers as Record<string, string>, parsed: JSON.parse(body) })
      res.writeHead(200, { 'content-type': 'text/plain' }).end('thanks')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  r.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`
  r.close = () => new Promise((resolve) => server.close(() => resolve()))
  return r
}

function verify(secret: string, r: Received): void {
  // Throws WebhookVerificationError when the signature, id or timestamp does not hold.
  new Webhook(secret).verify(r.body, {
    'webhook-id': r.headers['webhook-id'],
    'webhook-timestamp': r.headers['webhook-timestamp'],
    'webhook-signature': r.headers['webhook-signature'],
  })
}

describe(`webhook subscriptions (${testDbKind})`, () => {
  let w: SendWorld
  let messages: Receiver
  let conversations: Receiver
  let messagesSub: { id: string; secret: string }
  let conversationsSub: { id: string; secret: string }

  const api = (method: string, path: string, body?: unknown) => w.h.api(method, path, { key: w.key, body })

  async function subscribe(url: string, events: string[]) {
    const res = await api('POST', '/api/v1/webhook-subscriptions', { url, events })
    assert.equal(res.status, 201, res.text)
    const b = res.body as { subscription: { id: string }; secret: string }
    return { id: b.subscription.id, secret: b.secret }
  }

  /** Retries' delays brought forward (the schedule spans a day). */
  async function retryNow() {
    await w.h.db.db
      .updateTable('jobs')
      .set({ run_at: Date.now() })
      .where('kind', '=', 'callback.deliver')
      .where('locked_by', 'is', null)
      .execute()
    w.h.wahub.runner.nudge()
  }

  before(async () => {
    messages = await startReceiver()
    conversations = await startReceiver()
    w = await startSendWorld()
    messagesSub = await subscribe(messages.url, ['message.*'])
    conversationsSub = await subscribe(conversations.url, ['conversation.status'])
  })
  after(async () => {
    await w.h.close()
    await messages.close()
    await conversations.close()
  })

  test('a subscription is listed without its secret, which is stored only encrypted', async () => {
    const res = await api('GET', '/api/v1/webhook-subscriptions')
    assert.equal(res.status, 200, res.text)
    const subs = (res.body as { subscriptions: { id: string; events: string[]; hasSecret: boolean }[] })
      .subscriptions
    assert.deepEqual(
      subs.map((s) => s.events),
      [['message.*'], ['conversation.status']],
      'both subscriptions with their filters',
    )
    assert.ok(!res.text.includes(messagesSub.secret), 'the secret is never shown again')
    assert.match(
      messagesSub.secret,
      /^whsec_[A-Za-z0-9+/]+=*$/,
      'a Standard Webhooks secret (whsec_ + base64)',
    )
    const row = await w.h.db.db
      .selectFrom('webhook_subscriptions')
      .select('secret_enc')
      .where('id', '=', messagesSub.id)
      .executeTakeFirstOrThrow()
    assert.ok(
      row.secret_enc && !row.secret_enc.includes(messagesSub.secret.slice(6)),
      'vault ciphertext only',
    )
  })

  test('bad input is refused naming the field: an unknown event type, a plain-http address in production', async () => {
    const res = await api('POST', '/api/v1/webhook-subscriptions', {
      url: messages.url,
      events: ['message.sent'],
    })
    assert.equal(res.status, 400, res.text)
    assert.match(res.text, /events/, 'the answer names the events field')
    assert.match(res.text, /message\.\*/, 'and lists what is accepted')
    const noUrl = await api('POST', '/api/v1/webhook-subscriptions', { events: ['*'] })
    assert.equal(noUrl.status, 400, noUrl.text)
    assert.match(noUrl.text, /url/)
    assert.throws(
      () => checkSubscriptionUrl('http://hooks.example.com/x', { allowHttp: false }),
      /https/,
      'plain http to a public host is refused on a production instance',
    )
    assert.equal(checkSubscriptionUrl('http://127.0.0.1:9/x', { allowHttp: false }), 'http://127.0.0.1:9/x')
  })

  test('each subscription gets only the events its filter names, signed with its own secret (verified by standardwebhooks)', async () => {
    await customerWrites(w, lucia, w.pnid, 'hola 1')
    const conversation = await waitFor('lucia’s conversation', () =>
      w.h.db.db.selectFrom('conversations').select('id').orderBy('created_at', 'desc').executeTakeFirst(),
    )
    const status = await api('POST', `/api/v1/conversations/${conversation.id}/status`, {
      status: 'resolved',
    })
    assert.ok(status.status < 300, status.text)
    await waitFor('the message to the message.* subscription', () =>
      messages.got.some((r) => r.parsed.type === 'message.received'),
    )
    await waitFor('the status change to the conversation.status subscription', () =>
      conversations.got.some((r) => r.parsed.type === 'conversation.status'),
    )
    assert.ok(
      messages.got.every((r) => r.parsed.type.startsWith('message.')),
      `message.* got only message events: ${messages.got.map((r) => r.parsed.type).join(', ')}`,
    )
    assert.ok(
      conversations.got.every((r) => r.parsed.type === 'conversation.status'),
      `conversation.status got only those: ${conversations.got.map((r) => r.parsed.type).join(', ')}`,
    )
    for (const r of messages.got) verify(messagesSub.secret, r)
    for (const r of conversations.got) verify(conversationsSub.secret, r)
    assert.throws(
      () => verify(conversationsSub.secret, messages.got[0]),
      /signature/i,
      'another secret does not verify',
    )
    assert.equal(messages.got[0].headers['webhook-id'], `evt_${messages.got[0].parsed.id}`)
  })

  test('a receiver that fails for a while then recovers gets every event once, in order per conversation', async () => {
    messages.got.length = 0
    messages.failNext = 4
    const start = await w.h.db.db
      .selectFrom('events')
      .select((eb) => eb.fn.max('id').as('id'))
      .executeTakeFirst()
    // Two customers, three messages each: six events in two conversations.
    for (let i = 1; i <= 3; i++) {
      await customerWrites(w, sheena, w.pnid, `sheena ${i}`)
      await customerWrites(w, joao, w.pnid, `joão ${i}`)
    }
    const expected = await w.h.db.db
      .selectFrom('events')
      .select(['id', 'payload'])
      .where('id', '>', Number(start?.id ?? 0))
      .where('kind', '=', 'message.received')
      .where('tenant_id', '=', w.seed.acme.id)
      .orderBy('id')
      .execute()
    assert.equal(expected.length, 6, 'six inbound events')
    await waitFor(
      'all six events delivered after the receiver recovered',
      async () => {
        await retryNow()
        return (
          messages.got.filter(
            (r) => r.parsed.type === 'message.received' && Number(r.parsed.id) > Number(start?.id ?? 0),
          ).length >= 6
        )
      },
      { timeoutMs: 30_000, intervalMs: 100 },
    )
    assert.ok(messages.failed >= 4, 'the receiver did fail first')
    const fresh = messages.got.filter(
      (r) => r.parsed.type === 'message.received' && Number(r.parsed.id) > Number(start?.id ?? 0),
    )
    const ids = fresh.map((r) => Number(r.parsed.id))
    assert.deepEqual(
      [...ids].sort((a, b) => a - b),
      expected.map((e) => Number(e.id)),
      'every event exactly once',
    )
    const byConversation = new Map<string, number[]>()
    for (const r of fresh) {
      const c = String(r.parsed.data.conversationId)
      byConversation.set(c, [...(byConversation.get(c) ?? []), Number(r.parsed.id)])
    }
    assert.equal(byConversation.size, 2)
    for (const [c, list] of byConversation)
      assert.deepEqual(
        list,
        [...list].sort((a, b) => a - b),
        `conversation ${c}'s events arrived in order`,
      )
    for (const r of messages.got) verify(messagesSub.secret, r)

    const log = await api('GET', `/api/v1/webhook-subscriptions/${messagesSub.id}/attempts?limit=200`)
    const attempts = (
      log.body as {
        attempts: { ok: boolean; httpStatus: number; responseExcerpt: string; latencyMs: number }[]
      }
    ).attempts
    const failedOnes = attempts.filter((a) => !a.ok)
    assert.equal(failedOnes.length, messages.failed, 'every failed attempt is in the log')
    assert.equal(failedOnes[0].httpStatus, 503)
    assert.equal(failedOnes[0].responseExcerpt, 'down for maintenance', 'with the answer’s first bytes')
    assert.ok(attempts.every((a) => a.latencyMs >= 0))
    assert.ok(!log.text.includes(messagesSub.secret.slice(6)), 'no secret in the log')
  })

  test('after the last retry the delivery fails and the subscription is disabled with a notice; enabled again, failed events are redelivered', async () => {
    const since = Date.now()
    messages.got.length = 0
    messages.failNext = Number.POSITIVE_INFINITY
    // The retries span more than a day: their first attempts are spent here, not waited for.
    await customerWrites(w, lucia, w.pnid, 'nadie me oye')
    const job = await waitFor('the delivery job', () =>
      w.h.db.db
        .selectFrom('jobs')
        .select(['id', 'attempts'])
        .where('kind', '=', 'callback.deliver')
        .where('payload', 'like', `%${messagesSub.id}%`)
        .executeTakeFirst(),
    )
    await w.h.db.db
      .updateTable('jobs')
      .set({ attempts: deliveryAttempts - 1 })
      .where('id', '=', job.id)
      .execute()
    const disabled = await waitFor(
      'the subscription disabled',
      async () => {
        await retryNow()
        const res = await api('GET', `/api/v1/webhook-subscriptions/${messagesSub.id}`)
        const s = res.body as { enabled: boolean; disabledReason: string | null }
        return s.enabled ? undefined : s
      },
      { timeoutMs: 20_000, intervalMs: 100 },
    )
    assert.match(String(disabled.disabledReason), /failed 8 times over more than 24 hours/)
    const notice = await waitFor('the subscription.disabled event', () =>
      w.h.db.db
        .selectFrom('events')
        .select('payload')
        .where('kind', '=', 'subscription.disabled')
        .where('tenant_id', '=', w.seed.acme.id)
        .executeTakeFirst(),
    )
    assert.match(notice.payload, new RegExp(messagesSub.id))
    const failed = await api(
      'GET',
      `/api/v1/webhook-subscriptions/${messagesSub.id}/deliveries?status=failed`,
    )
    const failedList = (failed.body as { deliveries: { id: string; eventKind: string }[] }).deliveries
    assert.ok(failedList.length >= 1, 'the given-up delivery is listed as failed')

    const refused = await api('POST', `/api/v1/webhook-subscriptions/${messagesSub.id}/redeliver`, {
      failedSince: since,
    })
    assert.equal(refused.status, 409, 'a disabled subscription is enabled before redelivery')

    messages.failNext = 0
    const enabled = await api('PATCH', `/api/v1/webhook-subscriptions/${messagesSub.id}`, { enabled: true })
    assert.equal((enabled.body as { enabled: boolean }).enabled, true, enabled.text)
    const again = await api('POST', `/api/v1/webhook-subscriptions/${messagesSub.id}/redeliver`, {
      failedSince: since,
    })
    assert.equal(again.status, 202, again.text)
    assert.ok((again.body as { queued: unknown[] }).queued.length >= 1)
    await waitFor('the redelivered event', () =>
      messages.got.some((r) => r.parsed.type === 'message.received'),
    )
    for (const r of messages.got) verify(messagesSub.secret, r)

    // One delivery by id, again, once it is settled (one being sent right now is left to finish).
    await waitFor('the redelivered delivery settled', async () => {
      const res = await api('GET', `/api/v1/webhook-subscriptions/${messagesSub.id}/deliveries`)
      const all = (res.body as { deliveries: { id: string; status: string }[] }).deliveries
      return all.find((x) => x.id === failedList[0].id)?.status !== 'pending'
    })
    const one = await api('POST', `/api/v1/webhook-subscriptions/${messagesSub.id}/redeliver`, {
      deliveryId: failedList[0].id,
    })
    assert.equal(one.status, 202, one.text)
    const before = messages.got.length
    await waitFor('the one delivery sent again', () => messages.got.length > before)
  })

  test('redelivering a pending delivery retries it now, once, instead of queueing a second copy', async () => {
    const before = messages.got.filter((r) => r.parsed.type === 'message.received').length
    messages.failNext = 2
    const since = Date.now()
    await customerWrites(w, ursula, w.pnid, 'pending, then redelivered')
    // The first try and the retry 5 s later fail; the next retry would wait 5 minutes.
    const failing = await waitFor(
      'two failed attempts of one delivery',
      async () => {
        const res = await api('GET', `/api/v1/webhook-subscriptions/${messagesSub.id}/attempts?failed=true`)
        const attempts = (
          res.body as { attempts: { deliveryId: string; attempt: number; at: number }[] }
        ).attempts.filter((a) => a.at >= since)
        const second = attempts.find((a) => a.attempt === 2)
        return second && attempts.some((a) => a.deliveryId === second.deliveryId && a.attempt === 1)
          ? second
          : undefined
      },
      { timeoutMs: 30_000, intervalMs: 100 },
    )
    // Its retry is waiting (the second attempt's job is no longer running).
    await waitFor('the retry waiting', async () => {
      const jobs = await w.h.db.db
        .selectFrom('jobs')
        .select(['locked_by', 'run_at'])
        .where('kind', '=', 'callback.deliver')
        .where('failed_at', 'is', null)
        .execute()
      return jobs.length === 1 && jobs[0].locked_by === null && Number(jobs[0].run_at) > Date.now() + 60_000
    })
    const res = await api('POST', `/api/v1/webhook-subscriptions/${messagesSub.id}/redeliver`, {
      deliveryId: failing.deliveryId,
    })
    assert.equal(res.status, 202, res.text)
    const received = () => messages.got.filter((r) => r.parsed.type === 'message.received').length
    await waitFor('the pending delivery sent now', () => received() > before, { timeoutMs: 20_000 })
    const third = await waitFor('the successful attempt in the log', async () => {
      const log = await api('GET', `/api/v1/webhook-subscriptions/${messagesSub.id}/attempts?limit=5`)
      return (log.body as { attempts: { deliveryId: string; attempt: number; ok: boolean }[] }).attempts.find(
        (a) => a.deliveryId === failing.deliveryId && a.ok,
      )
    })
    assert.equal(third.attempt, 3, 'the retry brought forward is the third attempt')
    // Every callback job finishes (a second copy would have been sent by then, not left waiting).
    await waitFor('no callback job left', async () => {
      const jobs = await w.h.db.db
        .selectFrom('jobs')
        .select('id')
        .where('kind', '=', 'callback.deliver')
        .where('failed_at', 'is', null)
        .execute()
      return jobs.length === 0
    })
    assert.equal(received(), before + 1, 'the receiver got it once')
  })

  test('"send test event" posts a signed webhook.test at once and logs it', async () => {
    const res = await api('POST', `/api/v1/webhook-subscriptions/${conversationsSub.id}/test`)
    assert.equal(res.status, 200, res.text)
    const attempt = res.body as { ok: boolean; httpStatus: number; eventKind: string }
    assert.equal(attempt.ok, true)
    assert.equal(attempt.httpStatus, 200)
    const test = conversations.got.find((r) => r.parsed.type === 'webhook.test')
    assert.ok(test, 'the receiver got the test event')
    verify(conversationsSub.secret, test)
  })

  test('a rotated secret signs from then on; the old one no longer verifies', async () => {
    const res = await api('POST', `/api/v1/webhook-subscriptions/${conversationsSub.id}/secret`)
    assert.equal(res.status, 201, res.text)
    const fresh = (res.body as { secret: string }).secret
    conversations.got.length = 0
    await api('POST', `/api/v1/webhook-subscriptions/${conversationsSub.id}/test`)
    verify(fresh, conversations.got[0])
    assert.throws(() => verify(conversationsSub.secret, conversations.got[0]))
  })

  test("another tenant can neither see nor change a tenant's subscription", async () => {
    const other = { key: w.seed.globex.key }
    const list = await w.h.api('GET', '/api/v1/webhook-subscriptions', other)
    assert.equal(list.status, 200, list.text)
    assert.ok(!list.text.includes(messagesSub.id))
    const patch = await w.h.api('PATCH', `/api/v1/webhook-subscriptions/${messagesSub.id}`, {
      ...other,
      body: { enabled: false },
    })
    assert.equal(patch.status, 404, patch.text)
  })
})
