import assert from 'node:assert/strict'
import net from 'node:net'
import { after, afterEach, before, describe, test } from 'node:test'
import { explainMetaError } from '../../src/cloud-api/error-catalogue.ts'
import { graphErrorBody, sendJson, startCannedGraph } from '../cloud-api/canned-graph-server.ts'
import { testDbKind } from '../helpers/db.ts'
import { waitFor } from '../helpers/wait.ts'
import {
  customerWrites,
  graphSends,
  lucia,
  runJobsNow,
  type SendWorld,
  sendOk,
  settled,
  startSendWorld,
  ursula,
  waitStatus,
} from './helpers.ts'

// Every retry class of the error catalogue (decision 0006), through the emulator:
// - no: fails at once with the catalogue's explanation (131030 sync, 131026 async by webhook);
// - backoff: retried with exponential backoff + jitter, then given up (emulator 5xx faults);
// - slow_lane: 130429 slows the number's lane, 131056 the recipient's pair — never a failure;
// - later: the wait Meta names (131057), from a canned Graph server;
// and a refused connection (nothing sent) retried. Backoff delays are brought forward by
// moving the job's run_at (the schedule itself is asserted first).

/** A local port nothing listens on (connections are refused). */
async function closedPort(): Promise<number> {
  const server = net.createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as net.AddressInfo).port
  await new Promise((resolve) => server.close(resolve))
  return port
}

type LogLine = { msg: string; [k: string]: unknown }

function sendFailedLines(w: SendWorld): LogLine[] {
  return w.h
    .logLines()
    .map((l) => JSON.parse(l) as LogLine)
    .filter((l) => l.msg === 'send failed')
}

const hello = (to: string, from?: string) => ({
  ...(from ? { from } : {}),
  to,
  type: 'template',
  template: { name: 'hello_world', language: 'en_US' },
})

describe(`send retries, by the catalogue's retry class (${testDbKind})`, () => {
  let w: SendWorld

  before(async () => {
    w = await startSendWorld({ emulator: { pairRateLimit: { intervalMs: 1000, burst: 2 } } })
    await customerWrites(w, lucia)
  })
  // A test that failed half-way must not leave Meta failing for the next ones.
  afterEach(() => w.h.emulator.control.clearFaults())
  after(async () => {
    await w.h.close()
  })

  test('no retry: 131030 fails at once, explained, logged as `send failed` without secrets', async () => {
    // The seed's third number is in development mode: only its allowed list can be messaged.
    const devNumber = '110000000000003'
    const res = await w.h.api('PATCH', `/api/v1/admin/tenants/${w.seed.acme.id}`, {
      key: w.h.adminKey,
      body: { numbers: [devNumber] },
    })
    assert.equal(res.status, 200, res.text)
    const sent = await sendOk(w, hello('447700900999', devNumber))
    const failed = await waitStatus(w, sent.id, 'failed')
    const info = explainMetaError(131030)
    assert.equal(failed.error?.code, 131030)
    assert.equal(failed.error?.fix, info.fix)
    assert.ok(failed.error?.explanation?.includes(info.meaning))
    assert.equal(graphSends(w, devNumber).length, 1, 'tried once')
    assert.deepEqual(
      failed.actions.map((a) => a.name),
      ['retry'],
    )
    const line = sendFailedLines(w).find((l) => l.messageId === sent.id)
    assert.ok(line, 'a `send failed` line')
    assert.equal(line.code, 131030)
    assert.equal(line.title, failed.error?.title)
    assert.ok(String(line.explanation).includes(info.meaning))
    assert.equal(line.phoneNumberId, devNumber)
    assert.equal(line.tenantId, w.seed.acme.id)
    const all = w.h.logLines().join('\n')
    assert.ok(!all.includes(w.h.emulator.seed.accessToken), 'no token in the logs')
    assert.ok(!all.includes('Welcome and congratulations'), 'no message body in the logs')
  })

  test('no retry, asynchronously: an undeliverable recipient (131026) is failed by Meta’s status webhook', async () => {
    const sent = await sendOk(w, hello(ursula))
    const failed = await waitStatus(w, sent.id, 'failed')
    assert.equal(failed.error?.code, 131026)
    assert.ok(
      failed.history.some((h) => h.source === 'wahub' && h.status === 'sent'),
      'Meta accepted it first',
    )
    assert.ok(failed.history.some((h) => h.source === 'meta' && h.status === 'failed'))
    assert.equal(failed.error?.fix, explainMetaError(131026).fix)
  })

  test('backoff: a 5xx from Meta is retried with exponential backoff and jitter, then the message goes', async () => {
    await settled(w)
    w.h.emulator.control.clearLedger()
    w.h.emulator.control.setFaults({ graph: { errorRate: 1 } })
    const sent = await sendOk(w, hello('34600000101'))
    const retrying = await waitFor('the first retry scheduled', async () => {
      // The message first, then its job: a job read before the retry was scheduled would still
      // show its first run time.
      const d = (await w.h.api('GET', `/api/v1/messages/${sent.id}`, { key: w.key })).body as {
        status: string
        history: { status: string; at: number; detail: { retryInMs?: number; code?: number } | null }[]
      }
      const step = d.history.find((h) => h.status === 'retrying')
      if (!step || d.status !== 'queued') return undefined
      const job = await w.h.db.db
        .selectFrom('jobs')
        .select(['run_at', 'attempts', 'last_error'])
        .where('kind', '=', 'message.send')
        // This message's job: an earlier test's job that failed for good stays in the table.
        .where('failed_at', 'is', null)
        .where('payload', 'like', `%${sent.id}%`)
        .executeTakeFirst()
      // The job's failure (its new run_at) is written just after the message's `retrying` step.
      return job?.last_error ? { job, step } : undefined
    })
    assert.equal(retrying.step.detail?.code, 131000)
    const delay = retrying.step.detail?.retryInMs as number
    assert.ok(delay >= 1500 && delay <= 2500, `first retry after 2 s ± 25% (${delay})`)
    assert.ok(
      retrying.job.run_at >= retrying.step.at + delay - 250,
      `the job waits for its backoff: runs at ${retrying.job.run_at - retrying.step.at} ms after the retry step, not before ${delay} ms`,
    )
    w.h.emulator.control.clearFaults()
    await runJobsNow(w)
    const d = await waitStatus(w, sent.id, ['sent', 'delivered', 'read'])
    assert.equal(graphSends(w, w.pnid).length, 2)
    assert.ok(d.history.some((h) => h.status === 'retrying'))
  })

  test('backoff gives up after the limit, failed with the explanation', async () => {
    await settled(w)
    w.h.emulator.control.clearLedger()
    w.h.emulator.control.setFaults({ graph: { errorRate: 1 } })
    const sent = await sendOk(w, hello('34600000102'))
    const failed = await waitFor(
      'the send to give up',
      async () => {
        await runJobsNow(w)
        const d = (await w.h.api('GET', `/api/v1/messages/${sent.id}`, { key: w.key })).body as {
          status: string
        }
        return d.status === 'failed' ? d : undefined
      },
      { timeoutMs: 20_000, intervalMs: 100 },
    )
    w.h.emulator.control.clearFaults()
    const attempts = graphSends(w, w.pnid)
    assert.equal(attempts.length, 8, 'eight attempts in all')
    const detail = await waitStatus(w, sent.id, 'failed')
    assert.equal(detail.error?.code, 131000)
    const last = detail.history.filter((h) => h.status === 'failed').at(-1)
    assert.equal(last?.detail?.gaveUp, true)
    assert.ok(failed)
  })

  test('slow_lane: 130429 slows the number’s lane down instead of failing; every message goes', async () => {
    await settled(w)
    // Meta caps the number at 5/s while Wahub believes 80/s: Meta's answer corrects it.
    w.h.emulator.control.setThroughput(w.pnid, 5)
    // Queued in one call, so they are due together whatever the machine's load (single sends
    // queued slower than 5/s would never exceed Meta's cap).
    const res = await w.h.api('POST', '/api/v1/messages/batch', {
      key: w.key,
      body: {
        messages: Array.from({ length: 20 }, (_, i) => hello(`3460000${String(200 + i).padStart(4, '0')}`)),
      },
    })
    assert.equal(res.status, 200, res.text)
    const ids = (res.body as { results: { id: string }[] }).results.map((r) => r.id)
    for (const id of ids) await waitStatus(w, id, ['sent', 'delivered', 'read'], { timeoutMs: 30_000 })
    const throttled = graphSends(w, w.pnid).filter((e) => e.errorCode === 130429)
    assert.ok(throttled.length > 0, 'Meta did answer 130429')
    const lane = await w.h.db.db
      .selectFrom('rate_lanes')
      .selectAll()
      .where('key', '=', `number:${w.numberId}`)
      .executeTakeFirstOrThrow()
    assert.ok(lane.slowed_until > Date.now(), 'the lane runs slower for a while')
    const details = await Promise.all(
      ids.map((id) => w.h.api('GET', `/api/v1/messages/${id}`, { key: w.key })),
    )
    assert.ok(
      details.some((d) =>
        (d.body as { history: { status: string }[] }).history.some((h) => h.status === 'throttled'),
      ),
    )
    assert.ok(
      sendFailedLines(w).every((l) => l.code !== 130429),
      'a throttle is not a failure',
    )
    w.h.emulator.control.setThroughput(w.pnid, 80)
  })

  test('slow_lane: 131056 (pair rate limit) holds that recipient back 4^X seconds, in order, none failed', async () => {
    await settled(w)
    // The emulator allows 2 messages to one recipient, then 1 per second.
    const ids: string[] = []
    for (let i = 0; i < 4; i++)
      ids.push((await sendOk(w, { to: lucia, type: 'text', text: { body: `mensaje ${i}` } })).id)
    for (const id of ids) await waitStatus(w, id, ['sent', 'delivered', 'read'], { timeoutMs: 30_000 })
    const toLucia = graphSends(w, w.pnid).filter(
      (e) =>
        (e.body as { to?: string } | null)?.to === lucia &&
        (e.body as { type?: string } | null)?.type === 'text',
    )
    assert.ok(
      toLucia.some((e) => e.errorCode === 131056),
      'Meta answered 131056',
    )
    const accepted = toLucia
      .filter((e) => e.status === 200)
      .map((e) => (e.body as { text: { body: string } }).text.body)
    assert.deepEqual(accepted.slice(-4), ['mensaje 0', 'mensaje 1', 'mensaje 2', 'mensaje 3'], 'in order')
  })

  test('later: 131057 (maintenance) waits the minute Meta names, then sends; a refused connection is retried', async () => {
    await settled(w)
    let answers = 0
    const canned = await startCannedGraph({
      [`POST /v23.0/${w.pnid}/messages`]: (_req, res) => {
        answers++
        if (answers === 1) sendJson(res, 500, graphErrorBody(131057, 'Account in maintenance mode'))
        else
          sendJson(res, 200, {
            messaging_product: 'whatsapp',
            contacts: [{ input: '1', wa_id: '1' }],
            messages: [{ id: `wamid.canned${answers}` }],
          })
      },
    })
    try {
      await w.h.db.db.updateTable('wabas').set({ graph_url: canned.url }).execute()
      const sent = await sendOk(w, hello('34600000301'))
      const step = await waitFor('the wait Meta names', async () => {
        const d = (await w.h.api('GET', `/api/v1/messages/${sent.id}`, { key: w.key })).body as {
          history: { status: string; detail: { retryInMs?: number; code?: number } | null }[]
        }
        return d.history.find((h) => h.status === 'retrying')
      })
      assert.equal(step.detail?.code, 131057)
      assert.equal(step.detail?.retryInMs, 60_000)
      await runJobsNow(w)
      const d = await waitStatus(w, sent.id, 'sent')
      assert.equal(d.wamid, 'wamid.canned2')

      // Nothing listens at this address: the request never left, so a resend is safe.
      await w.h.db.db
        .updateTable('wabas')
        .set({ graph_url: `http://127.0.0.1:${await closedPort()}` })
        .execute()
      const refused = await sendOk(w, hello('34600000302'))
      const retry = await waitFor('a retry after a refused connection', async () => {
        const m = (await w.h.api('GET', `/api/v1/messages/${refused.id}`, { key: w.key })).body as {
          status: string
          history: { status: string; detail: { reason?: string } | null }[]
        }
        return m.history.find((h) => h.status === 'retrying')
      })
      assert.match(String(retry.detail?.reason), /nothing was sent/)
      await w.h.db.db.updateTable('wabas').set({ graph_url: canned.url }).execute()
      await runJobsNow(w)
      await waitStatus(w, refused.id, 'sent')
    } finally {
      await w.h.db.db.updateTable('wabas').set({ graph_url: w.h.emulator.url }).execute()
      await canned.close()
    }
  })
})
