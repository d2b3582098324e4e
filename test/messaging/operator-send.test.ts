import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { testDbKind } from '../helpers/db.ts'
import { type Harness, type Onboarded, onboardSeed, startHarness } from '../helpers/harness.ts'
import { waitFor } from '../helpers/wait.ts'

// An operator (an admin in the dashboard, an operator key) replies for the tenant that owns the
// number it sends from; a tenant key still acts only for its own tenant.
describe(`operators send for the tenant of the number (${testDbKind})`, () => {
  let h: Harness
  let seed: Onboarded
  let customer: string
  before(async () => {
    h = await startHarness()
    seed = await onboardSeed(h)
    customer = h.emulator.seed.customers.find((c) => c.wa_id !== '')!.wa_id
    h.emulator.control.customerSends(
      customer,
      { type: 'text', text: { body: 'hola' } },
      { phoneNumberId: seed.acme.phoneNumberId },
    )
    await waitFor('the inbound message', async () => {
      const res = await h.api('GET', '/api/v1/conversations', { key: seed.acme.key })
      return ((res.body as { conversations: unknown[] }).conversations ?? []).length > 0
    })
  })
  after(async () => {
    await h.close()
  })

  test("an operator key sending from acme's number queues the message in acme's conversation", async () => {
    const res = await h.api('POST', '/api/v1/messages', {
      key: h.adminKey,
      body: {
        from: seed.acme.phoneNumberId,
        to: customer,
        type: 'text',
        text: { body: 'Sí, abrimos a las 9.' },
      },
    })
    assert.equal(res.status, 202, res.text)
    const id = (res.body as { id: string }).id
    const mine = await h.api('GET', `/api/v1/messages/${id}`, { key: seed.acme.key })
    assert.equal(mine.status, 200, 'the message belongs to acme')
    const theirs = await h.api('GET', `/api/v1/messages/${id}`, { key: seed.globex.key })
    assert.equal(theirs.status, 404, 'and not to globex')
  })

  test('an operator must say which number it sends from', async () => {
    const res = await h.api('POST', '/api/v1/messages', {
      key: h.adminKey,
      body: { to: customer, type: 'text', text: { body: 'sin from' } },
    })
    assert.equal(res.status, 400)
    assert.match((res.body as { error: { message: string } }).error.message, /from/)
  })

  test("a tenant key cannot send from another tenant's number", async () => {
    const res = await h.api('POST', '/api/v1/messages', {
      key: seed.globex.key,
      body: { from: seed.acme.phoneNumberId, to: customer, type: 'text', text: { body: 'no' } },
    })
    assert.equal(res.status, 403, res.text)
  })
})
