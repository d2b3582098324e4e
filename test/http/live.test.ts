import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { recordEvent } from '../../src/events/events-repo.ts'
import { createLogger } from '../../src/log.ts'
import { startWahub } from '../../src/wahub.ts'
import { testDbKind } from '../helpers/db.ts'
import { type Harness, type Onboarded, onboardSeed, startHarness } from '../helpers/harness.ts'
import { waitFor } from '../helpers/wait.ts'

// GET /api/v1/live (src/http/routes/live/live.ts): the dashboard's Server-Sent Events, read from the
// events table — so a stream on one instance carries what another instance recorded — scoped to
// the caller's tenant, resumable after Last-Event-ID.

type Frame = { id: number; kind: string; tenantId: string | null; payload: Record<string, unknown> }

/** Opens an SSE stream and collects its frames until `close()`. */
async function openStream(baseUrl: string, key: string, headers: Record<string, string> = {}) {
  const controller = new AbortController()
  const res = await fetch(`${baseUrl}/api/v1/live`, {
    headers: { authorization: `Bearer ${key}`, accept: 'text/event-stream', ...headers },
    signal: controller.signal,
  })
  const frames: Frame[] = []
  let raw = ''
  const reading = (async () => {
    if (!res.body) return
    const decoder = new TextDecoder()
    try {
      for await (const chunk of res.body) {
        raw += decoder.decode(chunk as Uint8Array, { stream: true })
        let end = raw.indexOf('\n\n')
        while (end >= 0) {
          const block = raw.slice(0, end)
          raw = raw.slice(end + 2)
          const data = block.split('\n').find((l) => l.startsWith('data: '))
          if (data) frames.push(JSON.parse(data.slice(6)) as Frame)
          end = raw.indexOf('\n\n')
        }
      }
    } catch {
      // aborted
    }
  })()
  return {
    res,
    frames,
    async close() {
      controller.abort()
      await reading
    },
  }
}

describe(`live updates over SSE (${testDbKind})`, () => {
  let h: Harness
  let seed: Onboarded
  before(async () => {
    h = await startHarness()
    seed = await onboardSeed(h)
  })
  after(async () => {
    await h.close()
  })

  const lucia = '34612345678'
  const sheena = '16505551234'

  test('without credentials the stream is refused', async () => {
    const res = await fetch(`${h.url}/api/v1/live`, { headers: { accept: 'text/event-stream' } })
    assert.equal(res.status, 401)
  })

  test("a tenant's stream carries its own tenant's new messages only", async () => {
    const acme = await openStream(h.url, seed.acme.key)
    const globex = await openStream(h.url, seed.globex.key)
    try {
      assert.equal(acme.res.status, 200)
      assert.match(acme.res.headers.get('content-type') ?? '', /text\/event-stream/)
      h.emulator.control.customerSends(
        lucia,
        { type: 'text', text: { body: 'to acme' } },
        {
          phoneNumberId: seed.acme.phoneNumberId,
        },
      )
      h.emulator.control.customerSends(
        sheena,
        { type: 'text', text: { body: 'to globex' } },
        {
          phoneNumberId: seed.globex.phoneNumberId,
        },
      )
      await waitFor(
        'acme and globex each see a message',
        () =>
          acme.frames.some((f) => f.kind === 'message.received') &&
          globex.frames.some((f) => f.kind === 'message.received'),
      )
      assert.ok(
        acme.frames.every((f) => f.tenantId === seed.acme.id),
        JSON.stringify(acme.frames),
      )
      assert.ok(
        globex.frames.every((f) => f.tenantId === seed.globex.id),
        JSON.stringify(globex.frames),
      )
      const ids = acme.frames.map((f) => f.id)
      assert.deepEqual(
        ids,
        [...ids].sort((a, b) => a - b),
        'in order',
      )
    } finally {
      await acme.close()
      await globex.close()
    }
  })

  test('an event recorded by another instance reaches this one; a reconnect resumes after Last-Event-ID', async () => {
    const handle = await h.db.connectAgain()
    const second = await startWahub(
      { ...h.wahub.config, port: 0 },
      {
        log: createLogger('silent'),
        handle,
        workers: false,
      },
    )
    try {
      const stream = await openStream(second.url, seed.acme.key)
      // The first instance records it (its workers process the webhook).
      h.emulator.control.customerSends(
        lucia,
        { type: 'text', text: { body: 'seen everywhere' } },
        {
          phoneNumberId: seed.acme.phoneNumberId,
        },
      )
      await waitFor('the second instance streams the first one’s event', () =>
        stream.frames.find((f) => f.kind === 'message.received'),
      )
      const last = stream.frames[stream.frames.length - 1].id
      await stream.close()

      // Meanwhile two more events; the reconnect gets exactly those, in order.
      await recordEvent(h.db.db, { tenantId: seed.acme.id, kind: 'number.quality', payload: { n: 1 } })
      await recordEvent(h.db.db, { tenantId: seed.globex.id, kind: 'number.quality', payload: { n: 2 } })
      await recordEvent(h.db.db, { tenantId: seed.acme.id, kind: 'number.quality', payload: { n: 3 } })
      const resumed = await openStream(second.url, seed.acme.key, { 'last-event-id': String(last) })
      try {
        await waitFor('the missed events', () => resumed.frames.length >= 2)
        assert.deepEqual(
          resumed.frames.map((f) => f.payload.n),
          [1, 3],
        )
      } finally {
        await resumed.close()
      }
    } finally {
      await second.close()
      await handle.close()
    }
  })

  test('on PostgreSQL another instance’s event wakes this one by LISTEN/NOTIFY, not by its poll', {
    skip: testDbKind === 'sqlite' ? 'one process owns a SQLite file: polling is the mechanism there' : false,
  }, async () => {
    const handle = await h.db.connectAgain()
    const second = await startWahub(
      { ...h.wahub.config, port: 0 },
      { log: createLogger('silent'), handle, workers: false },
    )
    const metric = async (name: string, labels: Record<string, string> = {}) => {
      const found = (await second.metrics.registry.getSingleMetric(name)?.get())?.values.find((v) =>
        Object.entries(labels).every(([k, val]) => v.labels[k] === val),
      )
      return found?.value ?? 0
    }
    try {
      const stream = await openStream(second.url, seed.acme.key)
      await waitFor(
        'the second instance LISTENing (wahub_live_listening 1)',
        async () => (await metric('wahub_live_listening')) === 1,
      )
      const byNotify = await metric('wahub_live_events_total', { wake: 'notify' })
      const byPoll = await metric('wahub_live_events_total', { wake: 'poll' })
      // Recorded through the first instance's own pool: only the database connects the two.
      await recordEvent(h.db.db, {
        tenantId: seed.acme.id,
        kind: 'number.quality',
        payload: { n: 'notified' },
      })
      await waitFor('the event on the second instance’s stream', () =>
        stream.frames.some((f) => f.payload.n === 'notified'),
      )
      await stream.close()
      assert.equal(
        await metric('wahub_live_events_total', { wake: 'notify' }),
        byNotify + 1,
        'the read that found the event was woken by the NOTIFY of its commit',
      )
      assert.equal(await metric('wahub_live_events_total', { wake: 'poll' }), byPoll, 'no poll was needed')
    } finally {
      await second.close()
      await handle.close()
    }
  })

  test('without an event-stream Accept it answers one JSON page to poll from', async () => {
    const start = await h.api('GET', '/api/v1/live', { key: seed.acme.key })
    assert.equal(start.status, 200)
    const { events, lastId } = start.body as { events: unknown[]; lastId: number }
    assert.deepEqual(events, [])
    await recordEvent(h.db.db, { tenantId: seed.acme.id, kind: 'template.status', payload: { n: 4 } })
    await recordEvent(h.db.db, { tenantId: seed.globex.id, kind: 'template.status', payload: { n: 5 } })
    const page = await h.api('GET', `/api/v1/live?after=${lastId}`, { key: seed.acme.key })
    const body = page.body as { events: Frame[]; lastId: number }
    assert.deepEqual(
      body.events.map((e) => e.payload.n),
      [4],
    )
    assert.ok(body.lastId > lastId)
    assert.equal((await h.api('GET', '/api/v1/live?after=soon', { key: seed.acme.key })).status, 400)
    const operator = await h.api('GET', `/api/v1/live?after=${lastId}`, { key: h.adminKey })
    assert.equal((operator.body as { events: Frame[] }).events.length, 2, 'an operator sees every tenant')
  })

  test('closing the server ends the open streams', async () => {
    const handle = await h.db.connectAgain()
    const third = await startWahub(
      { ...h.wahub.config, port: 0 },
      {
        log: createLogger('silent'),
        handle,
        workers: false,
      },
    )
    const stream = await openStream(third.url, seed.acme.key)
    assert.equal(stream.res.status, 200)
    await third.close() // would hang on an open stream
    await handle.close()
    await stream.close()
  })

  // Last: its ids far above the sequence would hide later rows from the JSON page's cursor.
  test('a row that becomes visible after a higher id (transactions committing out of order) still streams', async () => {
    const stream = await openStream(h.url, seed.acme.key)
    try {
      await waitFor('the stream open', () => stream.res.status === 200)
      const newest = await h.db.db
        .selectFrom('events')
        .select((eb) => eb.fn.max('id').as('id'))
        .executeTakeFirstOrThrow()
      const base = Number(newest.id) + 1000 // far above the sequence: no later insert collides
      const row = (id: number, n: number) => ({
        id,
        tenant_id: seed.acme.id,
        kind: 'number.quality',
        subject_id: null,
        payload: JSON.stringify({ n }),
        created_at: Date.now(),
      })
      await h.db.db
        .insertInto('events')
        .values(row(base + 2, 2))
        .execute()
      await waitFor('the higher id', () => stream.frames.some((f) => f.payload.n === 2))
      await h.db.db
        .insertInto('events')
        .values(row(base + 1, 1))
        .execute() // "commits" later
      await waitFor('the lower id, after it', () => stream.frames.some((f) => f.payload.n === 1))
      assert.equal(stream.frames.filter((f) => f.payload.n === 2).length, 1, 'each event once')
    } finally {
      await stream.close()
    }
  })
})
