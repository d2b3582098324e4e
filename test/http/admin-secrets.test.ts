import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import { after, before, describe, test } from 'node:test'
import { testDbKind } from '../helpers/db.ts'
import { type ApiAnswer, type Harness, startHarness } from '../helpers/harness.ts'
import { waitFor } from '../helpers/wait.ts'

// SPEC §4, §11: no token, app secret, verify token (after creation), API key (after creation)
// or password hash in any API response, in any log line (captured at trace level) or in the
// database in clear. The whole onboarding runs through the admin API, and every answer is kept.

type Body = Record<string, unknown>

describe(`secrets stay secret (${testDbKind})`, () => {
  let h: Harness
  const answers: { what: string; answer: ApiAnswer; mayShow: string[] }[] = []
  const secrets = new Map<string, string>() // value → what it is
  async function api(
    what: string,
    method: string,
    url: string,
    options: { key?: string; body?: unknown; headers?: Record<string, string> } = {},
    mayShow: string[] = [],
  ) {
    const answer = await h.api(method, url, options)
    answers.push({ what, answer, mayShow })
    return answer
  }

  before(async () => {
    h = await startHarness()
    const seed = h.emulator.seed
    const admin = { key: h.adminKey }
    secrets.set(h.adminKey, 'operator API key')
    secrets.set(seed.appSecret, 'app secret')
    secrets.set(seed.accessToken, 'access token')
    secrets.set(seed.expiredToken, 'expired token')

    const app = await api('add app', 'POST', '/api/v1/admin/apps', {
      ...admin,
      body: { appId: seed.appId, appSecret: seed.appSecret },
    })
    const generated = (app.body as { verifyToken: string }).verifyToken
    answers[answers.length - 1].mayShow.push(generated)
    secrets.set(generated, 'generated verify token')
    await api(
      'set verify token',
      'POST',
      '/api/v1/admin/apps',
      { ...admin, body: { appId: seed.appId, appSecret: seed.appSecret, verifyToken: seed.verifyToken } },
      [seed.verifyToken],
    )
    secrets.set(seed.verifyToken, 'verify token')

    const bad = 'EAAW-a-token-meta-refuses-0000'
    secrets.set(bad, 'refused token')
    await api('bad token', 'POST', '/api/v1/admin/wabas', {
      ...admin,
      body: { wabaId: seed.wabaId, token: bad },
    })
    await api('expired token', 'POST', '/api/v1/admin/wabas', {
      ...admin,
      body: { wabaId: seed.wabaId, token: seed.expiredToken },
    })
    const temp = h.emulator.control.addToken({ expires_in: 86400 }).token as string
    secrets.set(temp, 'temporary token')
    const waba = await api('add waba', 'POST', '/api/v1/admin/wabas', {
      ...admin,
      body: { wabaId: seed.wabaId, token: temp },
    })
    const wabaId = ((waba.body as Body).waba as Body).id as string
    await api('replace token', 'PUT', `/api/v1/admin/wabas/${wabaId}/token`, {
      ...admin,
      body: { token: seed.accessToken },
    })
    await api('import', 'POST', `/api/v1/admin/wabas/${wabaId}/numbers/import`, admin)
    const tenant = await api('tenant', 'POST', '/api/v1/admin/tenants', {
      ...admin,
      body: { name: 'acme', numbers: [seed.phoneNumberIds[0]] },
    })
    const tenantId = (tenant.body as Body).id as string
    const key = await api('create key', 'POST', '/api/v1/admin/api-keys', { ...admin, body: { tenantId } })
    const tenantKey = (key.body as { key: string }).key
    answers[answers.length - 1].mayShow.push(tenantKey)
    secrets.set(tenantKey, 'tenant API key')
    const user = await api('create user', 'POST', '/api/v1/admin/users', {
      ...admin,
      body: { email: 'boss@example.com', role: 'admin' },
    })
    const password = (user.body as { password: string }).password
    answers[answers.length - 1].mayShow.push(password)
    secrets.set(password, 'one-time password')
    await api('create user with password', 'POST', '/api/v1/admin/users', {
      ...admin,
      body: { email: 'agent@example.com', role: 'agent', tenantId, password: 'agent secret password' },
    })
    secrets.set('agent secret password', 'password')

    const login = await api('login', 'POST', '/api/v1/auth/login', {
      body: { email: 'boss@example.com', password },
    })
    const cookie = login.headers.get('set-cookie')?.split(';')[0] ?? ''
    secrets.set(cookie.split('=')[1], 'session token')
    const csrf = (login.body as { csrfToken: string }).csrfToken
    await api('change password', 'POST', '/api/v1/auth/password', {
      headers: { cookie, 'x-csrf-token': csrf },
      body: { currentPassword: password, newPassword: 'the new secret password' },
    })
    secrets.set('the new secret password', 'password')
    await api('wrong pin', 'POST', `/api/v1/admin/numbers/${seed.phoneNumberIds[0]}/register`, {
      ...admin,
      body: { pin: '999999' },
    })
    await api('webhook override', 'POST', `/api/v1/admin/wabas/${wabaId}/webhook/override`, {
      ...admin,
      body: {},
    })

    for (const url of [
      'apps',
      'wabas',
      'numbers',
      'tenants',
      'api-keys',
      'users',
      'settings',
      'templates',
      'audit',
      `wabas/${wabaId}/webhook`,
    ]) {
      await api(`list ${url}`, 'GET', `/api/v1/admin/${url}`, admin)
    }
    await api('me', 'GET', '/api/v1/auth/me', { headers: { cookie } })
    await api('tenant numbers', 'GET', '/api/v1/numbers', { key: tenantKey })
    await api('tenant', 'GET', '/api/v1/tenant', { key: tenantKey })
    await api('unknown key', 'GET', '/api/v1/numbers', { key: `${tenantKey}x` })

    // Webhooks flow too (signed with the app secret) and are logged.
    h.emulator.control.customerSends(
      seed.customers[0].wa_id,
      { type: 'text', text: { body: 'hola' } },
      { phoneNumberId: seed.phoneNumberIds[0] },
    )
    await waitFor(
      'the inbound message stored',
      async () => (await h.db.db.selectFrom('messages').select('id').execute()).length > 0,
    )

    const hashes = await h.db.db.selectFrom('users').select('password_hash').execute()
    for (const r of hashes) secrets.set(r.password_hash, 'password hash')
  })
  after(async () => {
    await h.close()
  })

  test('no API answer holds a secret, except the one creation answer that shows it once', () => {
    assert.ok(answers.length > 25)
    for (const { what, answer, mayShow } of answers) {
      const text = answer.text
      for (const [value, kind] of secrets) {
        if (mayShow.includes(value)) continue
        assert.ok(!text.includes(value), `the answer to "${what}" holds the ${kind}`)
      }
    }
  })

  test('no log line holds a secret (captured at trace level)', () => {
    const lines = h.logLines()
    assert.ok(lines.length > 10, 'logs were captured')
    assert.ok(
      lines.some((l) => l.includes('"level":10')) || lines.some((l) => l.includes('"level":20')),
      'debug/trace lines were captured',
    )
    for (const line of lines) {
      for (const [value, kind] of secrets)
        assert.ok(!line.includes(value), `a log line holds the ${kind}: ${line.slice(0, 200)}`)
    }
  })

  test('the database holds no secret in clear', async () => {
    let stored: string
    if (testDbKind === 'sqlite') {
      const dir = h.db.dataDir
      stored = fs
        .readdirSync(dir)
        .filter((f) => f.startsWith('wahub.db'))
        .map((f) => fs.readFileSync(path.join(dir, f)).toString('latin1'))
        .join('\n')
      assert.ok(stored.length > 10_000, 'the database file was read')
    } else {
      const parts: string[] = []
      for (const table of await h.db.db.introspection.getTables()) {
        const rows = await h.db.db
          .selectFrom(table.name as 'messages')
          .selectAll()
          .execute()
        parts.push(JSON.stringify(rows))
      }
      stored = parts.join('\n')
    }
    for (const [value, kind] of secrets) {
      if (kind === 'password hash') continue // stored by design: scrypt, not the password
      assert.ok(!stored.includes(value), `the database holds the ${kind} in clear`)
    }
  })
})
