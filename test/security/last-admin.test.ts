import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { createApiKey } from '../../src/accounts/api-keys.ts'
import { createUser, getUser, listUsers } from '../../src/accounts/users.ts'
import { createLogger } from '../../src/log.ts'
import { startWahub, type Wahub } from '../../src/wahub.ts'
import { runCliHere } from '../helpers/cli.ts'
import { testConfig } from '../helpers/config.ts'
import { createTestDb, type TestDb, testDbKind } from '../helpers/db.ts'

/** Wahub on its own test database, no workers, no Sandbox. */
const startQuiet = (db: TestDb) =>
  startWahub(testConfig({ WAHUB_DATA_DIR: db.dataDir, WAHUB_SANDBOX: 'off' }), {
    log: createLogger('silent'),
    handle: db,
    workers: false,
  })

/** A JSON request to Wahub with these credentials (a session cookie, or an API key). */
const requestWith = (
  url: string,
  auth: Record<string, string>,
  method: string,
  path: string,
  body?: unknown,
) =>
  fetch(`${url}${path}`, {
    method,
    headers: { ...auth, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  })

// Issue 12, defect 6: an admin could disable the last admin (themselves) and nothing could undo
// it. Now the last enabled admin cannot be disabled or removed, and `wahub user enable |
// reset-password` recover from the command line.

describe(`the last admin cannot be locked out (${testDbKind})`, () => {
  let db: TestDb
  let wahub: Wahub
  let cookie = ''
  let csrf = ''
  before(async () => {
    db = await createTestDb()
    wahub = await startQuiet(db)
    await createUser(
      db.db,
      { email: 'only@example.com', role: 'admin', password: 'the only admin here' },
      'test',
    )
    const res = await fetch(`${wahub.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'only@example.com', password: 'the only admin here' }),
    })
    assert.equal(res.status, 200, await res.clone().text())
    cookie = (res.headers.get('set-cookie') ?? '').split(';')[0]
    csrf = ((await res.json()) as { csrfToken: string }).csrfToken
  })
  after(async () => {
    await wahub.close()
    await db.drop()
  })

  const asAdmin = (method: string, path: string, body?: unknown) =>
    requestWith(wahub.url, { cookie, 'x-csrf-token': csrf }, method, path, body)

  test('disabling or removing oneself as the last admin is refused with last_admin', async () => {
    const me = await getUser(db.db, 'only@example.com')
    const disable = await asAdmin('PATCH', `/api/v1/admin/users/${me.id}`, { disabled: true })
    assert.equal(disable.status, 409, await disable.clone().text())
    assert.equal(((await disable.json()) as { error: { code: string } }).error.code, 'last_admin')
    const remove = await asAdmin('DELETE', `/api/v1/admin/users/${me.id}`)
    assert.equal(remove.status, 409)
    assert.equal((await getUser(db.db, me.id)).disabled, false, 'still enabled')
  })

  test('with a second admin, one of them may be disabled; then the other is the last', async () => {
    const second = await createUser(
      db.db,
      { email: 'second@example.com', role: 'admin', password: 'another admin password' },
      'test',
    )
    const res = await asAdmin('PATCH', `/api/v1/admin/users/${second.user.id}`, { disabled: true })
    assert.equal(res.status, 200, await res.clone().text())
    const me = await getUser(db.db, 'only@example.com')
    assert.equal((await asAdmin('PATCH', `/api/v1/admin/users/${me.id}`, { disabled: true })).status, 409)
  })

  const cli = (...args: string[]) =>
    runCliHere(
      args,
      db.databaseUrl
        ? { DATABASE_URL: db.databaseUrl, WAHUB_DATA_DIR: db.dataDir, LOG_LEVEL: 'silent' }
        : { WAHUB_DATA_DIR: db.dataDir, LOG_LEVEL: 'silent' },
    )

  test('`wahub user enable` and `reset-password` bring a locked-out admin back', async () => {
    const enabled = await cli('user', 'enable', '--email', 'second@example.com')
    assert.equal(enabled.code, 0, enabled.stderr)
    assert.match(enabled.stdout, /second@example.com enabled/)
    const reset = await cli('user', 'reset-password', '--email', 'second@example.com')
    assert.equal(reset.code, 0, reset.stderr)
    const password = /password for second@example.com: (\S+)/.exec(reset.stdout)?.[1]
    assert.ok(password, reset.stdout)
    const login = await fetch(`${wahub.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'second@example.com', password }),
    })
    assert.equal(login.status, 200, await login.clone().text())
    assert.equal(
      ((await login.json()) as { user: { mustChangePassword: boolean } }).user.mustChangePassword,
      true,
    )
    const refused = await cli('user', 'disable', '--email', 'only@example.com')
    assert.equal(refused.code, 0, 'two admins are enabled again, so one may be disabled')
  })
})

describe(`two admins removed at once leave one (${testDbKind})`, () => {
  let db: TestDb
  let wahub: Wahub
  let key = ''
  before(async () => {
    db = await createTestDb()
    wahub = await startQuiet(db)
    key = (await createApiKey(db.db, { name: 'operator' }, 'test')).key
  })
  after(async () => {
    await wahub.close()
    await db.drop()
  })

  const call = (method: string, path: string, body?: unknown) =>
    requestWith(wahub.url, { authorization: `Bearer ${key}` }, method, path, body)

  const enabledAdmins = async () =>
    (await listUsers(db.db)).filter((u) => u.role === 'admin' && !u.disabled).map((u) => u.email)

  // The guard used to read "is another admin enabled?" and then write: two requests in flight
  // both saw the other one enabled and both wrote. Each round starts with exactly two enabled
  // admins and disables (or removes) both at the same moment.
  test('concurrent disables and removals of the last two admins: exactly one is refused', async () => {
    const refusals: string[] = []
    for (let round = 0; round < 12; round++) {
      const a = await createUser(
        db.db,
        { email: `a${round}@example.com`, role: 'admin', password: 'first admin of the round' },
        'test',
      )
      const b = await createUser(
        db.db,
        { email: `b${round}@example.com`, role: 'admin', password: 'second admin of the round' },
        'test',
      )
      // Earlier rounds' survivor steps aside first, so a and b are the only enabled admins.
      for (const email of await enabledAdmins()) {
        if (email !== a.user.email && email !== b.user.email) {
          const res = await call('PATCH', `/api/v1/admin/users/${encodeURIComponent(email)}`, {
            disabled: true,
          })
          assert.equal(res.status, 200, await res.text())
        }
      }
      const removeA = round % 3 === 2
      const answers = await Promise.all([
        removeA
          ? call('DELETE', `/api/v1/admin/users/${a.user.id}`)
          : call('PATCH', `/api/v1/admin/users/${a.user.id}`, { disabled: true }),
        call('PATCH', `/api/v1/admin/users/${b.user.id}`, { disabled: true }),
      ])
      const statuses = answers.map((r) => r.status)
      for (const r of answers) {
        if (r.status === 409) refusals.push(((await r.json()) as { error: { code: string } }).error.code)
        else await r.arrayBuffer()
      }
      assert.deepEqual(
        [statuses.filter((s) => s < 300).length, statuses.filter((s) => s === 409).length],
        [1, 1],
        `round ${round}: one change must win and the other be refused with 409 (got ${statuses.join(', ')})`,
      )
      assert.equal((await enabledAdmins()).length, 1, `round ${round}: exactly one enabled admin must remain`)
    }
    assert.ok(
      refusals.every((c) => c === 'last_admin'),
      `refusals are last_admin: ${refusals.join(', ')}`,
    )
  })
})
