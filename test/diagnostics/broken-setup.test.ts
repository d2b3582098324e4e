import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { DoctorReport } from '../../src/diagnostics/types.ts'
import { runWahub } from '../helpers/cli.ts'
import { testDbKind } from '../helpers/db.ts'
import { type Harness, startHarness } from '../helpers/harness.ts'
import { breakSetup, broken, brokenSeed } from './broken-setup.ts'
import { assertCheck, doctor } from './helpers.ts'

// The Must-show of issue 7: one doctor run on a deliberately broken setup finds every problem
// and gives the fix for each — expired token, unregistered number, WABA override to another
// URL, no app secret, an unrouted webhook, 131030 failures.

describe(`doctor on a broken setup (${testDbKind})`, () => {
  let h: Harness
  before(async () => {
    h = await startHarness({ emulator: { seed: brokenSeed() } })
    await breakSetup(h)
  })
  after(async () => {
    await h.close()
  })

  test('one run finds each problem, with its fix', async () => {
    const r = await doctor(h)
    assert.equal(r.ok, false)
    assertCheck(r, 'token', 'fail', {
      subject: `WABA ${broken.wabaA}`,
      seen: /Meta refused the token …\w{4}: \(#190\/463\) The access token is invalid or expired .*expiry time/,
      fix: /System User token .*`wahub waba add --waba-id 100000000000001 --token <new System User token>`/,
    })
    assertCheck(r, 'number.registered', 'fail', {
      subject: broken.unregistered,
      seen: /Not registered for the Cloud API/,
      fix: /`wahub phone register --phone-number-id 120000000000001 --pin <6-digit PIN>`/,
    })
    assertCheck(r, 'webhook.callback', 'fail', {
      subject: broken.unregistered,
      seen: /https:\/\/old-vendor\.example\/webhooks \(a WABA-level override/,
      fix: /`wahub webhook override --level waba --waba-id 100000000000002`/,
    })
    assertCheck(r, 'app_secret', 'fail', { seen: /No Meta app is configured/, fix: /wahub app add --app-id/ })
    assertCheck(r, 'webhook.signatures', 'fail', { seen: /no_app_secret × \d+/, fix: /wahub app add/ })
    assertCheck(r, 'webhooks.unrouted', 'fail', {
      seen: /130000000000001 \(\+15550300001\) of WABA 100000000000003: 1 webhook/,
      fix: /`wahub waba add --waba-id 100000000000003 --token <token>` then `wahub number import --waba-id 100000000000003`/,
    })
    assertCheck(r, 'sends.failures', 'fail', {
      seen: /\(#131030\) × 2/,
      fix: /131030: Add the recipient as a test number .*110000000000003 is in development mode/,
    })
  })

  test('`wahub doctor` shows the same on one screen and exits 1', async () => {
    const env = {
      WAHUB_DATA_DIR: h.db.dataDir,
      DATABASE_URL: h.db.databaseUrl,
      WAHUB_GRAPH_URL: h.emulator.url,
      WAHUB_PUBLIC_URL: h.url,
      WAHUB_SANDBOX: 'off',
      PORT: new URL(h.url).port,
    }
    const res = await runWahub(['doctor'], { env })
    assert.equal(res.code, 1, res.stderr)
    for (const line of [
      /✗ Access token: Meta refused the token/,
      /✗ Registered for the Cloud API: Not registered/,
      /✗ Where Meta sends the webhooks: Meta sends 120000000000001's webhooks to https:\/\/old-vendor\.example\/webhooks/,
      /✗ App secret set: No Meta app is configured/,
      /✗ Unrouted webhooks \("Platform not found"\): /,
      /✗ Send failures \(24 h\): \(#131030\) × 2/,
    ]) {
      assert.match(res.stdout, line)
    }
    const json = JSON.parse((await runWahub(['doctor', '--json'], { env })).stdout) as DoctorReport
    assert.ok(json.summary.fail >= 7)
  })
})
