import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { createUser } from '../../src/accounts/users.ts'
import { testDbKind } from '../helpers/db.ts'
import {
  type ApiAnswer,
  type Harness,
  type Onboarded,
  onboardSeed,
  startHarness,
} from '../helpers/harness.ts'
import { waitFor } from '../helpers/wait.ts'

// Private notes with @mentions, labels and canned replies over the API (SPEC §13, issue 16).

type Conversation = {
  id: string
  labels: { id: string; name: string; color: string }[]
  contact: { waId: string }
}
type Note = {
  id: string
  kind: string
  body: string
  actorUserId: string | null
  data: { mentions: string[] }
}
type Notification = {
  id: string
  conversationId: string
  activityId: string
  noteBody: string
  byUserId: string
}
type Agent = { id: string; headers: Record<string, string> }

describe(`team inbox: notes, labels, canned replies (${testDbKind})`, () => {
  let h: Harness
  let seed: Onboarded
  let ana: Agent
  let ben: Agent
  let gus: Agent
  let conversation: Conversation

  async function agent(email: string, tenant: string): Promise<Agent> {
    const { user } = await createUser(
      h.db.db,
      { email, role: 'agent', tenant, password: 'agent password 123' },
      'test',
    )
    const res = await h.api('POST', '/api/v1/auth/login', { body: { email, password: 'agent password 123' } })
    assert.equal(res.status, 200, res.text)
    const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0]
    return { id: user.id, headers: { cookie, 'x-csrf-token': (res.body as { csrfToken: string }).csrfToken } }
  }
  const as = (who: Agent | string, method: string, path: string, body?: unknown): Promise<ApiAnswer> =>
    typeof who === 'string'
      ? h.api(method, path, { key: who, body })
      : h.api(method, path, { headers: who.headers, body })
  const ok = async <T>(answer: Promise<ApiAnswer>, what: string): Promise<T> => {
    const res = await answer
    assert.ok(res.status >= 200 && res.status < 300, `${what}: ${res.status} ${res.text}`)
    return res.body as T
  }
  const refused = async (answer: Promise<ApiAnswer>, status: number, field: RegExp) => {
    const res = await answer
    assert.equal(res.status, status, res.text)
    assert.match((res.body as { error: { message: string } }).error.message, field)
  }

  before(async () => {
    h = await startHarness()
    seed = await onboardSeed(h)
    ana = await agent('ana@acme.example', 'acme')
    ben = await agent('ben.soto@acme.example', 'acme')
    gus = await agent('gus@globex.example', 'globex')
    const lucia = h.emulator.seed.customers[0].wa_id
    h.emulator.control.customerSends(
      lucia,
      { type: 'text', text: { body: 'Hola, ¿tienen pan sin gluten?' } },
      { phoneNumberId: seed.acme.phoneNumberId },
    )
    conversation = await waitFor("Lucía's conversation", async () => {
      const list = await ok<{ conversations: Conversation[] }>(
        as(ana, 'GET', '/api/v1/conversations'),
        'list',
      )
      return list.conversations[0]
    })
  })
  after(async () => {
    await h.close()
  })

  test('a note mentioning a teammate is in the thread’s activity and notifies only them', async () => {
    const note = await ok<Note>(
      as(ana, 'POST', `/api/v1/conversations/${conversation.id}/notes`, {
        body: '@ben.soto can you check gluten-free stock? cc @nobody',
      }),
      'note',
    )
    assert.equal(note.kind, 'note')
    assert.equal(note.actorUserId, ana.id)
    assert.deepEqual(note.data.mentions, [ben.id], '@ben.soto is Ben; @nobody is no one')

    const activity = await ok<{ activity: Note[] }>(
      as(ben, 'GET', `/api/v1/conversations/${conversation.id}/activity`),
      'activity',
    )
    assert.equal(activity.activity[0].id, note.id)

    const bens = await ok<{ notifications: Notification[]; unread: number }>(
      as(ben, 'GET', '/api/v1/notifications'),
      "Ben's notifications",
    )
    assert.equal(bens.unread, 1)
    assert.equal(bens.notifications[0].conversationId, conversation.id)
    assert.equal(bens.notifications[0].byUserId, ana.id)
    assert.match(bens.notifications[0].noteBody, /gluten-free/)
    const anas = await ok<{ unread: number }>(as(ana, 'GET', '/api/v1/notifications'), "Ana's notifications")
    assert.equal(anas.unread, 0, 'the author is not notified')

    const other = await as(gus, 'POST', `/api/v1/notifications/${bens.notifications[0].id}/read`)
    assert.equal(other.status, 404, "Gus cannot mark Ben's notification")
    await ok(as(ben, 'POST', `/api/v1/notifications/${bens.notifications[0].id}/read`), 'read')
    const after = await ok<{ unread: number }>(as(ben, 'GET', '/api/v1/notifications'), 'again')
    assert.equal(after.unread, 0)
  })

  test('a note is never sent to WhatsApp', async () => {
    await ok(
      as(ana, 'POST', `/api/v1/conversations/${conversation.id}/notes`, { body: 'internal only' }),
      'note',
    )
    const graph = h.emulator.control.ledger({ kind: 'graph' })
    assert.ok(
      !graph.some((e) => JSON.stringify(e).includes('internal only')),
      'no Graph request carried the note',
    )
  })

  test('bad notes are refused naming the field', async () => {
    await refused(
      as(ana, 'POST', `/api/v1/conversations/${conversation.id}/notes`, { body: '' }),
      400,
      /body/,
    )
    await refused(
      as(ana, 'POST', `/api/v1/conversations/${conversation.id}/notes`, { body: 'x', mentions: [gus.id] }),
      400,
      /^mentions/,
    )
    const res = await as(gus, 'POST', `/api/v1/conversations/${conversation.id}/notes`, { body: 'peek' })
    assert.equal(res.status, 404, "globex's agent cannot write in acme's conversation")
  })

  test('labels: created per tenant, set on a conversation, shown in the list and filterable', async () => {
    const vip = await ok<{ id: string }>(
      as(ana, 'POST', '/api/v1/labels', { name: 'VIP', color: '#E53935' }),
      'vip',
    )
    await ok(as(ben, 'POST', '/api/v1/labels', { name: 'Wholesale', color: '#1e88e5' }), 'wholesale')
    await refused(as(ana, 'POST', '/api/v1/labels', { name: 'VIP', color: '#000000' }), 409, /VIP/)
    await refused(as(ana, 'POST', '/api/v1/labels', { name: 'Red', color: 'red' }), 400, /color/)

    const labelled = await ok<Conversation>(
      as(ana, 'PUT', `/api/v1/conversations/${conversation.id}/labels`, { labels: [vip.id, 'Wholesale'] }),
      'set labels',
    )
    assert.deepEqual(
      labelled.labels.map((l) => [l.name, l.color]),
      [
        ['VIP', '#e53935'],
        ['Wholesale', '#1e88e5'],
      ],
    )
    const byLabel = await ok<{ conversations: Conversation[] }>(
      as(ben, 'GET', '/api/v1/conversations?label=VIP'),
      'filter',
    )
    assert.deepEqual(
      byLabel.conversations.map((c) => c.id),
      [conversation.id],
    )
    const activity = await ok<{ activity: { kind: string; data: unknown }[] }>(
      as(ben, 'GET', `/api/v1/conversations/${conversation.id}/activity`),
      'activity',
    )
    assert.deepEqual(activity.activity[0], {
      ...activity.activity[0],
      kind: 'labels',
      data: { added: ['VIP', 'Wholesale'], removed: [] },
    })

    await refused(
      as(ana, 'PUT', `/api/v1/conversations/${conversation.id}/labels`, { labels: ['No such label'] }),
      400,
      /^labels/,
    )
    // Globex has its own labels: acme's are invisible and unusable to it.
    const globexLabels = await ok<{ labels: unknown[] }>(as(gus, 'GET', '/api/v1/labels'), 'globex labels')
    assert.deepEqual(globexLabels.labels, [])
    assert.equal((await as(gus, 'DELETE', `/api/v1/labels/${vip.id}`)).status, 404)

    await ok(as(ana, 'DELETE', `/api/v1/labels/${vip.id}`), 'remove VIP')
    const after = await ok<Conversation>(as(ana, 'GET', `/api/v1/conversations/${conversation.id}`), 'get')
    assert.deepEqual(
      after.labels.map((l) => l.name),
      ['Wholesale'],
      'a removed label comes off its conversations',
    )
  })

  test('canned replies: /shortcut with variables rendered for the conversation', async () => {
    await ok(
      as(ana, 'POST', '/api/v1/canned-replies', {
        shortcut: '/hours',
        body: 'Hola {{contact.first_name}}, abrimos a las 9. Escríbenos al {{business.number}}.',
      }),
      'create',
    )
    await ok(
      as(seed.acme.key, 'POST', '/api/v1/canned-replies', {
        shortcut: 'thanks',
        body: 'Gracias {{contact.name}}',
      }),
      'create 2',
    )
    await refused(
      as(ben, 'POST', '/api/v1/canned-replies', { shortcut: 'hours', body: 'again' }),
      409,
      /hours/,
    )
    await refused(
      as(ben, 'POST', '/api/v1/canned-replies', { shortcut: 'bad one', body: 'x' }),
      400,
      /^shortcut/,
    )
    await refused(
      as(ben, 'POST', '/api/v1/canned-replies', { shortcut: 'oops', body: 'Hi {{contact.nmae}}' }),
      400,
      /contact\.nmae/,
    )

    const found = await ok<{ cannedReplies: { shortcut: string; rendered: string }[] }>(
      as(ben, 'GET', `/api/v1/canned-replies?q=/ho&conversation_id=${conversation.id}`),
      'search',
    )
    assert.deepEqual(
      found.cannedReplies.map((r) => r.shortcut),
      ['hours'],
    )
    assert.match(
      found.cannedReplies[0].rendered,
      /^Hola Lucía, abrimos a las 9\. Escríbenos al \+[\d -]+\d\.$/,
    )

    const edited = await ok<{ body: string }>(
      as(ben, 'PATCH', '/api/v1/canned-replies/thanks', { body: '¡Gracias, {{contact.first_name}}!' }),
      'edit',
    )
    assert.equal(edited.body, '¡Gracias, {{contact.first_name}}!')
    const globex = await ok<{ cannedReplies: unknown[] }>(as(gus, 'GET', '/api/v1/canned-replies'), 'globex')
    assert.deepEqual(globex.cannedReplies, [], "globex sees none of acme's canned replies")
    assert.equal((await as(gus, 'DELETE', '/api/v1/canned-replies/thanks')).status, 404)
    await ok(as(ben, 'DELETE', '/api/v1/canned-replies/thanks'), 'remove')
  })
})
