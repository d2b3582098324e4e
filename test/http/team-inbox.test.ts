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

// The team inbox's workflow over the API (SPEC §13, issue 16): status open/pending/resolved,
// an inbound message reopening, assignment (agent, me, nobody, round robin among available
// agents), the list's filters, and every change as an activity line and an event.

type Conversation = { id: string; status: string; assigneeUserId: string | null; contact: { waId: string } }
type Activity = { kind: string; actor: string; actorUserId: string | null; data: Record<string, unknown> }
type LiveEvent = { id: number; kind: string; payload: Record<string, unknown> }
type Agent = { id: string; headers: Record<string, string> }

describe(`team inbox: status and assignment (${testDbKind})`, () => {
  let h: Harness
  let seed: Onboarded
  let ana: Agent
  let ben: Agent
  let cleo: Agent
  let globexAgent: Agent

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
  const list = async (who: Agent | string, query: string) =>
    (await ok<{ conversations: Conversation[] }>(as(who, 'GET', `/api/v1/conversations?${query}`), query))
      .conversations
  const activity = async (id: string) =>
    (
      await ok<{ activity: Activity[] }>(
        as(seed.acme.key, 'GET', `/api/v1/conversations/${id}/activity`),
        'activity',
      )
    ).activity

  let nextCustomer = 0
  /** A new customer writes to acme's number; resolves with the conversation once listed. */
  async function customerWrites(waId?: string): Promise<Conversation> {
    const id = waId ?? `3466600${String(nextCustomer++).padStart(4, '0')}`
    if (!waId) h.emulator.control.addCustomer({ wa_id: id, name: `Customer ${id.slice(-4)}` })
    h.emulator.control.customerSends(
      id,
      { type: 'text', text: { body: `hola from ${id}` } },
      { phoneNumberId: seed.acme.phoneNumberId },
    )
    return waitFor(`${id}'s message in acme's inbox`, async () =>
      (await list(seed.acme.key, 'limit=200')).find((c) => c.contact.waId === id),
    )
  }

  before(async () => {
    h = await startHarness()
    seed = await onboardSeed(h)
    ana = await agent('ana@acme.example', 'acme')
    ben = await agent('ben@acme.example', 'acme')
    cleo = await agent('cleo@acme.example', 'acme')
    globexAgent = await agent('gus@globex.example', 'globex')
  })
  after(async () => {
    await h.close()
  })

  test('a new conversation is open and unassigned; resolving it writes an activity line and a live event', async () => {
    const conversation = await customerWrites()
    assert.equal(conversation.status, 'open')
    assert.equal(conversation.assigneeUserId, null)
    const { lastId } = await ok<{ lastId: number }>(as(ana, 'GET', '/api/v1/live'), 'live cursor')

    const resolved = await ok<Conversation>(
      as(ana, 'POST', `/api/v1/conversations/${conversation.id}/status`, { status: 'resolved' }),
      'resolve',
    )
    assert.equal(resolved.status, 'resolved')
    const [line] = await activity(conversation.id)
    assert.equal(line.kind, 'status')
    assert.equal(line.actorUserId, ana.id, 'the line names the agent who resolved it')
    assert.deepEqual(line.data, { status: 'resolved', previous: 'open', reason: 'agent' })

    // Ben's dashboard sees it on the live feed (the same feed tenant callbacks are sent from).
    const live = await ok<{ events: LiveEvent[] }>(as(ben, 'GET', `/api/v1/live?after=${lastId}`), 'live')
    const event = live.events.find((e) => e.kind === 'conversation.status')
    assert.ok(event, `no conversation.status event in ${JSON.stringify(live.events)}`)
    assert.equal(event.payload.conversationId, conversation.id)
    assert.equal(event.payload.status, 'resolved')

    const again = await ok<Conversation>(
      as(ana, 'POST', `/api/v1/conversations/${conversation.id}/status`, { status: 'resolved' }),
      'resolve again',
    )
    assert.equal(again.status, 'resolved')
    assert.equal((await activity(conversation.id)).length, 1, 'setting the same status again is no change')
  })

  test('a customer writing to a resolved or pending conversation reopens it, with a system activity line', async () => {
    const conversation = await customerWrites()
    await ok(
      as(seed.acme.key, 'POST', `/api/v1/conversations/${conversation.id}/status`, { status: 'pending' }),
      'pending',
    )
    await customerWrites(conversation.contact.waId)
    const reopened = await waitFor('the conversation to reopen', async () => {
      const c = await ok<Conversation>(as(ana, 'GET', `/api/v1/conversations/${conversation.id}`), 'get')
      return c.status === 'open' ? c : undefined
    })
    assert.equal(reopened.status, 'open')
    const [line] = await activity(conversation.id)
    assert.equal(line.actor, 'system')
    assert.deepEqual(line.data, { status: 'open', previous: 'pending', reason: 'inbound' })
  })

  test('assign to an agent, to me, and to nobody; the list filters mine, unassigned and by status', async () => {
    const conversation = await customerWrites()
    const path = `/api/v1/conversations/${conversation.id}/assignee`
    const toBen = await ok<Conversation>(as(seed.acme.key, 'POST', path, { assignee: ben.id }), 'assign ben')
    assert.equal(toBen.assigneeUserId, ben.id)
    const toMe = await ok<Conversation>(as(ana, 'POST', path, { assignee: 'me' }), 'assign me')
    assert.equal(toMe.assigneeUserId, ana.id)

    const mine = await list(ana, 'assignee=me')
    assert.ok(
      mine.some((c) => c.id === conversation.id),
      "the conversation is in Ana's 'mine'",
    )
    assert.ok(!(await list(ben, 'assignee=me')).some((c) => c.id === conversation.id), "and not in Ben's")
    assert.ok(!(await list(ana, 'assignee=unassigned')).some((c) => c.id === conversation.id))
    assert.ok((await list(ana, `assignee=${ana.id}&status=open`)).some((c) => c.id === conversation.id))
    assert.ok(!(await list(ana, 'status=resolved')).some((c) => c.id === conversation.id))

    const nobody = await ok<Conversation>(as(ana, 'POST', path, { assignee: null }), 'unassign')
    assert.equal(nobody.assigneeUserId, null)
    assert.ok((await list(ana, 'assignee=unassigned')).some((c) => c.id === conversation.id))

    const lines = (await activity(conversation.id)).filter((a) => a.kind === 'assigned')
    assert.deepEqual(
      lines.map((a) => [a.data.assigneeUserId, a.data.previous]),
      [
        [null, ana.id],
        [ana.id, ben.id],
        [ben.id, null],
      ],
      'one line per change, newest first',
    )
  })

  test('bad assignments are refused naming the field: another tenant’s agent, an unknown user, `me` from an API key', async () => {
    const conversation = await customerWrites()
    const path = `/api/v1/conversations/${conversation.id}/assignee`
    for (const [who, assignee] of [
      [seed.acme.key, globexAgent.id],
      [seed.acme.key, 'usr_nobody'],
      [seed.acme.key, 'me'],
    ] as const) {
      const res = await as(who, 'POST', path, { assignee })
      assert.equal(res.status, 400, `${assignee}: ${res.text}`)
      const error = (res.body as { error: { code: string; message: string } }).error
      assert.equal(error.code, 'validation_failed')
      assert.match(error.message, /^assignee/, error.message)
    }
    const badStatus = await as(ana, 'POST', `/api/v1/conversations/${conversation.id}/status`, {
      status: 'closed',
    })
    assert.equal(badStatus.status, 400, badStatus.text)
    assert.match(badStatus.text, /status/)
    const other = await as(globexAgent, 'POST', `/api/v1/conversations/${conversation.id}/status`, {
      status: 'resolved',
    })
    assert.equal(other.status, 404, "globex's agent cannot resolve acme's conversation")
  })

  test('round robin: with auto-assignment on, new conversations go in turn to the available agents only', async () => {
    const admin = await ok(
      h.api('PATCH', `/api/v1/admin/tenants/${seed.acme.id}`, {
        key: h.adminKey,
        body: { autoAssign: true },
      }),
      'auto-assign on',
    )
    assert.equal((admin as { autoAssign: boolean }).autoAssign, true)
    for (const who of [ana, ben])
      await ok(as(who, 'PUT', '/api/v1/agents/me/presence', { presence: 'available' }), 'available')
    const agents = await ok<{ agents: { id: string; presence: string }[] }>(
      as(cleo, 'GET', '/api/v1/agents'),
      'agents',
    )
    assert.equal(agents.agents.find((a) => a.id === cleo.id)?.presence, 'away')

    const assignees: (string | null)[] = []
    for (let i = 0; i < 4; i++) {
      const conversation = await customerWrites()
      const assigned = await waitFor('the conversation to be assigned', async () => {
        const c = await ok<Conversation>(as(ana, 'GET', `/api/v1/conversations/${conversation.id}`), 'get')
        return c.assigneeUserId ?? undefined
      })
      assignees.push(assigned)
    }
    assert.ok(!assignees.includes(cleo.id), 'Cleo is away and gets none')
    assert.equal(assignees.filter((a) => a === ana.id).length, 2, `in turn: ${assignees.join(', ')}`)
    assert.equal(assignees.filter((a) => a === ben.id).length, 2, `in turn: ${assignees.join(', ')}`)
    assert.notEqual(assignees[0], assignees[1])

    await ok(
      h.api('PATCH', `/api/v1/admin/tenants/${seed.acme.id}`, {
        key: h.adminKey,
        body: { autoAssign: false },
      }),
      'off',
    )
    const manual = await customerWrites()
    assert.equal(manual.assigneeUserId, null, 'with auto-assignment off a new conversation stays unassigned')
  })

  test('presence is an agent’s own: an API key cannot set it', async () => {
    const res = await as(seed.acme.key, 'PUT', '/api/v1/agents/me/presence', { presence: 'available' })
    assert.equal(res.status, 403, res.text)
    const bad = await as(ana, 'PUT', '/api/v1/agents/me/presence', { presence: 'busy' })
    assert.equal(bad.status, 400, bad.text)
    assert.match(bad.text, /presence/)
  })
})
