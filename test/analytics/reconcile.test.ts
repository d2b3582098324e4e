import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { countryOf } from '../../src/analytics/market.ts'
import { backfillDaily } from '../../src/db/migrations/0019-analytics-daily.ts'
import { metricsAuth } from '../helpers/config.ts'
import { testDbKind } from '../helpers/db.ts'
import { waitFor } from '../helpers/wait.ts'
import {
  customerWrites,
  lucia,
  type SendWorld,
  sendOk,
  startSendWorld,
  ursula,
  waitStatus,
} from '../messaging/helpers.ts'

// The bar of issue 19: after a scripted run through the emulator — known counts per template,
// country and outcome, PMP pricing in the statuses — every figure of the analytics API equals
// the count from the raw rows, and the cost estimate equals a hand computation from the
// bundled price table (2025-07-01, USD).

const ar1 = '5491123456701' // Argentina
const ar2 = '5491123456702'
const au = '61412345678' // Australia, never reads
const at = '436641234567' // Austria

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

type Figures = Record<string, number | null>
type Row = Figures & { key: string }

describe(`analytics reconcile with the raw rows (${testDbKind})`, () => {
  let w: SendWorld
  const wamids: Record<string, string> = {}

  before(async () => {
    w = await startSendWorld()
    const emu = w.h.emulator.control
    emu.addCustomer({ wa_id: ar1, name: 'Ana' })
    emu.addCustomer({ wa_id: ar2, name: 'Bruno' })
    emu.addCustomer({ wa_id: au, name: 'Cleo', reads: false })
    emu.addCustomer({ wa_id: at, name: 'Dora' })
    const sends: [string, string, Record<string, unknown>][] = [
      ['u-ar1', ar1, { type: 'template', template: helloWorld }],
      ['u-ar2', ar2, { type: 'template', template: helloWorld }],
      ['u-au', au, { type: 'template', template: helloWorld }],
      ['m-ar1', ar1, { type: 'template', template: summerSale }],
      ['m-au', au, { type: 'template', template: summerSale }],
      ['m-at', at, { type: 'template', template: summerSale }],
      ['u-ursula', ursula, { type: 'template', template: helloWorld }],
    ]
    const ids: Record<string, string> = {}
    for (const [name, to, body] of sends) ids[name] = (await sendOk(w, { to, ...body })).id
    for (const [name, to] of sends) {
      const final = to === ursula ? 'failed' : to === au ? 'delivered' : 'read'
      const d = await waitStatus(w, ids[name], final, { timeoutMs: 15_000 })
      wamids[name] = d.wamid as string
    }
    // A free-form reply inside the window Lucía opens, and Ana answering the utility template.
    await customerWrites(w, lucia)
    const text = await sendOk(w, { to: lucia, type: 'text', text: { body: 'Hola Lucía' } })
    await waitStatus(w, text.id, 'read', { timeoutMs: 15_000 })
    const reply = emu.customerSends(
      ar1,
      { type: 'text', text: { body: 'Gracias' }, context: { id: wamids['u-ar1'] } },
      { phoneNumberId: w.pnid },
    )
    await waitFor("Ana's reply stored", () =>
      w.h.db.db.selectFrom('messages').select('id').where('wamid', '=', reply.id).executeTakeFirst(),
    )
    await w.h.wahub.rollups?.foldNow()
  })
  after(async () => {
    await w.h.close()
  })

  async function get(path: string, key = w.key) {
    const res = await w.h.api('GET', path, { key })
    assert.equal(res.status, 200, `${path}: ${res.text}`)
    return res.body as Record<string, unknown>
  }

  async function rawRows() {
    return w.h.db.db
      .selectFrom('messages as m')
      .innerJoin('contacts as c', 'c.id', 'm.contact_id')
      .select([
        'm.direction',
        'm.status',
        'm.type',
        'm.content',
        'm.context_wamid',
        'm.error_code',
        'c.wa_id',
      ])
      .where('m.tenant_id', '=', w.seed.acme.id)
      .execute()
  }

  test('the totals equal the counts of the messages table', async () => {
    const raw = await rawRows()
    const out = raw.filter((m) => m.direction === 'out')
    const ours = new Set(Object.values(wamids))
    const { figures } = (await get('/api/v1/analytics/summary')) as { figures: Figures }
    assert.deepEqual(
      {
        sent: figures.sent,
        received: figures.received,
        delivered: figures.delivered,
        read: figures.read,
        failed: figures.failed,
        replies: figures.replies,
      },
      {
        sent: out.length,
        received: raw.length - out.length,
        delivered: out.filter((m) => m.status === 'delivered' || m.status === 'read').length,
        read: out.filter((m) => m.status === 'read').length,
        failed: out.filter((m) => m.status === 'failed').length,
        replies: raw.filter((m) => m.direction === 'in' && m.context_wamid && ours.has(m.context_wamid))
          .length,
      },
    )
    // And the script's own expectations, so a broken run cannot reconcile by being empty.
    assert.deepEqual([figures.sent, figures.received, figures.failed, figures.replies], [8, 2, 1, 1])
    assert.equal(figures.delivered, 7, "every send but Ursula's was delivered")
    assert.equal(figures.read, 5, 'all but Cleo (who never reads) and Ursula read')
  })

  test('per template, country and outcome the breakdowns equal the raw counts', async () => {
    const raw = (await rawRows()).filter((m) => m.direction === 'out')
    const templateOf = (m: { type: string; content: string }) =>
      m.type === 'template' ? (JSON.parse(m.content) as { template: { name: string } }).template.name : ''
    const count = (key: (m: (typeof raw)[number]) => string) => {
      const out: Record<string, number> = {}
      for (const m of raw) out[key(m)] = (out[key(m)] ?? 0) + 1
      return out
    }
    const outcome = (m: { status: string }) => m.status
    for (const [by, key] of [
      ['template', templateOf],
      ['country', (m: { wa_id: string | null }) => countryOf(m.wa_id) ?? ''],
      ['outcome', outcome],
    ] as const) {
      const { rows } = (await get(`/api/v1/analytics/breakdown?by=${by}&direction=out`)) as { rows: Row[] }
      const api = Object.fromEntries(rows.map((r) => [r.key, r.sent]))
      assert.deepEqual(api, count(key as (m: (typeof raw)[number]) => string), `breakdown by ${by}`)
    }
    const { failures } = (await get('/api/v1/analytics/failures')) as {
      failures: { code: number; count: number; meaning: string }[]
    }
    assert.deepEqual(
      failures.map((f) => [f.code, f.count]),
      [[131026, raw.filter((m) => m.error_code === 131026).length]],
    )
    assert.match(failures[0].meaning, /\w/, "a failure carries the catalogue's meaning")
  })

  test('the cost equals a hand computation from the 2025-07-01 price table', async () => {
    // Utility outside a window: AR 0.0289 × 2, AU 0.0113; marketing: AR 0.0618, AU 0.0732,
    // AT 0.0592. Free: the text inside Lucía's window; nothing for Ursula's failed send.
    const expected = 0.0289 * 2 + 0.0113 + 0.0618 + 0.0732 + 0.0592
    const { figures, currency } = (await get('/api/v1/analytics/summary')) as {
      figures: Figures
      currency: string
    }
    assert.equal(currency, 'USD')
    assert.equal(Math.round((figures.cost as number) * 10_000), Math.round(expected * 10_000))
    assert.equal(figures.billable, 6)
    assert.equal(figures.unpriced, 0)
    const { rows } = (await get('/api/v1/analytics/breakdown?by=category')) as { rows: Row[] }
    const byCategory = Object.fromEntries(rows.map((r) => [r.key, Math.round((r.cost as number) * 10_000)]))
    assert.equal(byCategory.utility, Math.round((0.0289 * 2 + 0.0113) * 10_000))
    assert.equal(byCategory.marketing, Math.round((0.0618 + 0.0732 + 0.0592) * 10_000))
    const recorded = await w.h.db.db
      .selectFrom('message_costs')
      .selectAll()
      .where('amount_micros', '>', 0)
      .execute()
    assert.equal(recorded.length, 6, 'one recorded estimate per billable message')
    assert.ok(recorded.every((r) => r.price_table === '2025-07-01' && r.model === 'PMP'))
  })

  test('another tenant sees none of it, an operator sees it all and may filter', async () => {
    const globex = (await get('/api/v1/analytics/summary', w.seed.globex.key)) as { figures: Figures }
    assert.equal(globex.figures.sent, 0)
    const denied = await w.h.api('GET', `/api/v1/analytics/summary?tenant_id=${w.seed.acme.id}`, {
      key: w.seed.globex.key,
    })
    assert.equal(denied.status, 403, denied.text)
    const all = (await get('/api/v1/analytics/summary', w.h.adminKey)) as { figures: Figures }
    assert.equal(all.figures.sent, 8)
    const ar = (await get('/api/v1/analytics/summary?country=ar', w.h.adminKey)) as { figures: Figures }
    assert.equal(ar.figures.sent, 3)
    const marketing = (await get(
      `/api/v1/analytics/summary?template=summer_sale&number_id=${w.pnid}`,
      w.h.adminKey,
    )) as { figures: Figures }
    assert.equal(marketing.figures.sent, 3)
  })

  test('Prometheus counts the same messages; quality history per number', async () => {
    const res = await fetch(`${w.h.url}/metrics`, { headers: metricsAuth })
    const text = await res.text()
    const value = (line: string) => Number(text.match(new RegExp(`^${line} (\\d+)`, 'm'))?.[1] ?? Number.NaN)
    const { figures } = (await get('/api/v1/analytics/summary', w.h.adminKey)) as { figures: Figures }
    assert.equal(value('wahub_messages_total\\{event="sent"\\}'), figures.sent, text)
    assert.equal(value('wahub_messages_total\\{event="delivered"\\}'), figures.delivered)
    assert.equal(value('wahub_messages_failed_total\\{code="131026"\\}'), 1)
    assert.match(text, /^wahub_jobs_queued/m)
    assert.match(text, /^wahub_webhook_processing_lag_seconds \d/m)
    assert.match(text, /^wahub_number_quality\{phone_number_id="110000000000001"/m)
    const { numbers } = (await get('/api/v1/analytics/numbers')) as {
      numbers: { phoneNumberId: string; current: { quality_rating: string }; history: unknown[] }[]
    }
    assert.deepEqual(
      numbers.map((n) => n.phoneNumberId),
      [w.pnid],
      "a tenant sees its own number's history only",
    )
    assert.equal(numbers[0].history.length, 1, 'the imported values are the first history row')
  })

  test('whole days answered from the daily marginals equal the hourly buckets, route by route', async () => {
    // The default range (the last 7 days up to now) ends in a partial day, read from the hourly
    // buckets; today-to-tomorrow is one whole day, read from analytics_daily (decision 0046).
    const today = new Date().toISOString().slice(0, 10)
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10)
    const day = `from=${today}&to=${tomorrow}`
    const week = `from=${new Date(Date.now() - 6 * 86_400_000).toISOString().slice(0, 10)}&to=${new Date(Date.now() + 3_600_000).toISOString()}`
    const paths = [
      'summary?',
      'summary?direction=out&',
      'summary?country=AR&',
      'breakdown?by=tenant&',
      'breakdown?by=country&',
      'breakdown?by=template&',
      'breakdown?by=outcome&direction=out&',
      'breakdown?by=category&category=marketing&',
      'breakdown?by=country&template=summer_sale&',
      'breakdown?by=template&country=AR&direction=out&',
      'breakdown?by=outcome&category=utility&',
      'failures?',
      'failures?template=hello_world&',
    ]
    for (const key of [w.key, w.h.adminKey]) {
      for (const p of paths) {
        const daily = await get(`/api/v1/analytics/${p}${day}`, key)
        const hourly = await get(`/api/v1/analytics/${p}${week}`, key)
        delete daily.from
        delete daily.to
        delete hourly.from
        delete hourly.to
        assert.deepEqual(
          daily,
          hourly,
          `/analytics/${p}: the daily marginals disagree with the hourly buckets`,
        )
      }
    }
    // Migration 0019 fills the same daily rows from the hourly buckets of an existing database.
    const before = await Promise.all(paths.map((p) => get(`/api/v1/analytics/${p}${day}`, w.h.adminKey)))
    await w.h.db.db.deleteFrom('analytics_daily').execute()
    await backfillDaily(w.h.db.db as never)
    for (const [i, p] of paths.entries()) {
      assert.deepEqual(
        await get(`/api/v1/analytics/${p}${day}`, w.h.adminKey),
        before[i],
        `/analytics/${p}: migration 0019's back-fill disagrees with the fold`,
      )
    }
    const series = (await get(`/api/v1/analytics/timeseries?interval=day&${day}`)) as { points: Figures[] }
    const { figures } = (await get('/api/v1/analytics/summary')) as { figures: Figures }
    assert.equal(series.points.length, 1)
    assert.equal(series.points[0].sent, figures.sent)
  })

  test('bad filters are refused naming the field; CSV downloads the same rows', async () => {
    const bad = await w.h.api('GET', '/api/v1/analytics/breakdown?by=colour', { key: w.key })
    assert.equal(bad.status, 400, bad.text)
    assert.match(bad.text, /by/)
    const date = await w.h.api('GET', '/api/v1/analytics/summary?from=yesterday', { key: w.key })
    assert.equal(date.status, 400, date.text)
    assert.match(date.text, /from/)
    const csv = await w.h.api('GET', '/api/v1/analytics/breakdown?by=template&format=csv', { key: w.key })
    assert.equal(csv.status, 200, csv.text)
    assert.match(csv.headers.get('content-type') ?? '', /text\/csv/)
    const lines = csv.text.trim().split('\n')
    assert.match(lines[0], /^template,sent,received,delivered/)
    assert.ok(
      lines.some((l) => l.startsWith('summer_sale,3,')),
      csv.text,
    )
  })
})
