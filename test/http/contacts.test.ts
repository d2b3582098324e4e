import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { testDbKind } from '../helpers/db.ts'
import {
  type ApiAnswer,
  type Harness,
  type Onboarded,
  onboardSeed,
  startHarness,
} from '../helpers/harness.ts'
import { waitFor } from '../helpers/wait.ts'

// The contact panel over the API (SPEC §13, issue 16): names, attributes, number history,
// conversations on every number, block / unblock through Meta's Block Users API (the emulator's).

type Contact = {
  id: string
  name: string | null
  profileName: string | null
  waId: string | null
  attributes: Record<string, string>
  blockedAt: number | null
  numberHistory: { oldWaId: string; newWaId: string }[]
  conversations: { id: string; numberId: string }[]
}
type Conversation = { id: string; contact: { id: string; waId: string; name: string | null } }

describe(`contact panel (${testDbKind})`, () => {
  let h: Harness
  let seed: Onboarded
  const api = (method: string, path: string, body?: unknown, key = seed.acme.key): Promise<ApiAnswer> =>
    h.api(method, path, { key, body })
  const ok = async <T>(answer: Promise<ApiAnswer>, what: string): Promise<T> => {
    const res = await answer
    assert.ok(res.status >= 200 && res.status < 300, `${what}: ${res.status} ${res.text}`)
    return res.body as T
  }
  async function writes(waId: string, message: unknown = { type: 'text', text: { body: `hola ${waId}` } }) {
    h.emulator.control.customerSends(waId, message, { phoneNumberId: seed.acme.phoneNumberId })
  }
  const conversationOf = (waId: string) =>
    waitFor(`${waId}'s conversation`, async () => {
      const list = await ok<{ conversations: Conversation[] }>(
        api('GET', '/api/v1/conversations?limit=200'),
        'list',
      )
      return list.conversations.find((c) => c.contact.waId === waId)
    })

  before(async () => {
    h = await startHarness()
    seed = await onboardSeed(h)
  })
  after(async () => {
    await h.close()
  })

  test('the panel shows the contact’s ids and conversations; a name and attributes are editable', async () => {
    h.emulator.control.addCustomer({ wa_id: '5215550001111', name: 'Marta Ruiz' })
    await writes('5215550001111')
    const conversation = await conversationOf('5215550001111')
    const contact = await ok<Contact>(api('GET', `/api/v1/contacts/${conversation.contact.id}`), 'panel')
    assert.equal(contact.waId, '5215550001111')
    assert.equal(contact.profileName, 'Marta Ruiz')
    assert.deepEqual(
      contact.conversations.map((c) => c.id),
      [conversation.id],
    )

    const edited = await ok<Contact>(
      api('PATCH', `/api/v1/contacts/${contact.id}`, {
        name: 'Marta (panadería Centro)',
        attributes: { plan: 'wholesale', city: 'CDMX' },
      }),
      'edit',
    )
    assert.equal(edited.name, 'Marta (panadería Centro)')
    assert.deepEqual(edited.attributes, { plan: 'wholesale', city: 'CDMX' })
    const again = await ok<Contact>(
      api('PATCH', `/api/v1/contacts/${contact.id}`, { attributes: { city: null } }),
      'remove',
    )
    assert.deepEqual(again.attributes, { plan: 'wholesale' }, 'a null value removes the attribute')
    const listed = await conversationOf('5215550001111')
    assert.equal(listed.contact.name, 'Marta (panadería Centro)', "the inbox shows the team's name")

    const bad = await api('PATCH', `/api/v1/contacts/${contact.id}`, {
      attributes: { plan: 'x'.repeat(501) },
    })
    assert.equal(bad.status, 400, bad.text)
    assert.match(bad.text, /attributes/)
    const other = await api('GET', `/api/v1/contacts/${contact.id}`, undefined, seed.globex.key)
    assert.equal(other.status, 404, "globex cannot read acme's contact")
  })

  test('a user_changed_number links the old and new number in the history', async () => {
    h.emulator.control.addCustomer({ wa_id: '5215550002222', name: 'Pablo' })
    await writes('5215550002222')
    const before = await conversationOf('5215550002222')
    await writes('5215550002222', {
      type: 'system',
      system: {
        body: 'Pablo changed their phone number',
        type: 'user_changed_number',
        wa_id: '5215550003333',
      },
    })
    const contact = await waitFor('the number change', async () => {
      const c = await ok<Contact>(api('GET', `/api/v1/contacts/${before.contact.id}`), 'panel')
      return c.numberHistory.length > 0 ? c : undefined
    })
    assert.deepEqual(
      contact.numberHistory.map((h) => [h.oldWaId, h.newWaId]),
      [['5215550002222', '5215550003333']],
    )
    assert.equal(contact.waId, '5215550003333')
  })

  test('block and unblock go through Meta’s Block Users API on the contact’s numbers', async () => {
    h.emulator.control.addCustomer({ wa_id: '5215550004444', name: 'Spam Bot' })
    await writes('5215550004444')
    const conversation = await conversationOf('5215550004444')
    const blocked = await ok<{ contact: Contact; results: { ok: boolean; phoneNumberId: string }[] }>(
      api('POST', `/api/v1/contacts/${conversation.contact.id}/block`),
      'block',
    )
    assert.deepEqual(
      blocked.results.map((r) => [r.phoneNumberId, r.ok]),
      [[seed.acme.phoneNumberId, true]],
    )
    assert.ok(blocked.contact.blockedAt, 'the contact is marked blocked')
    const calls = h.emulator.control
      .ledger({ kind: 'graph' })
      .filter((e) => e.kind === 'graph' && e.path.includes('block_users'))
    assert.equal(calls.length, 1)
    assert.equal(calls[0].kind === 'graph' && calls[0].method, 'POST')

    const unblocked = await ok<{ contact: Contact }>(
      api('POST', `/api/v1/contacts/${conversation.contact.id}/unblock`),
      'unblock',
    )
    assert.equal(unblocked.contact.blockedAt, null)
  })

  test('Meta refuses to block a user who has not written in 24 hours: the reason is shown per number', async () => {
    h.emulator.control.addCustomer({ wa_id: '5215550005555', name: 'Old Friend' })
    await writes('5215550005555')
    const conversation = await conversationOf('5215550005555')
    h.emulator.control.updateCustomer('5215550005555', { last_inbound_at: Date.now() - 2 * 24 * 3600_000 })
    const res = await ok<{ contact: Contact; results: { ok: boolean; error: string | null }[] }>(
      api('POST', `/api/v1/contacts/${conversation.contact.id}/block`),
      'block',
    )
    assert.equal(res.results[0].ok, false)
    assert.match(res.results[0].error ?? '', /24 hours/)
    assert.equal(res.contact.blockedAt, null, 'not blocked anywhere: not marked blocked')
  })
})
