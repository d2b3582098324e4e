import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { Page } from 'playwright-core'
import { testDbKind } from '../test/helpers/db.ts'
import { createUser, type Dashboard, signInToInbox, startDashboard, waitFor } from './helpers/dashboard.ts'

// The Analytics page reconciles (issue 19): after a scripted run through the emulator — known
// counts per template, country and outcome, PMP pricing in the statuses — every figure the page
// shows equals the API's for the same range and the count from the raw rows, and the cost equals
// a hand computation from the bundled 2025-07-01 price table. An agent sees their tenant only.

const ar1 = '5491123456701' // Argentina
const ar2 = '5491123456702'
const au = '61412345678' // Australia, never reads
const at = '436641234567' // Austria
const ursula = '447700900123' // the emulator fails every send to her (131026)
const lucia = '34612345678'
const joao = '551187654321'

const helloWorld = { name: 'hello_world', language: 'en_US' } // UTILITY
const summerSale = {
  name: 'summer_sale', // MARKETING
  language: 'en_US',
  components: [
    { type: 'header', parameters: [{ type: 'image', image: { link: 'https://example.com/sale.jpg' } }] },
    {
      type: 'body',
      parameters: [
        { type: 'text', text: 'Ana' },
        { type: 'text', text: '25%' },
      ],
    },
  ],
}
// Utility AR 0.0289 × 2 + AU 0.0113; marketing AR 0.0618 + AT 0.0592; the text in Lucía's window
// is free and Ursula's failed send is never delivered.
const handCost = 0.0289 * 2 + 0.0113 + 0.0618 + 0.0592

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10)
const en = (n: number) => n.toLocaleString('en')
const usd = (n: number) =>
  n.toLocaleString('en', {
    style: 'currency',
    currency: 'USD',
    minimumFractionDigits: 2,
    maximumFractionDigits: 4,
  })

type Figures = Record<string, number>

describe(`dashboard: Analytics (${testDbKind})`, () => {
  let d: Dashboard
  let page: Page
  // The page's default range: the last 7 days, today included.
  const range = `from=${day(Date.now() - 6 * 86_400_000)}&to=${day(Date.now() + 86_400_000)}`

  async function api(path: string, key = d.h.adminKey) {
    const res = await d.h.api('GET', `/api/v1/analytics/${path}${path.includes('?') ? '&' : '?'}${range}`, {
      key,
    })
    assert.equal(res.status, 200, res.text)
    return res.body as Record<string, unknown>
  }
  const tile = (p: Page, name: string) => p.locator(`[data-figure="${name}"] .analytics-tile-value`)

  before(async () => {
    d = await startDashboard()
    await createUser(d.h, { email: 'ops@example.com', role: 'admin', password: 'admin password 123' })
    await createUser(d.h, {
      email: 'maria@acme.example',
      role: 'agent',
      tenantId: d.seed.acme.id,
      password: 'agent password 123',
    })
    const emu = d.h.emulator.control
    emu.addCustomer({ wa_id: ar1, name: 'Ana' })
    emu.addCustomer({ wa_id: ar2, name: 'Bruno' })
    emu.addCustomer({ wa_id: au, name: 'Cleo', reads: false })
    emu.addCustomer({ wa_id: at, name: 'Dora' })
    const send = async (to: string, body: Record<string, unknown>) => {
      const res = await d.h.api('POST', '/api/v1/messages', { key: d.seed.acme.key, body: { to, ...body } })
      assert.equal(res.status, 202, res.text)
    }
    for (const to of [ar1, ar2, au, ursula]) await send(to, { type: 'template', template: helloWorld })
    for (const to of [ar1, at]) await send(to, { type: 'template', template: summerSale })
    emu.customerSends(
      lucia,
      { type: 'text', text: { body: 'Hola' } },
      { phoneNumberId: d.seed.acme.phoneNumberId },
    )
    emu.customerSends(
      joao,
      { type: 'text', text: { body: 'STOP' } },
      { phoneNumberId: d.seed.acme.phoneNumberId },
    )
    await waitFor('both customers stored', async () => {
      const rows = await d.h.db.db.selectFrom('messages').select('id').where('direction', '=', 'in').execute()
      return rows.length === 2
    })
    await send(lucia, { type: 'text', text: { body: 'Hola Lucía, ¿en qué te ayudo?' } })
    await waitFor(
      'every send settled (read, failed, or delivered to Cleo who never reads)',
      async () => {
        const rows = await d.h.db.db
          .selectFrom('messages')
          .select('status')
          .where('direction', '=', 'out')
          .execute()
        const settled = rows.filter((r) => ['read', 'failed'].includes(r.status)).length
        const delivered = rows.filter((r) => r.status === 'delivered').length
        return rows.length === 7 && settled === 6 && delivered === 1
      },
      { timeoutMs: 20_000 },
    )
    await d.h.wahub.rollups?.foldNow()
    page = await d.newPage()
    await signInToInbox(page, 'ops@example.com', 'admin password 123')
    await page.getByRole('link', { name: 'Analytics' }).click()
    await page.getByRole('heading', { name: 'Analytics', level: 1 }).waitFor()
  })
  after(async () => {
    await d?.close()
  })

  test('every total on the page equals the API and the raw rows; the cost equals the hand computation', async () => {
    const raw = await d.h.db.db.selectFrom('messages').select(['direction', 'status']).execute()
    const out = raw.filter((m) => m.direction === 'out')
    const expected = {
      sent: out.length,
      delivered: out.filter((m) => m.status === 'delivered' || m.status === 'read').length,
      read: out.filter((m) => m.status === 'read').length,
      failed: out.filter((m) => m.status === 'failed').length,
      received: raw.length - out.length,
      optOuts: 1,
    }
    assert.deepEqual(Object.values(expected), [7, 6, 5, 1, 2, 1], 'the script ran as planned')
    const { figures } = (await api('summary')) as { figures: Figures }
    for (const [name, count] of Object.entries(expected)) {
      await waitFor(`the ${name} tile`, async () => (await tile(page, name).textContent()) === en(count))
      assert.equal(figures[name], count, `API ${name}`)
    }
    assert.equal(
      Math.round(figures.cost * 10_000),
      Math.round(handCost * 10_000),
      'API cost vs hand computation',
    )
    assert.equal(await tile(page, 'cost').textContent(), usd(figures.cost))
  })

  test('the breakdowns and top failures show the API rows; the charts are drawn', async () => {
    const { rows } = (await api('breakdown?by=template')) as { rows: (Figures & { key: string })[] }
    for (const r of rows) {
      const row = page.locator(`[data-breakdown="template"] tr[data-key="${r.key}"]`)
      assert.equal(await row.locator('[data-figure="sent"]').textContent(), en(r.sent), `template ${r.key}`)
      assert.equal(await row.locator('[data-figure="cost"]').textContent(), usd(r.cost), `template ${r.key}`)
    }
    assert.deepEqual(
      Object.fromEntries(rows.map((r) => [r.key, r.sent])),
      { hello_world: 4, summer_sale: 2, '': 1 },
      'per template as sent',
    )
    const byCountry = (await api('breakdown?by=country&direction=out')) as {
      rows: (Figures & { key: string })[]
    }
    const ar = page.locator('[data-breakdown="country"] tr[data-key="AR"]')
    assert.equal(await ar.locator('[data-figure="sent"]').textContent(), '3')
    assert.equal(
      await ar.locator('[data-figure="cost"]').textContent(),
      usd(byCountry.rows.find((r) => r.key === 'AR')?.cost ?? Number.NaN),
    )
    const failure = page.locator('.analytics-failure-list li[data-code="131026"]')
    assert.match((await failure.textContent()) ?? '', /Messages: 1/)
    assert.match(
      (await failure.locator('.analytics-fix').textContent()) ?? '',
      /\w{3}/,
      "the catalogue's fix",
    )
    assert.equal((await page.locator('.analytics-chart canvas').count()) >= 2, true, 'uPlot drew both charts')
  })

  test('a filter narrows every figure as the API does; the CSV download is the same rows', async () => {
    await page.getByLabel('Country', { exact: true }).selectOption('AR')
    const { figures } = (await api('summary?country=AR')) as { figures: Figures }
    assert.equal(figures.sent, 3)
    await waitFor(
      'the Argentine figures',
      async () => (await tile(page, 'sent').textContent()) === en(figures.sent),
    )
    assert.equal(await tile(page, 'cost').textContent(), usd(figures.cost))
    await page.getByText('Download CSV').click()
    const href = await page.getByRole('link', { name: 'Totals' }).getAttribute('href')
    const csv = await page.request.get(href ?? '')
    assert.equal(csv.status(), 200)
    assert.match(csv.headers()['content-type'], /text\/csv/)
    const [header, line] = (await csv.text()).trim().split('\n')
    const values = Object.fromEntries(header.split(',').map((h, i) => [h, line.split(',')[i]]))
    assert.equal(values.sent, '3', 'the CSV has the filtered figures')
    await page.getByLabel('Country', { exact: true }).selectOption('')
  })

  test('an agent sees the Analytics of their own tenant, without the tenant filter', async () => {
    const agent = await d.newPage()
    await signInToInbox(agent, 'maria@acme.example', 'agent password 123')
    await agent.getByRole('link', { name: 'Analytics' }).click()
    const { figures } = (await api('summary', d.seed.acme.key)) as { figures: Figures }
    await waitFor(
      'the agent sees the tenant figures',
      async () => (await tile(agent, 'sent').textContent()) === en(figures.sent),
    )
    assert.equal(
      await agent.getByLabel('Tenant', { exact: true }).count(),
      0,
      'no tenant filter for an agent',
    )
    assert.equal(await page.getByLabel('Tenant', { exact: true }).count(), 1, 'the administrator has one')
  })
})
