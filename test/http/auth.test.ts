import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import Fastify from 'fastify'
import { createApiKey } from '../../src/accounts/api-keys.ts'
import { accountPolicy } from '../../src/accounts/login-throttle.ts'
import { createUser } from '../../src/accounts/users.ts'
import { sha256Hex } from '../../src/channels/secrets.ts'
import { installAuth } from '../../src/http/auth.ts'
import { createLogger } from '../../src/log.ts'
import { startWahub } from '../../src/wahub.ts'
import { testDbKind } from '../helpers/db.ts'
import { apiCall, type Harness, type Onboarded, onboardSeed, startHarness } from '../helpers/harness.ts'

type ErrorAnswer = { error: { code: string; message: string; fix: string } }
const code = (body: unknown) => (body as ErrorAnswer).error.code

function cookieOf(headers: Headers): string {
  const set = headers.get('set-cookie') ?? ''
  return set.split(';')[0]
}

describe('the authorisation point refuses routes that declare no access', () => {
  for (const [what, config] of [
    ['no config', undefined],
    ['an unknown scope', { access: { scope: 'everything' } }],
    ['an empty access', { access: {} }],
  ] as const) {
    test(`an /api/v1 route with ${what} stops the app from starting`, async () => {
      const app = Fastify()
      installAuth(app, { db: undefined as never })
      await assert.rejects(async () => {
        app.get('/api/v1/forgotten', { config: config as never }, async () => 'open')
        await app.ready()
      }, /declares no access/)
      await app.close()
    })
  }

  test('routes outside /api/v1 (webhooks, health, docs) need no declaration', async () => {
    const app = Fastify()
    installAuth(app, { db: undefined as never })
    app.get('/healthz', async () => 'ok')
    await app.ready()
    await app.close()
  })
})

describe(`API keys and sessions (${testDbKind})`, () => {
  let h: Harness
  let seed: Onboarded
  before(async () => {
    h = await startHarness()
    seed = await onboardSeed(h)
  })
  after(async () => {
    await h.close()
  })

  test('a key is wh_ + random, stored only as its sha256, listed by its last 4 characters', async () => {
    assert.match(seed.acme.key, /^wh_[A-Za-z0-9_-]{43}$/)
    const row = await h.db.db
      .selectFrom('api_keys')
      .selectAll()
      .where('id', '=', seed.acme.keyId)
      .executeTakeFirstOrThrow()
    assert.equal(row.key_hash, sha256Hex(seed.acme.key))
    assert.ok(!JSON.stringify(row).includes(seed.acme.key))
    const list = await h.api('GET', `/api/v1/admin/api-keys?tenantId=${seed.acme.id}`, { key: h.adminKey })
    assert.ok(!list.text.includes(seed.acme.key))
    assert.ok(list.text.includes(`wh_…${seed.acme.key.slice(-4)}`))
  })

  test('last_used_at is recorded on use and written at most once a minute', async () => {
    const res = await h.api('GET', '/api/v1/numbers', { key: seed.globex.key })
    assert.equal(res.status, 200, res.text)
    const read = () =>
      h.db.db
        .selectFrom('api_keys')
        .select('last_used_at')
        .where('id', '=', seed.globex.keyId)
        .executeTakeFirstOrThrow()
    const first = (await read()).last_used_at
    assert.ok(first && first <= Date.now())
    await h.api('GET', '/api/v1/numbers', { key: seed.globex.key })
    assert.equal((await read()).last_used_at, first)
  })

  test('a revoked key stops working at once', async () => {
    const { key, apiKey } = await createApiKey(h.db.db, { tenant: 'acme', scopes: ['read'] }, 'test')
    assert.equal((await h.api('GET', '/api/v1/numbers', { key })).status, 200)
    const revoke = await h.api('DELETE', `/api/v1/admin/api-keys/${apiKey.id}`, { key: h.adminKey })
    assert.equal(revoke.status, 200, revoke.text)
    const after = await h.api('GET', '/api/v1/numbers', { key })
    assert.equal(after.status, 401)
    assert.equal(code(after.body), 'unauthorized')
  })

  test('a tenant key cannot have the admin scope; scopes are enforced', async () => {
    const res = await h.api('POST', '/api/v1/admin/api-keys', {
      key: h.adminKey,
      body: { tenantId: 'acme', scopes: ['admin'] },
    })
    assert.equal(res.status, 400, res.text)
    const sendOnly = await createApiKey(h.db.db, { tenant: 'acme', scopes: ['send'] }, 'test')
    const denied = await h.api('GET', '/api/v1/numbers', { key: sendOnly.key })
    assert.equal(denied.status, 403)
    assert.equal(code(denied.body), 'forbidden')
  })

  test('an operator key acts on no tenant route; a tenant key on no admin route', async () => {
    const op = await h.api('GET', '/api/v1/numbers', { key: h.adminKey })
    assert.equal(op.status, 403)
    assert.match((op.body as ErrorAnswer).error.fix, /apikey create --tenant/)
    const tenantOnAdmin = await h.api('GET', '/api/v1/admin/tenants', { key: seed.acme.key })
    assert.equal(tenantOnAdmin.status, 403)
  })

  test("a disabled tenant's keys are refused with tenant_disabled", async () => {
    await h.api('PATCH', `/api/v1/admin/tenants/${seed.globex.id}`, {
      key: h.adminKey,
      body: { enabled: false },
    })
    const res = await h.api('GET', '/api/v1/numbers', { key: seed.globex.key })
    assert.equal(res.status, 403)
    assert.equal(code(res.body), 'tenant_disabled')
    await h.api('PATCH', `/api/v1/admin/tenants/${seed.globex.id}`, {
      key: h.adminKey,
      body: { enabled: true },
    })
    assert.equal((await h.api('GET', '/api/v1/numbers', { key: seed.globex.key })).status, 200)
  })

  test('login sets an HttpOnly, SameSite=Lax session cookie; state changes need the CSRF header', async () => {
    await createUser(
      h.db.db,
      { email: 'Ops@Example.com', role: 'admin', password: 'a long password 1' },
      'test',
    )
    const login = await h.api('POST', '/api/v1/auth/login', {
      body: { email: 'ops@example.com', password: 'a long password 1' },
    })
    assert.equal(login.status, 200, login.text)
    const setCookie = login.headers.get('set-cookie') ?? ''
    assert.match(setCookie, /^wahub_session=[A-Za-z0-9_-]{43};/)
    assert.match(setCookie, /; HttpOnly/)
    assert.match(setCookie, /; SameSite=Lax/)
    assert.match(setCookie, /; Path=\//)
    assert.doesNotMatch(setCookie, /Secure/, 'not Secure behind an http public URL')
    const { csrfToken } = login.body as { csrfToken: string }
    const cookie = cookieOf(login.headers)

    const me = await h.api('GET', '/api/v1/auth/me', { headers: { cookie } })
    assert.equal(me.status, 200, me.text)
    assert.equal(
      (me.body as { csrfToken: string }).csrfToken,
      csrfToken,
      'the dashboard can get it again after a reload',
    )
    assert.equal((await h.api('GET', '/api/v1/admin/tenants', { headers: { cookie } })).status, 200)

    const body = { name: 'csrf-test' }
    const noHeader = await h.api('POST', '/api/v1/admin/tenants', { headers: { cookie }, body })
    assert.equal(noHeader.status, 403)
    assert.equal(code(noHeader.body), 'csrf_failed')
    const wrong = await h.api('POST', '/api/v1/admin/tenants', {
      headers: { cookie, 'x-csrf-token': 'x'.repeat(64) },
      body,
    })
    assert.equal(wrong.status, 403)
    const ok = await h.api('POST', '/api/v1/admin/tenants', {
      headers: { cookie, 'x-csrf-token': csrfToken },
      body,
    })
    assert.equal(ok.status, 201, ok.text)

    const logout = await h.api('POST', '/api/v1/auth/logout', {
      headers: { cookie, 'x-csrf-token': csrfToken },
    })
    assert.equal(logout.status, 204)
    assert.match(logout.headers.get('set-cookie') ?? '', /Max-Age=0/)
    assert.equal((await h.api('GET', '/api/v1/auth/me', { headers: { cookie } })).status, 401)
  })

  test('an API key cannot use the session routes', async () => {
    const res = await h.api('GET', '/api/v1/auth/me', { key: seed.acme.key })
    assert.equal(res.status, 403)
  })

  test('an unknown email and a wrong password get the same answer', async () => {
    const a = await h.api('POST', '/api/v1/auth/login', {
      body: { email: 'nobody@example.com', password: 'whatever123' },
    })
    const b = await h.api('POST', '/api/v1/auth/login', {
      body: { email: 'ops@example.com', password: 'whatever123' },
    })
    assert.equal(a.status, 401)
    assert.deepEqual(a.body, b.body)
    assert.equal(code(a.body), 'login_failed')
  })

  test('repeated failed logins back off in the database, for every instance; the right password works after the wait', async () => {
    await createUser(
      h.db.db,
      { email: 'target@example.com', role: 'admin', password: 'the right password' },
      'test',
    )
    const key = 'login:account:target@example.com'
    // The free failures, then one more that starts the back-off.
    let beforeLast = 0
    for (let i = 0; i <= accountPolicy.free; i++) {
      beforeLast = Date.now()
      const res = await h.api('POST', '/api/v1/auth/login', {
        body: { email: 'target@example.com', password: `wrong ${i}` },
      })
      assert.equal(res.status, 401, `attempt ${i + 1}: ${res.text}`)
    }
    const counter = await h.db.db
      .selectFrom('rate_counters')
      .selectAll()
      .where('key', '=', key)
      .executeTakeFirstOrThrow()
    assert.equal(counter.count, accountPolicy.free + 1)
    assert.ok(counter.reset_at >= beforeLast + accountPolicy.baseMs, 'the last failure started a back-off')

    // A later step of the back-off (as after more failures): every instance refuses, even the right password.
    await h.db.db
      .updateTable('rate_counters')
      .set({ reset_at: Date.now() + 60_000 })
      .where('key', '=', key)
      .execute()
    const blocked = await h.api('POST', '/api/v1/auth/login', {
      body: { email: 'target@example.com', password: 'the right password' },
    })
    assert.equal(blocked.status, 429, blocked.text)
    assert.equal(code(blocked.body), 'rate_limited')
    const retryAfter = Number(blocked.headers.get('retry-after'))
    assert.ok(retryAfter > 50 && retryAfter <= 60, `Retry-After says when: ${retryAfter}`)

    const handle = await h.db.connectAgain()
    const second = await startWahub(
      { ...h.wahub.config, port: 0 },
      {
        log: createLogger('silent'),
        handle,
        workers: false,
      },
    )
    try {
      const res = await apiCall(second.url, 'POST', '/api/v1/auth/login', {
        body: { email: 'target@example.com', password: 'target@example.com wrong' },
      })
      assert.equal(res.status, 429, 'the second instance reads the same back-off')
      // Once the back-off has passed, the right password works (no fixed lockout) and clears it.
      await h.db.db
        .updateTable('rate_counters')
        .set({ reset_at: Date.now() - 1 })
        .where('key', '=', key)
        .execute()
      const ok = await apiCall(second.url, 'POST', '/api/v1/auth/login', {
        body: { email: 'target@example.com', password: 'the right password' },
      })
      assert.equal(ok.status, 200, ok.text)
      const left = await h.db.db
        .selectFrom('rate_counters')
        .select('key')
        .where('key', '=', key)
        .executeTakeFirst()
      assert.equal(left, undefined, "the account's failures are forgotten after a right password")
    } finally {
      await second.close()
      await handle.close()
    }
  })

  test('a one-time password must be changed before anything else; the change ends other sessions', async () => {
    const created = await h.api('POST', '/api/v1/admin/users', {
      key: h.adminKey,
      body: { email: 'agent@acme.example', role: 'agent', tenantId: 'acme' },
    })
    assert.equal(created.status, 201, created.text)
    const { password } = created.body as { password: string }
    assert.ok(password.length >= 16)
    const login = async (pw: string) => {
      const res = await h.api('POST', '/api/v1/auth/login', {
        body: { email: 'agent@acme.example', password: pw },
      })
      assert.equal(res.status, 200, res.text)
      return { cookie: cookieOf(res.headers), csrf: (res.body as { csrfToken: string }).csrfToken }
    }
    const first = await login(password)
    const other = await login(password)
    const blocked = await h.api('GET', '/api/v1/numbers', { headers: { cookie: first.cookie } })
    assert.equal(blocked.status, 403)
    assert.equal(code(blocked.body), 'password_change_required')
    const change = await h.api('POST', '/api/v1/auth/password', {
      headers: { cookie: first.cookie, 'x-csrf-token': first.csrf },
      body: { currentPassword: password, newPassword: 'my own password 42' },
    })
    assert.equal(change.status, 204, change.text)
    const numbers = await h.api('GET', '/api/v1/numbers', { headers: { cookie: first.cookie } })
    assert.equal(numbers.status, 200, numbers.text)
    const ids = (numbers.body as { numbers: { phoneNumberId: string }[] }).numbers.map((n) => n.phoneNumberId)
    assert.deepEqual(ids, [seed.acme.phoneNumberId], "an agent sees its own tenant's numbers only")
    assert.equal((await h.api('GET', '/api/v1/auth/me', { headers: { cookie: other.cookie } })).status, 401)
    assert.equal(
      (await h.api('GET', '/api/v1/admin/tenants', { headers: { cookie: first.cookie } })).status,
      403,
    )
  })
})

describe(`session cookies behind an https public URL (${testDbKind})`, () => {
  test('the session cookie is Secure', async () => {
    const h = await startHarness({ env: { WAHUB_PUBLIC_URL: 'https://wahub.example.com' } })
    try {
      await createUser(
        h.db.db,
        { email: 'a@example.com', role: 'admin', password: 'a long password 2' },
        'test',
      )
      const res = await h.api('POST', '/api/v1/auth/login', {
        body: { email: 'a@example.com', password: 'a long password 2' },
      })
      assert.equal(res.status, 200, res.text)
      assert.match(res.headers.get('set-cookie') ?? '', /; Secure/)
    } finally {
      await h.close()
    }
  })
})
