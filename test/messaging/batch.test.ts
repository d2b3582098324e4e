import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { testDbKind } from '../helpers/db.ts'
import type { ApiAnswer } from '../helpers/harness.ts'
import {
  customerWrites,
  graphSends,
  joao,
  lucia,
  type SendWorld,
  settled,
  startSendWorld,
  waitStatus,
} from './helpers.ts'

// Bulk send (POST /api/v1/messages/batch, enqueueMany; decision 0075): every element judged
// like a single send, refused ones naming `messages[i].field`, the accepted ones queued together
// and sent in order per recipient; idempotency per element.

type Queued = { index: number; ok: true; id: string; status: string; to: string; replayed: boolean }
type Refused = {
  index: number
  ok: false
  field: string | null
  error: { code: string; message: string; fix: string; details?: unknown }
}
type BatchAnswer = { queued: number; refused: number; results: (Queued | Refused)[] }

const hello = (to: string) => ({ to, type: 'template', template: { name: 'hello_world', language: 'en_US' } })
const text = (to: string, body: string) => ({ to, type: 'text', text: { body } })

describe(`bulk send (${testDbKind})`, () => {
  let w: SendWorld

  before(async () => {
    w = await startSendWorld()
    await customerWrites(w, lucia)
  })
  after(async () => {
    await w.h.close()
  })

  const batch = (messages: unknown[], headers?: Record<string, string>): Promise<ApiAnswer> =>
    w.h.api('POST', '/api/v1/messages/batch', { key: w.key, body: { messages }, headers })

  async function batchOk(messages: unknown[], headers?: Record<string, string>): Promise<BatchAnswer> {
    const res = await batch(messages, headers)
    assert.equal(res.status, 200, `the bulk call itself should be accepted: ${res.text}`)
    return res.body as BatchAnswer
  }

  test('each element is queued or refused on its own; refusals name messages[i].field', async () => {
    const answer = await batchOk([
      hello('34600000001'),
      { type: 'text', text: { body: 'no recipient' } },
      text('34600000002', 'window never opened'),
      hello('12'),
      text(lucia, 'hola Lucía'),
      { ...hello('34600000003'), template: { name: 'no_such_template', language: 'en_US' } },
    ])
    assert.equal(answer.queued, 2, `two elements are sendable: ${JSON.stringify(answer)}`)
    assert.equal(answer.refused, 4)
    assert.deepEqual(
      answer.results.map((r) => r.index),
      [0, 1, 2, 3, 4, 5],
      'one result per element, in order',
    )
    const refused = Object.fromEntries(
      answer.results.filter((r): r is Refused => !r.ok).map((r) => [r.index, r]),
    )
    assert.equal(refused[1].error.code, 'validation_failed')
    assert.equal(refused[1].field, 'messages[1].to', 'a missing recipient names messages[1].to')
    assert.match(refused[1].error.message, /messages\[1\]\.to/)
    assert.equal(refused[2].error.code, 'window_closed', 'free text to a customer who never wrote is refused')
    assert.equal(refused[2].field, 'messages[2].type')
    assert.equal(refused[3].error.code, 'invalid_recipient')
    assert.equal(refused[3].field, 'messages[3].to')
    assert.equal(refused[5].error.code, 'template_not_found')
    assert.equal(refused[5].field, 'messages[5].template')

    const queued = answer.results.filter((r): r is Queued => r.ok)
    for (const q of queued) await waitStatus(w, q.id, ['sent', 'delivered', 'read'])
    const rows = await w.h.db.db
      .selectFrom('messages')
      .select(['id', 'status'])
      .where('direction', '=', 'out')
      .execute()
    assert.equal(rows.length, 2, 'nothing is written for a refused element')
    const history = await w.h.db.db
      .selectFrom('message_transitions')
      .select(['message_id'])
      .where('status', '=', 'queued')
      .execute()
    assert.equal(history.length, 2, 'each queued message has its queued history row')
    const conversation = await w.h.db.db
      .selectFrom('conversations as c')
      .innerJoin('contacts as ct', 'ct.id', 'c.contact_id')
      .select(['c.last_message_preview'])
      .where('ct.wa_id', '=', lucia)
      .executeTakeFirstOrThrow()
    assert.equal(
      conversation.last_message_preview,
      'hola Lucía',
      "the thread's preview shows the bulk message",
    )
  })

  test("one recipient's messages leave in the order of the call", async () => {
    await settled(w)
    w.h.emulator.control.clearLedger()
    const bodies = ['uno', 'dos', 'tres', 'cuatro']
    const answer = await batchOk([...bodies.map((b) => text(lucia, b)), hello(joao), hello('34600000004')])
    assert.equal(answer.queued, 6, JSON.stringify(answer))
    await settled(w)
    const toLucia = graphSends(w)
      .filter((e) => (e.body as { to?: string }).to === lucia)
      .map((e) => (e.body as { text?: { body: string } }).text?.body)
    assert.deepEqual(toLucia, bodies, "Meta received Lucía's messages in the call's order")
  })

  test('idempotency is per element: a repeated call replays each answer and sends nothing again', async () => {
    await settled(w)
    w.h.emulator.control.clearLedger()
    const messages = [
      { ...hello('34600000010'), idempotency_key: 'campaign-7/a' },
      { ...hello('34600000011'), idempotency_key: 'campaign-7/b' },
    ]
    const first = await batchOk(messages)
    assert.equal(first.queued, 2, JSON.stringify(first))
    assert.ok(
      first.results.every((r) => r.ok && !r.replayed),
      'first call: queued, not replayed',
    )
    const again = await batchOk([...messages, { ...hello('34600000012'), idempotency_key: 'campaign-7/c' }])
    assert.equal(again.queued, 3, JSON.stringify(again))
    const [a, b, c] = again.results as Queued[]
    assert.equal(a.id, (first.results[0] as Queued).id, 'a repeated element answers with its first id')
    assert.equal(b.id, (first.results[1] as Queued).id)
    assert.ok(a.replayed && b.replayed, 'the repeated elements say replayed')
    assert.equal(c.replayed, false, 'the new element is queued')
    await settled(w)
    assert.equal(graphSends(w).length, 3, 'each message reached Meta once')

    const changed = await batchOk([{ ...text(lucia, 'otro'), idempotency_key: 'campaign-7/a' }])
    const refused = changed.results[0] as Refused
    assert.equal(refused.error.code, 'idempotency_key_reused', 'the same key with another body is refused')
    assert.equal(refused.field, 'messages[0].idempotency_key')
  })

  test('an Idempotency-Key header keys each element by its index; a key repeated within a call is one message', async () => {
    await settled(w)
    w.h.emulator.control.clearLedger()
    const messages = [hello('34600000020'), hello('34600000021')]
    const first = await batchOk(messages, { 'idempotency-key': 'launch-9' })
    const again = await batchOk(messages, { 'idempotency-key': 'launch-9' })
    assert.deepEqual(
      (again.results as Queued[]).map((r) => r.id),
      (first.results as Queued[]).map((r) => r.id),
      'the same call with the same header returns the same messages',
    )
    const dup = await batchOk([
      { ...hello('34600000022'), idempotency_key: 'same' },
      { ...hello('34600000022'), idempotency_key: 'same' },
      { ...hello('34600000023'), idempotency_key: 'same' },
    ])
    const [x, y, z] = dup.results
    assert.ok(x.ok && y.ok, JSON.stringify(dup))
    assert.equal((y as Queued).id, (x as Queued).id, 'the second element with the key is the first message')
    assert.equal((y as Queued).replayed, true)
    assert.equal(z.ok, false, 'the same key with another body in one call is refused')
    await settled(w)
    assert.equal(graphSends(w).length, 3, 'three messages reached Meta: two by header, one by the shared key')
  })

  test('a malformed call is refused as a whole, naming the field', async () => {
    const empty = await batch([])
    assert.equal(empty.status, 400, empty.text)
    assert.match(empty.text, /messages/, 'the error names `messages`')
    const tooMany = await batch(
      Array.from({ length: 1001 }, (_, i) => hello(`346000${String(i).padStart(5, '0')}`)),
    )
    assert.equal(tooMany.status, 400, tooMany.text)
    assert.match(tooMany.text, /messages/)
    const notObjects = await batch(['hello'])
    assert.equal(notObjects.status, 400, notObjects.text)
  })

  test('a tenant key cannot send from another tenant’s number; other elements still go', async () => {
    const answer = await batchOk([
      hello('34600000030'),
      { ...hello('34600000031'), from: w.seed.globex.phoneNumberId },
    ])
    assert.equal(answer.results[0].ok, true, JSON.stringify(answer))
    const refused = answer.results[1] as Refused
    assert.equal(refused.error.code, 'number_not_allowed')
    assert.equal(refused.field, 'messages[1].from')
  })
})
