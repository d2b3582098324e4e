import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { testDbKind } from '../helpers/db.ts'
import { type Harness, type Onboarded, onboardSeed, startHarness } from '../helpers/harness.ts'
import { waitFor } from '../helpers/wait.ts'

type Obj = Record<string, unknown>
type Conversation = {
  id: string
  tenantId: string
  unreadCount: number
  contact: { waId: string | null; name: string | null }
  window: { open: boolean; closesAt: number | null }
}
type Message = {
  id: string
  type: string
  wamid: string
  direction: string
  media: { id: string; state: string; url: string | null } | null
  reactions: { emoji: string }[]
  replyTo: string | null
}

describe(`inbox read API (${testDbKind})`, () => {
  let h: Harness
  let seed: Onboarded
  let customer: string
  before(async () => {
    h = await startHarness()
    seed = await onboardSeed(h)
    customer = h.emulator.seed.customers.find((c) => c.wa_id !== '')!.wa_id
  })
  after(async () => {
    await h.close()
  })

  const sends = (message: Obj, phoneNumberId = seed.acme.phoneNumberId) =>
    h.emulator.control.customerSends(customer, message, { phoneNumberId }).id
  const get = async <T>(path: string, key = seed.acme.key): Promise<T> => {
    const res = await h.api('GET', path, { key })
    assert.equal(res.status, 200, `GET ${path}: ${res.text}`)
    return res.body as T
  }

  test('a customer message appears in the conversation list with its contact, unread count and open window', async () => {
    const wamid = sends({ type: 'text', text: { body: 'Hola, ¿abren el domingo?' } })
    const list = await waitFor('the conversation to be listed', async () => {
      const body = await get<{ conversations: Conversation[] }>('/api/v1/conversations')
      return body.conversations.length > 0 ? body.conversations : undefined
    })
    const conversation = list[0]
    assert.equal(conversation.tenantId, seed.acme.id)
    assert.equal(conversation.contact.waId, customer)
    assert.ok(conversation.unreadCount >= 1)
    assert.equal(conversation.window.open, true, 'the customer just wrote: the window is open')
    assert.ok(conversation.window.closesAt && conversation.window.closesAt > Date.now() + 23 * 3600_000)
    const thread = await get<{ messages: Message[] }>(`/api/v1/conversations/${conversation.id}/messages`)
    assert.equal(thread.messages[0].wamid, wamid, 'the newest message comes first')
  })

  test('filters: unread, window and search narrow the list', async () => {
    const unread = await get<{ conversations: Conversation[] }>('/api/v1/conversations?unread=true')
    assert.ok(unread.conversations.length >= 1)
    const closed = await get<{ conversations: Conversation[] }>('/api/v1/conversations?window=closed')
    assert.equal(closed.conversations.length, 0, 'no conversation has a closed window yet')
    const found = await get<{ conversations: Conversation[] }>(
      `/api/v1/conversations?q=${customer.slice(-6)}`,
    )
    assert.equal(found.conversations.length, 1)
    const none = await get<{ conversations: Conversation[] }>('/api/v1/conversations?q=nobody-by-that-name')
    assert.equal(none.conversations.length, 0)
  })

  test('marking a conversation read sets its unread count to zero', async () => {
    const [conversation] = (await get<{ conversations: Conversation[] }>('/api/v1/conversations'))
      .conversations
    const res = await h.api('POST', `/api/v1/conversations/${conversation.id}/read`, { key: seed.acme.key })
    assert.equal(res.status, 200, res.text)
    const again = await get<Conversation>(`/api/v1/conversations/${conversation.id}`)
    assert.equal(again.unreadCount, 0)
  })

  test('a thread pages back through history with a cursor, without gaps or repeats', async () => {
    const wamids = Array.from({ length: 7 }, (_, i) => sends({ type: 'text', text: { body: `page ${i}` } }))
    const [conversation] = (await get<{ conversations: Conversation[] }>('/api/v1/conversations'))
      .conversations
    await waitFor('all 7 messages', async () => {
      const t = await get<{ messages: Message[] }>(
        `/api/v1/conversations/${conversation.id}/messages?limit=200`,
      )
      return wamids.every((w) => t.messages.some((m) => m.wamid === w))
    })
    const seen: string[] = []
    let before: string | null = null
    do {
      const page: { messages: Message[]; nextCursor: string | null } = await get(
        `/api/v1/conversations/${conversation.id}/messages?limit=3${before ? `&before=${before}` : ''}`,
      )
      seen.push(...page.messages.map((m) => m.id))
      before = page.nextCursor
    } while (before)
    assert.equal(new Set(seen).size, seen.length, 'a message was repeated across pages')
    const all = await get<{ messages: Message[] }>(
      `/api/v1/conversations/${conversation.id}/messages?limit=200`,
    )
    assert.deepEqual(
      seen,
      all.messages.map((m) => m.id),
      'paging gives the same messages in the same order',
    )
  })

  test('a media message shows its media state and the file is served to its tenant only', async () => {
    const wamid = sends({ type: 'image', image: { caption: 'la tarta' } })
    const [conversation] = (await get<{ conversations: Conversation[] }>('/api/v1/conversations'))
      .conversations
    const message = await waitFor('the image with its media ready', async () => {
      const t = await get<{ messages: Message[] }>(`/api/v1/conversations/${conversation.id}/messages`)
      const m = t.messages.find((x) => x.wamid === wamid)
      return m?.media?.state === 'ready' ? m : undefined
    })
    assert.equal(message.type, 'image')
    const file = await fetch(`${h.url}${message.media!.url}`, {
      headers: { authorization: `Bearer ${seed.acme.key}` },
    })
    assert.equal(file.status, 200)
    assert.match(file.headers.get('content-type') ?? '', /^image\//)
    assert.equal(file.headers.get('x-content-type-options'), 'nosniff')
    assert.match(file.headers.get('content-security-policy') ?? '', /sandbox/)
    assert.match(file.headers.get('content-disposition') ?? '', /^inline/, 'an image the dashboard shows')
    assert.ok((await file.arrayBuffer()).byteLength > 0)
    const other = await fetch(`${h.url}${message.media!.url}`, {
      headers: { authorization: `Bearer ${seed.globex.key}` },
    })
    assert.equal(other.status, 404, "another tenant must not get acme's media")
  })

  test("another tenant sees none of acme's conversations, and cannot open one by id", async () => {
    const [conversation] = (await get<{ conversations: Conversation[] }>('/api/v1/conversations'))
      .conversations
    const theirs = await get<{ conversations: Conversation[] }>('/api/v1/conversations', seed.globex.key)
    assert.ok(theirs.conversations.every((c) => c.tenantId === seed.globex.id))
    const res = await h.api('GET', `/api/v1/conversations/${conversation.id}`, { key: seed.globex.key })
    assert.equal(res.status, 404)
    const spoof = await h.api('GET', `/api/v1/conversations?tenant_id=${seed.acme.id}`, {
      key: seed.globex.key,
    })
    assert.equal(spoof.status, 403, 'a tenant key naming another tenant is refused')
  })

  test('an operator key reads every tenant, or one with tenant_id', async () => {
    const all = await get<{ conversations: Conversation[] }>('/api/v1/conversations', h.adminKey)
    assert.ok(all.conversations.some((c) => c.tenantId === seed.acme.id))
    const one = await get<{ conversations: Conversation[] }>(
      `/api/v1/conversations?tenant_id=${seed.globex.id}`,
      h.adminKey,
    )
    assert.ok(one.conversations.every((c) => c.tenantId === seed.globex.id))
  })

  test('webhooks for a number not yet added are parked, listed, and processed when the number is added', async () => {
    const extra = h.emulator.seed.phoneNumberIds.find(
      (id) => id !== seed.acme.phoneNumberId && id !== seed.globex.phoneNumberId,
    )
    assert.ok(extra, 'the emulator seeds a third number')
    // Take the third number out of Wahub so its events are unrouted.
    const numbers = (
      await get<{ numbers: { id: string; phoneNumberId: string }[] }>('/api/v1/admin/numbers', h.adminKey)
    ).numbers
    const row = numbers.find((n) => n.phoneNumberId === extra)
    if (row)
      assert.equal(
        (await h.api('DELETE', `/api/v1/admin/numbers/${row.id}`, { key: h.adminKey })).status,
        204,
      )
    const wamid = sends({ type: 'text', text: { body: 'to a number Wahub does not know' } }, extra)
    const parked = await waitFor('the unrouted event in the admin list', async () => {
      const body = await get<{ events: { id: string; phoneNumberIds: string[]; outcomeReason: string }[] }>(
        '/api/v1/admin/events?outcome=unrouted',
        h.adminKey,
      )
      return body.events.find((e) => e.phoneNumberIds.includes(extra))
    })
    assert.match(parked.outcomeReason, new RegExp(extra))
    const shown = await get<{ body: string }>(`/api/v1/admin/events/${parked.id}`, h.adminKey)
    assert.match(shown.body, new RegExp(wamid), 'the raw body is shown as Meta sent it')
    // Adding the number back and giving it to acme processes the parked event without a command.
    const added = await h.api('POST', '/api/v1/admin/numbers', {
      key: h.adminKey,
      body: { phoneNumberId: extra, wabaId: seed.wabaId },
    })
    assert.equal(added.status, 201, added.text)
    const assigned = await h.api('PATCH', `/api/v1/admin/tenants/${seed.acme.id}`, {
      key: h.adminKey,
      body: { numbers: [extra] },
    })
    assert.equal(assigned.status, 200, assigned.text)
    await waitFor('the parked message in the inbox', async () => {
      const convs = await get<{ conversations: Conversation[] }>('/api/v1/conversations')
      for (const c of convs.conversations) {
        const t = await get<{ messages: Message[] }>(`/api/v1/conversations/${c.id}/messages`)
        if (t.messages.some((m) => m.wamid === wamid)) return true
      }
      return false
    })
  })

  test('tenant keys cannot list or replay raw webhooks', async () => {
    assert.equal((await h.api('GET', '/api/v1/admin/events', { key: seed.acme.key })).status, 403)
    assert.equal(
      (await h.api('POST', '/api/v1/admin/events/replay', { key: seed.acme.key, body: { unrouted: true } }))
        .status,
      403,
    )
  })

  test('a conversation whose number moved to another tenant stays readable with numberInTenant false', async () => {
    sends({ type: 'text', text: { body: 'Antes del cambio' } })
    const id = await waitFor('the conversation', async () => {
      const body = await get<{ conversations: (Conversation & { phoneNumberId: string })[] }>(
        '/api/v1/conversations',
      )
      return body.conversations.find((c) => c.phoneNumberId === seed.acme.phoneNumberId)?.id
    })
    const move = async (tenantId: string, body: Obj) => {
      const res = await h.api('PATCH', `/api/v1/admin/tenants/${tenantId}`, { key: h.adminKey, body })
      assert.equal(res.status, 200, res.text)
    }
    await move(seed.acme.id, { removeNumbers: [seed.acme.phoneNumberId] })
    await move(seed.globex.id, { numbers: [seed.acme.phoneNumberId, seed.globex.phoneNumberId] })
    const moved = await get<{ numberInTenant: boolean; tenantId: string }>(`/api/v1/conversations/${id}`)
    assert.equal(moved.tenantId, seed.acme.id, 'the conversation stays with acme')
    assert.equal(
      moved.numberInTenant,
      false,
      'acme can no longer send from that number: the inbox is read-only',
    )
    await move(seed.globex.id, { removeNumbers: [seed.acme.phoneNumberId] })
    await move(seed.acme.id, { numbers: [seed.acme.phoneNumberId] })
    const back = await get<{ numberInTenant: boolean }>(`/api/v1/conversations/${id}`)
    assert.equal(back.numberInTenant, true, 'once the number is back, replies are possible again')
  })

  test("unread counts: a tenant's conversations with unread messages, all and unassigned; none of another tenant's", async () => {
    // Inbound messages of earlier tests may still be processed: the count is compared with the
    // unread list read before and after it, once the two lists agree.
    const settled = (key?: string) =>
      waitFor('the unread list to stay the same around the unread count', async () => {
        const list = async () =>
          (await get<{ conversations: Conversation[] }>('/api/v1/conversations?unread=true&limit=200', key))
            .conversations.length
        const before = await list()
        const counts = await get<{ all: number; mine: number; unassigned: number }>(
          '/api/v1/conversations/unread',
          key,
        )
        return before === (await list()) ? { unread: before, counts } : undefined
      })
    const { unread, counts } = await settled()
    assert.equal(counts.all, unread, 'all = the conversations the unread filter lists')
    assert.equal(counts.mine, 0, 'an API key has no conversations of its own')
    assert.ok(counts.unassigned <= counts.all)
    const theirs = await settled(seed.globex.key)
    assert.equal(theirs.counts.all, theirs.unread, "globex's count is globex's own")
  })
})
