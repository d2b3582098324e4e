import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { explainMetaError } from '../../src/cloud-api/error-catalogue.ts'
import { type CliResult, runWahub } from '../helpers/cli.ts'
import { testDbKind } from '../helpers/db.ts'
import { type Harness, startHarness } from '../helpers/harness.ts'

// The administration commands against the database directly (as `wahub migrate` does), with
// the emulator as Meta: what an operator scripting the setup of seed 001/003 runs.

describe(`wahub administration commands (${testDbKind})`, () => {
  let h: Harness
  let env: Record<string, string>
  const wahub = (...args: string[]) => runWahub(args, { env })
  const json = (res: CliResult) => {
    assert.equal(res.code, 0, `exit ${res.code}: ${res.stderr}${res.stdout}`)
    return JSON.parse(res.stdout)
  }

  before(async () => {
    h = await startHarness()
    env = {
      WAHUB_DATA_DIR: h.db.dataDir, // the SQLite file and the secret key file
      WAHUB_GRAPH_URL: h.emulator.url,
      WAHUB_PUBLIC_URL: h.wahub.config.publicUrl as string,
      ...(h.db.databaseUrl ? { DATABASE_URL: h.db.databaseUrl } : {}),
    }
  })
  after(async () => {
    await h.close()
  })

  test('wahub --help lists the administration commands', async () => {
    const res = await wahub('--help')
    for (const name of [
      'app',
      'waba',
      'number',
      'tenant',
      'apikey',
      'user',
      'phone',
      'webhook',
      'templates',
    ]) {
      assert.match(res.stdout, new RegExp(`\\n  ${name} +\\S`), `--help lists ${name}`)
    }
    const usage = await wahub('waba', '--help')
    assert.match(usage.stdout, /^wahub waba add --waba-id ID --token TOKEN/)
  })

  test('app add prints the callback URL and the verify token once; app list shows 4 characters', async () => {
    const res = await wahub(
      'app',
      'add',
      '--app-id',
      h.emulator.seed.appId,
      '--app-secret',
      h.emulator.seed.appSecret,
    )
    assert.equal(res.code, 0, res.stderr)
    assert.match(res.stdout, new RegExp(`Callback URL: +${h.wahub.config.publicUrl}/webhooks/whatsapp`))
    const token = /Verify token: +(\S+) +\(shown once\)/.exec(res.stdout)?.[1]
    assert.ok(token && token.length >= 24, res.stdout)
    const list = await wahub('app', 'list')
    assert.ok(!list.stdout.includes(token), 'the verify token is not shown again')
    assert.ok(!list.stdout.includes(h.emulator.seed.appSecret))
    assert.match(list.stdout, new RegExp(`…${token.slice(-4)}`))
    const again = json(
      await wahub(
        'app',
        'add',
        '--app-id',
        h.emulator.seed.appId,
        '--app-secret',
        h.emulator.seed.appSecret,
        '--verify-token',
        h.emulator.seed.verifyToken,
        '--json',
      ),
    )
    assert.equal(again.created, false)
    assert.equal(again.verifyToken, h.emulator.seed.verifyToken)
  })

  test('waba add refuses a bad token with the fix and exit 1; a good one is saved', async () => {
    const bad = await wahub(
      'waba',
      'add',
      '--waba-id',
      h.emulator.seed.wabaId,
      '--token',
      h.emulator.seed.expiredToken,
    )
    assert.equal(bad.code, 1)
    assert.match(bad.stderr, /error: Meta refused the access token/)
    assert.ok(bad.stderr.includes(`fix: ${explainMetaError(190).fix}`), bad.stderr)
    assert.ok(!bad.stderr.includes(h.emulator.seed.expiredToken))
    const badJson = await wahub(
      'waba',
      'add',
      '--waba-id',
      h.emulator.seed.wabaId,
      '--token',
      'EAAW-nope-nope-nope-nope',
      '--json',
    )
    assert.equal(badJson.code, 1)
    assert.equal(JSON.parse(badJson.stdout).error.code, 'token_invalid')

    const good = json(
      await wahub(
        'waba',
        'add',
        '--waba-id',
        h.emulator.seed.wabaId,
        '--token',
        h.emulator.seed.accessToken,
        '--json',
      ),
    )
    assert.equal(good.created, true)
    assert.equal(good.waba.tokenLast4, h.emulator.seed.accessToken.slice(-4))
    const list = await wahub('waba', 'list')
    assert.ok(!list.stdout.includes(h.emulator.seed.accessToken))
    assert.match(list.stdout, new RegExp(`…${h.emulator.seed.accessToken.slice(-4)}`))
  })

  test('number import shows quality, messaging limit and throughput', async () => {
    const res = await wahub('number', 'import', '--waba-id', h.emulator.seed.wabaId)
    assert.equal(res.code, 0, res.stderr)
    assert.match(res.stdout, /3 new, 0 updated/)
    assert.match(res.stdout, /110000000000001 .*GREEN +TIER_\w+ +STANDARD \(80\/s\)/)
    const list = json(await wahub('number', 'list', '--json'))
    assert.equal(list.length, 3)
  })

  test('tenant add with numbers and a default; apikey create prints { key } once', async () => {
    const [first, second] = h.emulator.seed.phoneNumberIds
    const t = json(
      await wahub(
        'tenant',
        'add',
        '--name',
        'bakery one',
        '--number',
        first,
        second,
        '--default',
        second,
        '--json',
      ),
    )
    assert.deepEqual(
      t.numbers.map((n: { phoneNumberId: string }) => n.phoneNumberId).sort(),
      [first, second].sort(),
    )
    assert.equal(t.numbers.find((n: { id: string }) => n.id === t.defaultNumberId).phoneNumberId, second)

    const key = json(
      await wahub('apikey', 'create', '--tenant', 'bakery one', '--scopes', 'send,read', '--json'),
    )
    assert.match(key.key, /^wh_/)
    const api = await h.api('GET', '/api/v1/numbers', { key: key.key })
    assert.equal(api.status, 200, 'the key works against the server')
    const list = await wahub('apikey', 'list', '--tenant', 'bakery one')
    assert.ok(!list.stdout.includes(key.key))
    assert.ok(list.stdout.includes(key.key.slice(-4)))
    const revoke = await wahub('apikey', 'remove', '--id', key.id)
    assert.equal(revoke.code, 0, revoke.stderr)
    assert.equal((await h.api('GET', '/api/v1/numbers', { key: key.key })).status, 401)

    const tenants = await wahub('tenant', 'list')
    assert.match(tenants.stdout, /bakery one/)
    const usage = await wahub('apikey', 'create')
    assert.equal(usage.code, 2, 'a missing --tenant is a usage error')
  })

  test('tenant update moves a number; global default and WhatsApp off', async () => {
    const [, second, third] = h.emulator.seed.phoneNumberIds
    json(await wahub('tenant', 'update', '--name', 'bakery one', '--remove-number', second, '--json'))
    json(await wahub('tenant', 'add', '--name', 'bakery two', '--number', second, '--json'))
    const def = json(await wahub('number', 'default', '--phone-number-id', third, '--json'))
    assert.equal(def.defaultPhoneNumberId, third)
    const off = json(await wahub('tenant', 'whatsapp', 'off', '--json'))
    assert.equal(off.whatsappEnabled, false)
    json(await wahub('tenant', 'whatsapp', 'on', '--json'))
  })

  test('user create prints a one-time password once', async () => {
    const res = await wahub(
      'user',
      'create',
      '--email',
      'agent@bakery.example',
      '--role',
      'agent',
      '--tenant',
      'bakery one',
    )
    assert.equal(res.code, 0, res.stderr)
    const password = /One-time password: (\S+)/.exec(res.stdout)?.[1]
    assert.ok(password)
    const list = await wahub('user', 'list')
    assert.ok(!list.stdout.includes(password))
    assert.match(list.stdout, /agent@bakery\.example +agent/)
    const noTenant = await wahub('user', 'create', '--email', 'x@bakery.example', '--role', 'agent')
    assert.equal(noTenant.code, 1)
    assert.match(noTenant.stderr, /tenant is required/)
  })

  test('phone register explains a wrong PIN (133005) and registers with the right one', async () => {
    const pnid = h.emulator.seed.phoneNumberIds[0] // PIN 123456
    const wrong = await wahub('phone', 'register', '--phone-number-id', pnid, '--pin', '111111')
    assert.equal(wrong.code, 1)
    assert.match(wrong.stderr, /133005/)
    assert.ok(wrong.stderr.includes(explainMetaError(133005).fix), wrong.stderr)
    assert.ok(!wrong.stderr.includes('111111'), 'the PIN is not echoed')
    const right = await wahub('phone', 'register', '--phone-number-id', pnid, '--pin', '123456')
    assert.equal(right.code, 0, right.stderr)
    assert.match(right.stdout, /registered/)
  })

  test('webhook status names an override elsewhere and exits 1; override puts Wahub back', async () => {
    const pnid = h.emulator.seed.phoneNumberIds[1]
    const ok = await wahub('webhook', 'status')
    assert.equal(ok.code, 0, ok.stdout + ok.stderr)
    assert.match(ok.stdout, /OK: Meta sends every number's webhooks to Wahub/)

    // Someone points the number elsewhere at Meta (any URL that answers Meta's handshake: here
    // Wahub's receiver with a query string, so the URL differs from Wahub's callback).
    const target = { baseUrl: h.emulator.url, version: 'v23.0', token: h.emulator.seed.accessToken }
    await h.wahub.graph.setNumberWebhook(target, pnid, {
      override_callback_uri: `${h.wahub.config.publicUrl}/webhooks/whatsapp?old=vendor`,
      verify_token: h.emulator.seed.verifyToken,
    })
    const bad = await wahub('webhook', 'status', '--phone-number-id', pnid)
    assert.equal(bad.code, 1)
    assert.match(bad.stdout, /number-level override/)
    assert.match(bad.stdout, /≠ Wahub/)
    const status = JSON.parse((await wahub('webhook', 'status', '--json')).stdout)
    assert.equal(
      status[0].numbers.find((n: { phoneNumberId: string }) => n.phoneNumberId === pnid).effective.level,
      'number',
    )

    h.wahub.secrets.invalidate() // the server would pick the app up within seconds; no waiting here
    const fixed = await wahub('webhook', 'override', '--level', 'number', '--phone-number-id', pnid)
    assert.equal(fixed.code, 0, fixed.stderr + fixed.stdout)
    assert.match(fixed.stdout, new RegExp(`${pnid}.*= Wahub`))
    const sub = await wahub('webhook', 'subscribe', '--waba-id', h.emulator.seed.wabaId, '--json')
    assert.equal(JSON.parse(sub.stdout).subscribed, true)
  })

  test('templates sync and list', async () => {
    const sync = await wahub('templates', 'sync')
    assert.equal(sync.code, 0, sync.stderr)
    assert.match(sync.stdout, /9 templates/)
    const list = json(await wahub('templates', 'list', '--status', 'APPROVED', '--json'))
    assert.ok(list.some((t: { name: string }) => t.name === 'po_notification'))
    const text = await wahub('templates', 'list')
    assert.match(text.stdout, /NAME\s+LANGUAGE\s+CATEGORY\s+STATUS\s+REASON\s+QUALITY\s+LAST USED/)
    assert.match(text.stdout, /hello_world\s+en_US\s+UTILITY\s+APPROVED\s+\S+\s+never/, text.stdout)
  })

  test('remove commands', async () => {
    assert.equal((await wahub('user', 'remove', '--email', 'agent@bakery.example')).code, 0)
    assert.equal((await wahub('tenant', 'remove', '--name', 'bakery two')).code, 0)
    assert.equal(
      (await wahub('number', 'remove', '--phone-number-id', h.emulator.seed.phoneNumberIds[2])).code,
      0,
    )
    const unknown = await wahub('tenant', 'remove', '--name', 'nobody')
    assert.equal(unknown.code, 1)
    assert.match(unknown.stderr, /No tenant nobody/)
  })
})
