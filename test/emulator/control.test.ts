import assert from 'node:assert/strict'
import { rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, before, describe, test } from 'node:test'
import type { Emulator } from '../../src/emulator/index.ts'
import type { GraphLedgerEntry } from '../../src/emulator/ledger.ts'
import { graphCaller, startTestEmulator, template, text } from './helpers.ts'

// The control API (/_emulator/*), the ledger and the Graph faults.

let emu: Emulator
let graph: ReturnType<typeof graphCaller>
let pn: string

before(async () => {
  emu = await startTestEmulator()
  graph = graphCaller(emu)
  pn = emu.seed.phoneNumberIds[0]
})
after(() => emu.close())

async function control(method: string, route: string, body?: unknown) {
  const res = await fetch(`${emu.url}/_emulator${route}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  return { status: res.status, body: (await res.json()) as Record<string, unknown> }
}

describe('state and seed', () => {
  test('GET /_emulator/state returns every part of the emulated world', async () => {
    const { status, body } = await control('GET', '/state')
    assert.equal(status, 200)
    for (const key of [
      'app',
      'wabas',
      'phone_numbers',
      'tokens',
      'templates',
      'media',
      'customers',
      'messages',
      'faults',
    ]) {
      assert.ok(key in body, key)
    }
    const numbers = body.phone_numbers as { id: string; account_mode: string; allowed_recipients: string[] }[]
    assert.equal(numbers.length, 3)
    assert.ok(numbers.some((n) => n.account_mode === 'SANDBOX' && n.allowed_recipients.length > 0))
    const customers = body.customers as {
      wa_id: string | null
      user_id: string | null
      window_open: boolean
    }[]
    assert.ok(customers.some((c) => c.wa_id?.startsWith('34')))
    assert.ok(customers.some((c) => c.wa_id?.startsWith('55')))
    assert.ok(customers.some((c) => c.wa_id === null && c.user_id?.startsWith('US.')))
    const tokens = body.tokens as { state: string }[]
    assert.deepEqual(tokens.map((t) => t.state).sort(), ['expired', 'valid', 'valid'])
    const templates = body.templates as { name: string; status: string; language: string; category: string }[]
    const po = templates.find((t) => t.name === 'po_notification')
    assert.deepEqual([po?.language, po?.category, po?.status], ['es', 'UTILITY', 'APPROVED'])
    assert.deepEqual(
      ['PAUSED', 'DISABLED', 'PENDING'].map((s) => templates.some((t) => t.status === s)),
      [true, true, true],
    )
  })

  test('the seed summary names what a user needs', () => {
    assert.equal(emu.seed.phoneNumberIds.length, 3)
    assert.ok(emu.seed.accessToken && emu.seed.expiredToken && emu.seed.noPermissionToken)
    assert.ok(emu.seed.templates.some((t) => t.name === 'low_stock_alert' && t.language === 'es'))
  })

  test('a JSON seed file replaces the defaults, and flags override it', async () => {
    const file = path.join(tmpdir(), `emulator-seed-${process.pid}.json`)
    writeFileSync(
      file,
      JSON.stringify({
        app: { id: '42', secret: 'from-file' },
        wabas: [
          {
            id: '7',
            phone_numbers: [{ id: '70', display_phone_number: '+44 7700 900000', throughput_mps: 5 }],
            templates: [
              { name: 'hi', language: 'en', category: 'UTILITY', components: [{ type: 'BODY', text: 'Hi' }] },
            ],
          },
        ],
        tokens: [{ token: 'file-token' }],
        customers: [{ wa_id: '447700900001', name: 'Ann', last_inbound_at: new Date().toISOString() }],
      }),
    )
    const custom = await startTestEmulator({ seed: file, appSecret: 'from-flag' })
    try {
      assert.equal(custom.seed.appId, '42')
      assert.equal(custom.seed.appSecret, 'from-flag')
      assert.deepEqual(custom.seed.phoneNumberIds, ['70'])
      assert.equal(custom.seed.accessToken, 'file-token')
      const g = graphCaller(custom)
      assert.equal((await g('POST', '70/messages', text('447700900001', 'hi'))).status, 200)
      assert.equal((await g('POST', '70/messages', template('447700900001', 'hi', 'en'))).status, 200)
    } finally {
      await custom.close()
      rmSync(file, { force: true })
    }
    await assert.rejects(startTestEmulator({ seed: '/nonexistent/seed.json' }), /could not be read/)
  })
})

describe('customers', () => {
  test('add, read, update and refuse bad input', async () => {
    const added = await control('POST', '/customers', { wa_id: '+52 1 55 1234 5678', name: 'Diego' })
    assert.equal(added.status, 201)
    assert.equal(added.body.wa_id, '5215512345678')
    assert.equal(added.body.language, 'es')
    assert.equal(added.body.window_open, false)
    const updated = await control('POST', '/customers/5215512345678', {
      last_inbound_at: Date.now(),
      auto_reply: true,
    })
    assert.equal(updated.body.window_open, true)
    assert.equal((await control('GET', '/customers/5215512345678')).body.name, 'Diego')
    assert.equal((await control('POST', '/customers', { name: 'no id' })).status, 400)
    assert.equal((await control('POST', '/customers', 'not json')).status, 400)
    assert.equal((await control('GET', '/customers/000')).status, 404)
    const bad = await control('POST', '/customers/5215512345678/messages', { text: 'no type' })
    assert.equal(bad.status, 400)
    assert.equal((bad.body.error as { code: number }).code, 100)
  })
})

describe('ledger', () => {
  test('every Graph request is recorded with outcome and error code, filterable by time and kind', async () => {
    await control('DELETE', '/ledger')
    const since = Date.now()
    const ok = await graph('POST', `${pn}/messages`, text('34612345678', 'ledger'))
    await graph('POST', `${pn}/messages`, text('34612345678', ''))
    await graph('GET', `${pn}?access_token=${emu.seed.accessToken}`, undefined, null)
    const { body } = await control('GET', `/ledger?kind=graph&since=${since}`)
    const entries = body.data as GraphLedgerEntry[]
    assert.equal(entries.length, 3)
    assert.equal(entries[0].method, 'POST')
    assert.equal(entries[0].path, `/v23.0/${pn}/messages`)
    assert.equal(entries[0].status, 200)
    assert.equal(entries[0].wamid, (ok.body.messages as { id: string }[])[0].id)
    assert.deepEqual((entries[0].body as { text: unknown }).text, { body: 'ledger' })
    assert.equal(entries[1].status, 400)
    assert.equal(entries[1].errorCode, 100)
    assert.equal(entries[2].query.access_token, '[redacted]')
    const iso = await control(
      'GET',
      `/ledger?since=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`,
    )
    assert.equal(iso.body.count, 0)
    await control('DELETE', '/ledger')
    assert.equal((await control('GET', '/ledger')).body.count, 0)
  })
})

describe('graph faults', () => {
  test('errorRate answers 5xx in Meta envelope; latency delays; clearing restores', async () => {
    await control('POST', '/faults', { graph: { errorRate: 1 } })
    const send = await graph('POST', `${pn}/messages`, text('34612345678', 'x'))
    assert.equal(send.status, 500)
    assert.equal(send.body.error?.code, 131000)
    const get = await graph('GET', pn)
    assert.equal(get.status, 503)
    assert.equal(get.body.error?.code, 2)
    await control('POST', '/faults', { graph: { errorRate: 0, latencyMs: 40 } })
    const started = Date.now()
    assert.equal((await graph('GET', pn)).status, 200)
    assert.ok(Date.now() - started >= 40)
    await control('DELETE', '/faults')
    assert.deepEqual((await control('GET', '/faults')).body.graph, {
      latencyMs: 0,
      errorRate: 0,
      dropRate: 0,
      dropWhen: 'after',
    })
  })

  test('dropRate destroys the connection; with dropWhen after, the send still happened', async () => {
    await control('DELETE', '/ledger')
    await control('POST', '/faults', { graph: { dropRate: 1, dropWhen: 'after' } })
    await assert.rejects(graph('POST', `${pn}/messages`, text('34612345678', 'lost answer')))
    await control('POST', '/faults', { graph: { dropRate: 1, dropWhen: 'before' } })
    await assert.rejects(graph('POST', `${pn}/messages`, text('34612345678', 'never sent')))
    await control('DELETE', '/faults')
    const entries = (await control('GET', '/ledger?kind=graph')).body.data as GraphLedgerEntry[]
    assert.equal(entries[0].fault, 'drop')
    assert.match(String(entries[0].wamid), /^wamid\./)
    assert.equal(entries[1].fault, 'drop')
    assert.equal(entries[1].wamid, undefined)
    assert.equal((await graph('GET', pn)).status, 200)
  })

  test('unknown control routes answer 404 with a pointer to the docs', async () => {
    const res = await control('GET', '/nope')
    assert.equal(res.status, 404)
    assert.match((res.body.error as { error_data: { details: string } }).error_data.details, /EMULATOR\.md/)
  })

  test('throughput and number settings change through the control API', async () => {
    const t = await control('POST', `/numbers/${pn}/throughput`, { mps: 0 })
    assert.equal(t.body.throughput_mps, null)
    const n = await control('POST', `/numbers/${pn}`, {
      account_mode: 'SANDBOX',
      allowed_recipients: ['+34 612 345 678'],
    })
    assert.deepEqual(n.body.allowed_recipients, ['34612345678'])
    assert.equal(
      (await graph('POST', `${pn}/messages`, template('16505551234', 'hello_world', 'en_US'))).body.error
        ?.code,
      131030,
    )
    await control('POST', `/numbers/${pn}`, { account_mode: 'LIVE' })
    await control('POST', `/numbers/${pn}/throughput`, { mps: 80 })
    assert.equal((await control('POST', '/auto-reply', { enabled: true })).body.auto_reply, true)
    await control('POST', '/auto-reply', { enabled: false })
    assert.equal((await control('POST', '/webhook', { url: 'ftp://x' })).status, 400)
    assert.equal((await control('POST', '/webhooks/flush')).status, 200)
  })
})
