import assert from 'node:assert/strict'
import net from 'node:net'
import { after, before, describe, test } from 'node:test'
import { runDoctor } from '../../src/diagnostics/doctor.ts'
import { createLogger } from '../../src/log.ts'
import { sampleSendBody } from '../../src/sandbox/welcome.ts'
import { startWahub, type Wahub } from '../../src/wahub.ts'
import { testConfig } from '../helpers/config.ts'
import { createTestDb, type TestDb, testDbKind } from '../helpers/db.ts'
import { apiCall } from '../helpers/harness.ts'
import { waitFor } from '../helpers/wait.ts'

// The first-run Sandbox in process (the same startWahub `wahub serve` calls): what it creates,
// that it works end to end (a customer writes, a template goes out, is delivered and read, the
// customer answers), that doctor finds nothing wrong with it, and that a restart keeps it all.

const fast = {
  customers: { firstAfterMs: 20, everyMs: [150, 300] as const },
  emulator: { delays: { sentMs: 5, deliveredMs: 10, readMs: 20, autoReplyMs: 20, templateReviewMs: 10 } },
}

async function start(db: TestDb, env: Record<string, string> = {}): Promise<Wahub> {
  const config = testConfig({ WAHUB_DATA_DIR: db.dataDir, WAHUB_SANDBOX: 'on', ...env })
  return startWahub(config, { log: createLogger('silent'), handle: db, firstRun: { sandbox: fast } })
}

const inbound = async (db: TestDb) =>
  Number(
    (
      await db.db
        .selectFrom('messages')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('direction', '=', 'in')
        .executeTakeFirstOrThrow()
    ).n,
  )

describe(`the first-run Sandbox (${testDbKind})`, () => {
  let db: TestDb
  let wahub: Wahub | undefined
  let key = ''
  before(async () => {
    db = await createTestDb()
  })
  after(async () => {
    await wahub?.close()
    await db.drop()
  })

  test('a first start creates the admin (one-time password) and a labelled Sandbox with a tenant, a key and approved templates', async () => {
    wahub = await start(db)
    const { admin, sandbox } = wahub.welcome
    assert.ok(admin?.password, 'the one-time password is handed to the banner')
    const user = await db.db.selectFrom('users').selectAll().executeTakeFirstOrThrow()
    assert.equal(user.email, 'admin@wahub.local')
    assert.equal(user.role, 'admin')
    assert.equal(user.must_change_password, 1, 'changed at the first login')
    assert.ok(sandbox?.created && sandbox.apiKey?.startsWith('wh_'))
    key = sandbox.apiKey ?? ''

    const waba = await db.db.selectFrom('wabas').selectAll().executeTakeFirstOrThrow()
    assert.equal(waba.is_sandbox, 1)
    assert.equal(waba.name, 'Sandbox WABA')
    assert.equal(waba.graph_url, sandbox.emulatorUrl)
    const app = await db.db.selectFrom('meta_apps').selectAll().executeTakeFirstOrThrow()
    assert.match(app.name ?? '', /^Sandbox/)
    const numbers = await db.db.selectFrom('phone_numbers').selectAll().orderBy('phone_number_id').execute()
    assert.deepEqual(
      numbers.map((n) => [n.verified_name, n.is_sandbox, n.registered, n.account_mode]),
      [
        ['Sandbox Shop', 1, 1, 'LIVE'],
        ['Sandbox Support', 1, 1, 'LIVE'],
      ],
    )
    const tenant = await db.db.selectFrom('tenants').selectAll().executeTakeFirstOrThrow()
    assert.equal(tenant.name, 'Sandbox demo')
    assert.equal(tenant.default_phone_number_id, numbers[0].id)
    assert.ok(numbers.every((n) => n.tenant_id === tenant.id))
    const templates = await db.db.selectFrom('templates').select(['name', 'language', 'status']).execute()
    assert.ok(templates.length >= 5 && templates.every((t) => t.status === 'APPROVED'))
    assert.ok(
      templates.some((t) => t.name === 'po_notification' && t.language === 'es'),
      "seed 001's template",
    )
  })

  test('simulated customers write in, in several languages', async () => {
    await waitFor('messages from two customers', async () => {
      const rows = await db.db.selectFrom('contacts').select('wa_id').execute()
      return rows.length >= 2
    })
    assert.ok((await inbound(db)) >= 2)
  })

  test('a template sent with the Sandbox key is delivered and read, and the customer answers', async () => {
    assert.ok(wahub)
    const res = await apiCall(wahub.url, 'POST', '/api/v1/messages', {
      key,
      body: sampleSendBody('34612345678'),
    })
    assert.equal(res.status, 202, res.text)
    const id = (res.body as { id: string }).id
    await waitFor('the template to be read', async () => {
      const m = await db.db.selectFrom('messages').select('status').where('id', '=', id).executeTakeFirst()
      return m?.status === 'read'
    })
    const wamid = (
      await db.db.selectFrom('messages').select('wamid').where('id', '=', id).executeTakeFirstOrThrow()
    ).wamid
    await waitFor("the customer's answer to it", () =>
      db.db
        .selectFrom('messages')
        .select('id')
        .where('direction', '=', 'in')
        .where('context_wamid', '=', wamid)
        .executeTakeFirst(),
    )
  })

  test('doctor finds nothing wrong with the Sandbox', async () => {
    assert.ok(wahub)
    const report = await runDoctor(
      { db: db.db, vault: wahub.vault, graph: wahub.graph, config: wahub.config },
      { fresh: true },
    )
    const bad = report.checks.filter((c) => c.status !== 'pass' && c.id !== 'public_url')
    assert.deepEqual(bad, [], 'every other check passes on a fresh Sandbox')
    // Without WAHUB_PUBLIC_URL the Sandbox works, but a real number would not: a warning with the fix.
    const publicUrl = report.checks.find((c) => c.id === 'public_url')
    assert.equal(publicUrl?.status, 'warn')
    assert.match(publicUrl?.seen ?? '', /only the Sandbox is connected/)
    assert.match(publicUrl?.fix ?? '', /WAHUB_PUBLIC_URL/)
  })

  test('a restart keeps everything: no new password, the same emulator, ids, key and secrets', async () => {
    assert.ok(wahub)
    const before = wahub.welcome.sandbox
    const count = await inbound(db)
    await wahub.close()
    wahub = await start(db)
    assert.equal(wahub.welcome.admin, undefined, 'the password is printed once')
    const s = wahub.welcome.sandbox
    assert.ok(s && !s.created)
    assert.equal(s.apiKey, null, 'the key is shown once')
    assert.equal(s.apiKeyHint, `wh_…${key.slice(-4)}`)
    assert.equal(s.emulatorUrl, before?.emulatorUrl, 'the emulator is back on its port')
    assert.equal((await db.db.selectFrom('users').select('id').execute()).length, 1)
    assert.equal((await db.db.selectFrom('wabas').select('id').execute()).length, 1)
    // The app secret still matches: the customers' webhooks are accepted.
    await waitFor('a customer message after the restart', async () => (await inbound(db)) > count)
    // The token still matches: the first start's key sends through the rebuilt emulator.
    const res = await apiCall(wahub.url, 'POST', '/api/v1/messages', {
      key,
      body: sampleSendBody('16505551234'),
    })
    assert.equal(res.status, 202, res.text)
    const id = (res.body as { id: string }).id
    await waitFor('the send after the restart to be delivered', async () => {
      const m = await db.db.selectFrom('messages').select('status').where('id', '=', id).executeTakeFirst()
      return m?.status === 'delivered' || m?.status === 'read'
    })
  })

  test("when the emulator's port is taken at a restart, it moves and Wahub's WABA follows", async () => {
    assert.ok(wahub)
    const old = new URL(wahub.welcome.sandbox?.emulatorUrl ?? '')
    await wahub.close()
    const blocker = net.createServer()
    await new Promise<void>((resolve) => blocker.listen(Number(old.port), '127.0.0.1', resolve))
    try {
      wahub = await start(db)
      const moved = wahub.welcome.sandbox?.emulatorUrl
      assert.ok(moved && moved !== old.origin)
      const waba = await db.db.selectFrom('wabas').select('graph_url').executeTakeFirstOrThrow()
      assert.equal(waba.graph_url, moved)
      const res = await apiCall(wahub.url, 'POST', '/api/v1/messages', {
        key,
        body: sampleSendBody('34612345678'),
      })
      assert.equal(res.status, 202, res.text)
    } finally {
      await new Promise((resolve) => blocker.close(resolve))
    }
  })
})

describe(`no Sandbox (${testDbKind})`, () => {
  test('WAHUB_SANDBOX=off: the first admin, and no channel at all', async () => {
    const db = await createTestDb()
    const wahub = await start(db, { WAHUB_SANDBOX: 'off' })
    try {
      assert.ok(wahub.welcome.admin?.password)
      assert.equal(wahub.welcome.sandbox, undefined)
      assert.equal((await db.db.selectFrom('wabas').select('id').execute()).length, 0)
    } finally {
      await wahub.close()
      await db.drop()
    }
  })

  test('an installation that already has channels gets no Sandbox on its first start', async () => {
    const db = await createTestDb()
    await db.db
      .insertInto('meta_apps')
      .values({
        id: 'app_x',
        app_id: '123456789',
        name: null,
        app_secret_enc: null,
        verify_token_enc: 'x',
        created_at: 0,
        updated_at: 0,
      })
      .execute()
    const wahub = await start(db)
    try {
      assert.equal(wahub.welcome.sandbox, undefined)
      assert.equal((await db.db.selectFrom('wabas').select('id').execute()).length, 0)
    } finally {
      await wahub.close()
      await db.drop()
    }
  })
})
