import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { DoctorReport } from '../../src/diagnostics/types.ts'
import { runWahub } from '../helpers/cli.ts'
import { testDbKind } from '../helpers/db.ts'
import { type Harness, startHarness } from '../helpers/harness.ts'
import { waitFor } from '../helpers/wait.ts'
import { doctor, type Onboarded2, onboard } from './helpers.ts'
import { cleanSeed, ids } from './seeds.ts'

// The two ways in: GET /api/v1/admin/diagnostics and `wahub doctor` (the real CLI, started with
// the system Node through the launcher), `--channel`, `--json`, the exit code, and the cache
// that keeps doctor from hammering Meta's management API.

describe(`doctor from the API and the command line (${testDbKind})`, () => {
  let h: Harness
  let on: Onboarded2
  before(async () => {
    h = await startHarness({ emulator: { seed: cleanSeed() } })
    on = await onboard(h, [ids.wabaA], [ids.good])
    // Traffic, so "webhooks arriving" passes.
    h.emulator.control.customerSends(
      '34612345678',
      { type: 'text', text: { body: 'hola' } },
      { phoneNumberId: ids.good },
    )
  })
  after(async () => {
    await h.close()
  })

  const cliEnv = () => ({
    WAHUB_DATA_DIR: h.db.dataDir,
    DATABASE_URL: h.db.databaseUrl,
    WAHUB_GRAPH_URL: h.emulator.url,
    WAHUB_PUBLIC_URL: h.url,
    WAHUB_SANDBOX: 'off',
    PORT: new URL(h.url).port,
  })

  test('GET /api/v1/admin/diagnostics: no credentials 401, a tenant key 403, a bad channel 400', async () => {
    assert.equal((await h.api('GET', '/api/v1/admin/diagnostics')).status, 401)
    assert.equal((await h.api('GET', '/api/v1/admin/diagnostics', { key: on.key })).status, 403)
    const bad = await h.api('GET', '/api/v1/admin/diagnostics?channel=../etc', { key: h.adminKey })
    assert.equal(bad.status, 400)
    assert.equal((bad.body as { error: { code: string } }).error.code, 'validation_failed')
  })

  test('GET /api/v1/admin/diagnostics answers every check with status, seen and fix', async () => {
    const res = await h.api('GET', '/api/v1/admin/diagnostics?fresh=true', { key: h.adminKey })
    assert.equal(res.status, 200, res.text)
    const report = res.body as DoctorReport
    const ids = new Set(report.checks.map((c) => c.id))
    for (const id of [
      'channels',
      'public_url',
      'webhook.handshake',
      'app_secret',
      'webhook.signatures',
      'token',
      'webhook.subscribed',
      'templates',
      'number.in_waba',
      'number.names',
      'number.quality',
      'number.registered',
      'webhook.callback',
      'webhooks.arriving',
      'webhooks.unrouted',
      'webhooks.backlog',
      'sends.failures',
    ]) {
      assert.ok(ids.has(id as never), `check ${id} is reported`)
    }
    for (const c of report.checks) {
      assert.ok(['pass', 'warn', 'fail'].includes(c.status))
      assert.ok(c.title && c.seen, `${c.id} has a title and what was seen`)
    }
    assert.deepEqual(report.summary.fail, 0, JSON.stringify(report.checks.filter((c) => c.status === 'fail')))
    assert.equal(report.ok, true)
  })

  test("Meta's answers are cached: a second run asks Graph nothing, an admin action makes the next run read again", async () => {
    // The start-up jobs that read Meta (templates sync, quality watch) must not run in the middle.
    await waitFor('no job reading Meta due any more', async () => {
      const due = await h.db.db
        .selectFrom('jobs')
        .select('id')
        .where('kind', 'in', ['templates.sync', 'quality.watch', 'numbers.refresh'])
        .where('run_at', '<=', Date.now() + 5000)
        .where('failed_at', 'is', null)
        .execute()
      return due.length === 0
    })
    await doctor(h) // fresh: fills the cache
    const count = () => h.emulator.control.ledger({ kind: 'graph' }).length
    const before = count()
    const cached = await doctor(h, { cached: true })
    assert.equal(count(), before, 'no Graph request from a cached run')
    assert.ok(cached.metaReadAt !== null, 'the report says its answers are from the cache')
    assert.equal(cached.summary.fail, 0)
    // Any audited admin action (here: subscribe) may have changed what Meta says.
    await h.api('POST', `/api/v1/admin/wabas/${ids.wabaA}/webhook/subscribe`, { key: h.adminKey })
    const afterAction = count()
    await doctor(h, { cached: true })
    assert.ok(count() > afterAction, 'read again after an admin action')
  })

  test('`wahub doctor` prints one screen and exits 0 without failures; `--channel` limits it to one number', async () => {
    const res = await runWahub(['doctor'], { env: cliEnv() })
    assert.equal(res.code, 0, `${res.stdout}\n${res.stderr}`)
    assert.match(res.stdout, /^Wahub doctor — /)
    assert.match(res.stdout, /\n\+1 555-010-0001 \(110000000000001\)\n {2}✓ Number belongs to the WABA: /)
    assert.match(res.stdout, /\d+ passed, \d+ warnings?, 0 failed\./)
    const scoped = await runWahub(['doctor', '--channel', ids.good, '--json'], { env: cliEnv() })
    assert.equal(scoped.code, 0, scoped.stderr)
    const report = JSON.parse(scoped.stdout) as DoctorReport
    assert.equal(report.channel, ids.good)
    const subjects = new Set(report.checks.map((c) => c.subject).filter((s) => s !== null))
    assert.deepEqual(
      [...subjects].sort(),
      [`+1 555-010-0001 (${ids.good})`, ids.good, `WABA ${ids.wabaA}`].sort(),
    )
  })

  test('`wahub doctor` exits 1 on any failure; --json carries the same findings', async () => {
    const { token } = h.emulator.control.addToken({ expires_in: 3600 }) as { token: string }
    await h.api('PUT', `/api/v1/admin/wabas/${ids.wabaA}/token`, {
      key: h.adminKey,
      body: { token, acceptTemporary: true },
    })
    h.emulator.control.expireToken(token)
    try {
      const res = await runWahub(['doctor', '--fresh'], { env: cliEnv() })
      assert.equal(res.code, 1, res.stdout)
      assert.match(res.stdout, /✗ Access token: Meta refused the token …\w{4}: \(#190\/463\)/)
      assert.match(
        res.stdout,
        /fix: .*`wahub waba add --waba-id 100000000000001 --token <new System User token>`/,
      )
      const json = await runWahub(['doctor', '--json'], { env: cliEnv() })
      assert.equal(json.code, 1)
      const report = JSON.parse(json.stdout) as DoctorReport
      assert.equal(report.ok, false)
      assert.equal(report.checks.find((c) => c.id === 'token')?.status, 'fail')
    } finally {
      await h.api('PUT', `/api/v1/admin/wabas/${ids.wabaA}/token`, {
        key: h.adminKey,
        body: { token: h.emulator.seed.accessToken },
      })
    }
  })
})
