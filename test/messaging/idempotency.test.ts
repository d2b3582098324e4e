import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { testDbKind } from '../helpers/db.ts'
import {
  customerWrites,
  errorOf,
  graphSends,
  joao,
  lucia,
  type SendWorld,
  send,
  settled,
  startSendWorld,
  waitStatus,
} from './helpers.ts'

// Durable outbox and Idempotency-Key (SPEC §6): a retried request returns the first answer
// instead of sending twice; a different body with the same key is refused; keys are per
// tenant; `?wait=` answers once Meta has.

describe(`idempotency keys and ?wait (${testDbKind})`, () => {
  let w: SendWorld

  before(async () => {
    w = await startSendWorld()
    await customerWrites(w, lucia)
  })
  after(async () => {
    await w.h.close()
  })

  const body = (text: string) => ({ to: lucia, type: 'text', text: { body: text } })
  const withKey = (key: string) => ({ headers: { 'idempotency-key': key } })

  test('the same key and body returns the first answer; the message is queued and sent once', async () => {
    const first = await send(w, body('pedido 1'), withKey('order-1'))
    assert.equal(first.status, 202, first.text)
    assert.equal(first.headers.get('idempotent-replayed'), null)
    const again = await send(w, body('pedido 1'), withKey('order-1'))
    assert.equal(again.status, 202, again.text)
    assert.equal(again.headers.get('idempotent-replayed'), 'true')
    assert.deepEqual(again.body, first.body)
    const id = (first.body as { id: string }).id
    await waitStatus(w, id, ['sent', 'delivered', 'read'])
    await settled(w)
    const rows = await w.h.db.db.selectFrom('messages').select('id').where('direction', '=', 'out').execute()
    assert.equal(rows.length, 1)
    assert.equal(
      graphSends(w).filter((e) => (e.body as { text?: { body: string } } | null)?.text?.body === 'pedido 1')
        .length,
      1,
    )
    // Still the first answer once the message has gone (a retry after a lost response).
    const later = await send(w, body('pedido 1'), withKey('order-1'))
    assert.deepEqual(later.body, first.body)
  })

  test('the same key with a different body is idempotency_key_reused (422), explained', async () => {
    const res = await send(w, body('pedido distinto'), withKey('order-1'))
    assert.equal(res.status, 422, res.text)
    const error = errorOf(res)
    assert.equal(error.code, 'idempotency_key_reused')
    assert.match(error.message, /different request body/)
  })

  test('keys belong to one tenant: another tenant’s same key is a new message', async () => {
    await customerWrites(w, lucia, w.seed.globex.phoneNumberId)
    const res = await send(w, body('pedido 1'), { key: w.seed.globex.key, ...withKey('order-1') })
    assert.equal(res.status, 202, res.text)
    assert.notEqual((res.body as { id: string }).id, undefined)
    assert.equal(res.headers.get('idempotent-replayed'), null)
  })

  test('ten concurrent requests with one key make one message', async () => {
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => send(w, body('concurrente'), withKey('burst-1'))),
    )
    for (const a of answers) assert.equal(a.status, 202, a.text)
    const ids = new Set(answers.map((a) => (a.body as { id: string }).id))
    assert.equal(ids.size, 1)
    await settled(w)
    assert.equal(
      graphSends(w).filter(
        (e) => (e.body as { text?: { body: string } } | null)?.text?.body === 'concurrente',
      ).length,
      1,
    )
  })

  test('a refused request does not use up its key: corrected, it goes through', async () => {
    const refused = await send(w, { to: joao, type: 'text', text: { body: 'Olá' } }, withKey('joao-1'))
    assert.equal(errorOf(refused).code, 'window_closed')
    await customerWrites(w, joao)
    const ok = await send(w, { to: joao, type: 'text', text: { body: 'Olá' } }, withKey('joao-1'))
    assert.equal(ok.status, 202, ok.text)
  })

  test('?wait=SECONDS answers once Meta has, with the wamid', async () => {
    const res = await send(w, body('con espera'), { query: '?wait=10' })
    assert.equal(res.status, 200, res.text)
    const answer = res.body as { status: string; wamid: string | null }
    assert.ok(['sent', 'delivered', 'read'].includes(answer.status), answer.status)
    assert.match(String(answer.wamid), /^wamid\./)
    // A failure is answered too, explained.
    const failed = await send(
      w,
      { to: '447700900123', type: 'template', template: { name: 'hello_world', language: 'en_US' } },
      { query: '?wait=10' },
    )
    assert.equal(failed.status, 200, failed.text)
    // 131026 arrives by webhook after Meta accepted it: `sent` first, then failed.
    assert.ok(['sent', 'failed'].includes((failed.body as { status: string }).status))
    // Bounded: more than 30 s is refused by the schema.
    const tooLong = await send(w, body('x'), { query: '?wait=600' })
    assert.equal(tooLong.status, 400)
  })
})
