import assert from 'node:assert/strict'
import { test } from 'node:test'
import { ConfigError, loadConfig } from '../../src/config.ts'
import { facebookSdkUrl, metaSdkUrl, signupCspSources } from '../../src/onboarding/embedded-signup.ts'

// Which Facebook SDK the dashboard loads for Embedded Signup, and what its CSP then allows
// (decision 0084): nothing while Embedded Signup is off.

const base = { WAHUB_SECRET_KEY: 'a'.repeat(64), WAHUB_DATA_DIR: '/tmp/wahub-sdk-test' }

test("Meta's SDK with Meta's Graph, none while off, the stand-in page against an emulator, an explicit URL wins", () => {
  assert.equal(facebookSdkUrl(loadConfig(base)), null, 'off without WAHUB_SIGNUP_CONFIG_ID')
  assert.deepEqual(signupCspSources(loadConfig(base)), { script: [], frame: [], connect: [] })
  const on = { ...base, WAHUB_SIGNUP_CONFIG_ID: '700000000000123' }
  assert.equal(facebookSdkUrl(loadConfig(on)), metaSdkUrl)
  const csp = signupCspSources(loadConfig(on))
  assert.deepEqual(csp.script, ['https://connect.facebook.net'])
  assert.ok(csp.frame.includes('https://www.facebook.com'))
  assert.equal(facebookSdkUrl(loadConfig({ ...on, WAHUB_GRAPH_URL: 'http://127.0.0.1:4010' })), null)
  const local = 'http://127.0.0.1:4010/_emulator/sdk.js'
  const stand = loadConfig({ ...on, WAHUB_GRAPH_URL: 'http://127.0.0.1:4010', WAHUB_FACEBOOK_SDK_URL: local })
  assert.equal(facebookSdkUrl(stand), local)
  assert.deepEqual(signupCspSources(stand).script, ['http://127.0.0.1:4010', 'https://connect.facebook.net'])
})

test('WAHUB_FACEBOOK_SDK_URL: https, or http only on this machine', () => {
  assert.throws(
    () => loadConfig({ ...base, WAHUB_FACEBOOK_SDK_URL: 'http://sdk.example.com/sdk.js' }),
    (err: unknown) => err instanceof ConfigError && /must be https/.test((err as Error).message),
  )
  assert.throws(() => loadConfig({ ...base, WAHUB_FACEBOOK_SDK_URL: 'not a url' }), ConfigError)
})
