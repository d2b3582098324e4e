import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { type Welcome, welcomeText } from '../../src/sandbox/welcome.ts'

// The first-run banner (SPEC §3, issue 12): on a terminal it shows the one-time password and the
// Sandbox's API key; given a credentials file (stdout captured) it names the file instead and
// holds neither secret. `test/sandbox/first-run.test.ts` runs the captured case end to end.

const welcome: Welcome = {
  admin: { email: 'admin@wahub.local', password: 'Pw-one-time-7f3k2' },
  sandbox: {
    created: true,
    tenantName: 'Sandbox',
    apiKey: 'wh_secretsandboxkey123',
    apiKeyHint: 'wh_…y123',
    numbers: [{ display: '+1 555-010-1001', verifiedName: 'Sandbox Shop', phoneNumberId: '990200000000001' }],
    customers: [{ name: 'Lucía', language: 'es', waId: '34612345678' }],
    emulatorUrl: 'http://127.0.0.1:1',
    wabaId: '990100000000001',
  },
}

describe('the first-run banner', () => {
  test('on a terminal it shows the password and the key once', () => {
    const text = welcomeText(welcome, 'http://localhost:8080')
    assert.match(text, /Password: +Pw-one-time-7f3k2/)
    assert.match(text, /API key wh_secretsandboxkey123 +\(shown only this once\)/)
    assert.match(text, /Bearer wh_secretsandboxkey123/)
  })

  test('with a credentials file it names the file and holds neither secret', () => {
    const text = welcomeText(welcome, 'http://localhost:8080', '/srv/wahub/data/first-run-credentials.txt')
    assert.ok(!text.includes('Pw-one-time-7f3k2'), text)
    assert.ok(!text.includes('wh_secretsandboxkey123'), text)
    assert.match(text, /Password: +in \/srv\/wahub\/data\/first-run-credentials\.txt/)
    assert.match(text, /API key in \/srv\/wahub\/data\/first-run-credentials\.txt/)
    assert.match(text, /"Authorization: Bearer \$WAHUB_API_KEY"/)
  })
})
