import assert from 'node:assert/strict'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { after, before, describe, test } from 'node:test'
import type { GraphLedgerEntry } from '../src/emulator/ledger.ts'
import { testDbKind } from '../test/helpers/db.ts'
import { type Dashboard, startDashboard, waitFor } from './helpers/dashboard.ts'

// The website chat widget (seed 002): a shop's page on ANOTHER origin embeds
// <script src=…/widget.js data-key=pk_…>; a visitor leaves name, WhatsApp number and message;
// Wahub creates the conversation with a note for the team and sends the chosen approved template
// (the emulator's ledger shows it), or answers with a wa.me link. A page from an origin the key
// does not allow gets nothing through (CORS).

type Site = { origin: string; close(): Promise<void> }

async function startSite(html: () => string): Promise<Site> {
  const server: Server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html())
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }
}

describe(`website chat widget from another origin (${testDbKind})`, () => {
  let d: Dashboard
  let shop: Site
  let stranger: Site
  let publicKey = ''
  const page = () =>
    `<!doctype html><html lang="en"><head><title>Bakery</title></head><body><h1>Sheena's bakery</h1>` +
    `<script src="${d.h.url}/widget.js" data-key="${publicKey}" async></script></body></html>`
  const settings = (body: unknown) =>
    d.h.api('PUT', '/api/v1/widget/settings', { key: d.seed.acme.key, body })

  before(async () => {
    d = await startDashboard()
    shop = await startSite(page)
    stranger = await startSite(page)
    const res = await settings({
      enabled: true,
      allowedOrigins: [shop.origin],
      replyMode: 'template',
      template: { name: 'hello_world', language: 'en_US' },
    })
    assert.equal(res.status, 200, res.text)
    publicKey = (res.body as { publicKey: string }).publicKey
  })
  after(async () => {
    await d?.close()
    await shop?.close()
    await stranger?.close()
  })

  async function submit(origin: string, visitor: { name: string; phone: string; message: string }) {
    const p = await d.newPage()
    await p.goto(origin)
    await p.getByRole('button', { name: 'Chat with us on WhatsApp' }).click()
    await p.getByLabel('Your name').fill(visitor.name)
    await p.getByLabel('Your WhatsApp number').fill(visitor.phone)
    await p.getByLabel('How can we help?').fill(visitor.message)
    await p.getByRole('button', { name: 'Send' }).click()
    return p
  }

  test('a visitor on the shop’s site gets the approved template on WhatsApp, and the team sees the form in the inbox', async () => {
    const p = await submit(shop.origin, {
      name: 'Lucía',
      phone: '+34 612 345 678',
      message: 'Do you make gluten-free cakes?',
    })
    await p.getByText('Thanks! We sent you a WhatsApp message.').waitFor()
    const sent = await waitFor('the template in the emulator’s ledger', () =>
      (d.h.emulator.control.ledger({ kind: 'graph' }) as GraphLedgerEntry[]).find(
        (e) =>
          e.method === 'POST' &&
          /\/messages$/.test(e.path) &&
          (e.body as { to?: string; type?: string } | null)?.to === '34612345678' &&
          (e.body as { type?: string }).type === 'template',
      ),
    )
    assert.equal((sent.body as { template: { name: string } }).template.name, 'hello_world')
    const conversation = await d.h.db.db
      .selectFrom('conversations as c')
      .innerJoin('contacts as k', 'k.id', 'c.contact_id')
      .select(['c.id', 'c.unread_count', 'k.profile_name'])
      .where('k.wa_id', '=', '34612345678')
      .where('c.tenant_id', '=', d.seed.acme.id)
      .executeTakeFirstOrThrow()
    assert.equal(conversation.profile_name, 'Lucía', 'the contact carries the name the visitor gave')
    assert.ok(Number(conversation.unread_count) >= 1, 'the conversation is unread for the team')
    const activity = await d.h.api('GET', `/api/v1/conversations/${conversation.id}/activity`, {
      key: d.seed.acme.key,
    })
    assert.match(activity.text, /Do you make gluten-free cakes\?/, 'the form is a line in the thread')
  })

  test('in link mode the visitor gets a wa.me click-to-chat link to the business number', async () => {
    assert.equal((await settings({ replyMode: 'link' })).status, 200)
    const p = await submit(shop.origin, {
      name: 'Sheena',
      phone: '+1 650 555 1234',
      message: 'Open on Sunday?',
    })
    const link = p.getByRole('link', { name: 'Thanks! Continue on WhatsApp' })
    await link.waitFor()
    assert.match(
      String(await link.getAttribute('href')),
      /^https:\/\/wa\.me\/\d+\?text=Open%20on%20Sunday%3F$/,
    )
  })

  test('a page from an origin the key does not allow gets nothing through', async () => {
    const p = await submit(stranger.origin, { name: 'Bot', phone: '+44 7700 900123', message: 'spam' })
    await p.getByText(/Sorry, that did not work/).waitFor()
    const contact = await d.h.db.db
      .selectFrom('contacts')
      .select('id')
      .where('wa_id', '=', '447700900123')
      .where('tenant_id', '=', d.seed.acme.id)
      .executeTakeFirst()
    assert.equal(contact, undefined, 'no contact was created for the refused origin')
  })
})
