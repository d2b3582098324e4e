import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { GoliveGuide } from '../../src/diagnostics/golive-types.ts'
import type { CarryResult, SandboxCarryOver } from '../../src/sandbox/carry-over.ts'
import { runCliHere } from '../helpers/cli.ts'
import { testDbKind } from '../helpers/db.ts'
import { type Harness, startHarness } from '../helpers/harness.ts'
import { waitFor } from '../helpers/wait.ts'

// "Go live" from the first-run Sandbox (issue 21, decision 0083): the Sandbox beside the
// harness's emulator standing in for Meta. The tenant stays and takes the real number as its
// default, the Sandbox numbers are not carried, and a template made in the Sandbox is submitted
// to the real WABA, where its review is tracked until Meta approves it; the Sandbox's own key
// then sends it from the real number.

const fast = {
  customers: false as const,
  emulator: { delays: { sentMs: 5, deliveredMs: 10, readMs: 20, autoReplyMs: 20, templateReviewMs: 10 } },
}

const orderReady = {
  name: 'order_ready',
  language: 'en_US',
  category: 'UTILITY',
  components: [
    { type: 'BODY', text: 'Your order {{1}} is ready to collect.', example: { body_text: [['PO-1']] } },
  ],
}

describe(`go live from the Sandbox (${testDbKind})`, () => {
  let h: Harness
  const realNumber = '110000000000001'
  const carry = async (): Promise<SandboxCarryOver> => {
    const res = await h.api('GET', '/api/v1/admin/golive/sandbox', { key: h.adminKey })
    assert.equal(res.status, 200, res.text)
    return res.body as SandboxCarryOver
  }
  const template = (c: SandboxCarryOver, name: string) => c.templates.find((t) => t.name === name)
  before(async () => {
    h = await startHarness({ env: { WAHUB_SANDBOX: 'on' }, firstRun: { sandbox: fast }, logLevel: 'warn' })
  })
  after(async () => {
    await h?.close()
  })

  test('GET /golive/sandbox: the tenant stays, the Sandbox numbers are not carried, its samples are offered', async () => {
    assert.equal((await h.api('GET', '/api/v1/admin/golive/sandbox')).status, 401)
    const c = await carry()
    assert.equal(c.tenant?.name, 'Sandbox demo')
    assert.deepEqual(
      c.numbers.map((n) => n.phoneNumberId),
      ['990200000000001', '990200000000002'],
    )
    assert.equal(c.target, null, 'no real WABA yet')
    assert.ok(c.templates.length >= 5)
    assert.ok(c.templates.every((t) => t.origin === 'sample'))
    const hello = template(c, 'hello_world')
    assert.equal(hello?.carry, 'offered')
  })

  test('a template made in the Sandbox is offered as authored; nothing can be carried before a real WABA', async () => {
    const sandboxWaba = '990100000000001'
    const made = await h.api('POST', `/api/v1/admin/wabas/${sandboxWaba}/templates`, {
      key: h.adminKey,
      body: orderReady,
    })
    assert.equal(made.status, 201, made.text)
    await waitFor('the Sandbox to approve order_ready', async () => {
      const rows = await h.db.db
        .selectFrom('templates')
        .select('status')
        .where('name', '=', 'order_ready')
        .execute()
      return rows.length === 1 && rows[0].status === 'APPROVED'
    })
    const t = template(await carry(), 'order_ready')
    assert.deepEqual([t?.origin, t?.carry], ['authored', 'offered'])

    const early = await h.api('POST', '/api/v1/admin/golive/sandbox', {
      key: h.adminKey,
      body: { templates: 'authored' },
    })
    assert.equal(early.status, 409, early.text)
    assert.match(early.text, /No real WABA is connected yet/)

    const bad = await h.api('POST', '/api/v1/admin/golive/sandbox', {
      key: h.adminKey,
      body: { templates: [{ name: 'order_ready' }] },
    })
    assert.equal(bad.status, 400, bad.text)
    assert.match(bad.text, /language/, 'the 400 names the missing field')
    const word = await h.api('POST', '/api/v1/admin/golive/sandbox', {
      key: h.adminKey,
      body: { templates: 'some' },
    })
    assert.equal(word.status, 400, word.text)
  })

  test('carried over: the tenant sends from the real number, the authored template is submitted and approved at Meta', async () => {
    const seed = h.emulator.seed
    const app = await h.api('POST', '/api/v1/admin/apps', {
      key: h.adminKey,
      body: { appId: seed.appId, appSecret: seed.appSecret, verifyToken: seed.verifyToken },
    })
    assert.equal(app.status, 201, app.text)
    const waba = await h.api('POST', '/api/v1/admin/wabas', {
      key: h.adminKey,
      body: { wabaId: seed.wabaId, token: seed.accessToken, appId: seed.appId },
    })
    assert.equal(waba.status, 201, waba.text)
    const wabaRowId = (waba.body as { waba: { id: string } }).waba.id
    const imported = await h.api('POST', `/api/v1/admin/wabas/${wabaRowId}/numbers/import`, {
      key: h.adminKey,
    })
    assert.equal(imported.status, 200, imported.text)

    // The real WABA's templates are synced after it is added (a job).
    const before = await waitFor('the real WABA to have its templates', async () => {
      const c = await carry()
      return template(c, 'hello_world')?.carry === 'submitted' ? c : undefined
    })
    assert.equal(before.target?.wabaId, seed.wabaId)
    assert.equal(template(before, 'hello_world')?.carry, 'submitted', 'the real WABA has hello_world already')
    assert.equal(template(before, 'hello_world')?.status, 'APPROVED')

    const sandboxNumber = await h.api('POST', '/api/v1/admin/golive/sandbox', {
      key: h.adminKey,
      body: { number: '990200000000001' },
    })
    assert.equal(sandboxNumber.status, 400, sandboxNumber.text)
    assert.match(sandboxNumber.text, /Sandbox number/)

    const res = await h.api('POST', '/api/v1/admin/golive/sandbox', {
      key: h.adminKey,
      body: {
        number: realNumber,
        templates: [
          { name: 'order_ready', language: 'en_US' },
          { name: 'hello_world', language: 'en_US' },
          { name: 'no_such', language: 'en_US' },
        ],
      },
    })
    assert.equal(res.status, 200, res.text)
    const r = res.body as CarryResult
    assert.deepEqual(r.tenant, { name: 'Sandbox demo', number: realNumber })
    assert.deepEqual(
      r.templates.map((t) => [t.name, t.outcome]),
      [
        ['order_ready', 'submitted'],
        ['hello_world', 'skipped'],
        ['no_such', 'failed'],
      ],
    )
    assert.equal(r.templates[0].status, 'PENDING')
    assert.match(r.templates[2].error?.fix ?? '', /from-sandbox/)
    const created = h.emulator.control.ledger({ kind: 'graph' }) as { method?: string; path?: string }[]
    assert.ok(
      created.some((e) => e.method === 'POST' && e.path?.includes(`${seed.wabaId}/message_templates`)),
      'the template went to the real WABA',
    )

    const approved = await waitFor('Meta to approve order_ready in the real WABA', async () => {
      const t = template(await carry(), 'order_ready')
      return t?.status === 'APPROVED' ? t : undefined
    })
    assert.equal(approved.carry, 'submitted')

    // The Sandbox tenant's own key now sends the carried template from the real number by default.
    const sandboxKey = h.wahub.welcome.sandbox?.apiKey ?? ''
    assert.ok(sandboxKey.startsWith('wh_'))
    const sent = await h.api('POST', '/api/v1/messages', {
      key: sandboxKey,
      body: {
        to: '16505551234',
        type: 'template',
        template: {
          name: 'order_ready',
          language: { code: 'en_US' },
          components: [{ type: 'body', parameters: [{ type: 'text', text: 'PO-7' }] }],
        },
      },
    })
    assert.ok(sent.status === 200 || sent.status === 202, sent.text)
    const message = await waitFor('the send to reach the real number at Meta', () => {
      const ledger = h.emulator.control.ledger({ kind: 'graph' }) as { path?: string; status?: number }[]
      return ledger.find((e) => e.path?.includes(`${realNumber}/messages`) && e.status === 200)
    })
    assert.ok(message)

    // The guide carries the same view.
    const g = (await h.api('GET', '/api/v1/admin/golive', { key: h.adminKey })).body as GoliveGuide
    assert.equal(g.sandbox?.tenant?.name, 'Sandbox demo')
    assert.equal(g.sandbox?.templates.find((t) => t.name === 'order_ready')?.status, 'APPROVED')
  })

  test('`wahub golive --from-sandbox` shows the carry-over and submits with --submit', async () => {
    const env = {
      WAHUB_DATA_DIR: h.db.dataDir,
      ...(h.db.databaseUrl ? { DATABASE_URL: h.db.databaseUrl } : {}),
      WAHUB_GRAPH_URL: h.emulator.url,
      WAHUB_PUBLIC_URL: h.url,
      WAHUB_SANDBOX: 'off',
      PORT: new URL(h.url).port,
    }
    const shown = await runCliHere(['golive', '--from-sandbox'], env)
    assert.equal(shown.code, 0, shown.stdout + shown.stderr)
    assert.match(shown.stdout, /tenant "Sandbox demo" stays/)
    assert.match(shown.stdout, /not carried: the Sandbox numbers \+1 555-010-1001/)
    assert.match(shown.stdout, /order_ready \(en_US, UTILITY\): at Meta: APPROVED/)
    const usage = await runCliHere(['golive', '--from-sandbox', '--submit', 'order_ready'], env)
    assert.equal(usage.code, 2, usage.stderr)
    assert.match(usage.stderr, /NAME:LANG/)
    const again = await runCliHere(
      ['golive', '--from-sandbox', '--submit', 'order_ready:en_US', '--json'],
      env,
    )
    assert.equal(again.code, 0, again.stdout + again.stderr)
    const r = JSON.parse(again.stdout) as CarryResult
    assert.equal(r.templates[0].outcome, 'skipped', 'already at Meta')
  })
})
