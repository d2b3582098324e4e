import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { testDbKind } from '../test/helpers/db.ts'
import {
  conversationOf,
  createUser,
  type Dashboard,
  signInToInbox,
  startDashboard,
} from './helpers/dashboard.ts'

// Roles in the browser: an agent of tenant acme works acme's inbox only — globex's conversations
// are not listed, not openable by URL, not in the live stream, and the admin pages are closed; an
// admin reads every tenant's inbox.

const lucia = '34612345678'
const sheena = '16505551234'

type Json = { status: number; body: unknown }

describe(`dashboard: an agent of tenant A cannot see tenant B (${testDbKind})`, () => {
  let d: Dashboard
  let globexConversation: string

  before(async () => {
    d = await startDashboard()
    await createUser(d.h, {
      email: 'agent@acme.example',
      role: 'agent',
      tenantId: d.seed.acme.id,
      password: 'agent password 123',
    })
    await createUser(d.h, { email: 'admin@example.com', role: 'admin', password: 'admin password 123' })
    d.h.emulator.control.customerSends(
      lucia,
      { type: 'text', text: { body: 'Hola acme' } },
      { phoneNumberId: d.seed.acme.phoneNumberId },
    )
    d.h.emulator.control.customerSends(
      sheena,
      { type: 'text', text: { body: 'Secret globex order 7731' } },
      { phoneNumberId: d.seed.globex.phoneNumberId },
    )
    await conversationOf(d.h, d.seed.acme.id, lucia)
    globexConversation = await conversationOf(d.h, d.seed.globex.id, sheena)
  })
  after(async () => {
    await d?.close()
  })

  test("acme's agent sees acme's conversations only, by list, by URL, by API and live", async () => {
    const page = await d.newPage()
    await signInToInbox(page, 'agent@acme.example', 'agent password 123')
    const list = page.getByRole('list', { name: 'Conversations' })
    await list.getByText('Lucía García').waitFor()
    assert.equal(await list.getByText('Sheena Nelson').count(), 0)
    assert.equal(await page.getByText('Secret globex order 7731').count(), 0)

    // A customer writes to globex now: acme's open inbox must not show it, live or after a reload.
    d.h.emulator.control.customerSends(
      sheena,
      { type: 'text', text: { body: 'Another globex secret' } },
      { phoneNumberId: d.seed.globex.phoneNumberId },
    )
    d.h.emulator.control.customerSends(
      lucia,
      { type: 'text', text: { body: 'Acme news after globex' } },
      { phoneNumberId: d.seed.acme.phoneNumberId },
    )
    await list.getByText('Acme news after globex').waitFor() // live updates do arrive…
    assert.equal(await list.getByText('Sheena Nelson').count(), 0) // …but never globex's

    // Globex's conversation by URL: not found.
    await page.goto(`/inbox/${globexConversation}`)
    await page.getByRole('alert').getByText('Could not open the conversation').waitFor()
    assert.equal(await page.getByText('Secret globex order 7731').count(), 0)

    // No admin navigation, and the admin pages say so.
    assert.equal(await page.getByRole('link', { name: 'Channels' }).count(), 0)
    await page.goto('/channels')
    await page.getByRole('heading', { name: 'Not available' }).waitFor()

    // The API behind the pages refuses too, whatever the page asks.
    const answers = await page.evaluate(
      async ({ conversation, globex }) => {
        const get = async (url: string) => {
          const res = await fetch(url)
          return { status: res.status, body: await res.json() }
        }
        const live = await fetch('/api/v1/live?after=0')
        return {
          tenants: await get('/api/v1/admin/tenants'),
          thread: await get(`/api/v1/conversations/${conversation}/messages`),
          filtered: await get(`/api/v1/conversations?tenant_id=${globex}`),
          live: { status: live.status, body: await live.json() },
        }
      },
      { conversation: globexConversation, globex: d.seed.globex.id },
    )
    const a = answers as Record<string, Json>
    assert.equal(a.tenants.status, 403)
    assert.equal(a.thread.status, 404)
    assert.equal(a.filtered.status, 403)
    assert.equal(a.live.status, 200)
    const events = (a.live.body as { events: { tenantId: string | null }[] }).events
    assert.ok(events.length > 0, 'acme has live events')
    assert.ok(
      events.every((e) => e.tenantId === d.seed.acme.id),
      'the live stream carries acme events only',
    )
    assert.ok(!JSON.stringify(answers).includes(globexConversation.slice(3)) || a.thread.status === 404)
  })

  test('an admin reads every tenant’s inbox and can filter by tenant', async () => {
    const page = await d.newPage()
    await signInToInbox(page, 'admin@example.com', 'admin password 123')
    const list = page.getByRole('list', { name: 'Conversations' })
    await list.getByText('Lucía García').waitFor()
    await list.getByText('Sheena Nelson').waitFor()
    await page.getByLabel('Tenant').selectOption({ label: 'globex' })
    await list.getByText('Lucía García').waitFor({ state: 'detached' })
    await list.getByText('Sheena Nelson').waitFor()
    await list.getByText('Sheena Nelson').click()
    await page.getByRole('log', { name: 'Messages' }).getByText('Secret globex order 7731').waitFor()
    // Operators reply too: the message goes out for the tenant that owns the conversation's number.
    await page.getByRole('region', { name: 'Reply' }).getByRole('button', { name: /Send/ }).first().waitFor()
  })
})
