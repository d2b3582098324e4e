import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { accountPolicy, addressPolicy, backoffMs } from '../../src/accounts/login-throttle.ts'
import { createUser } from '../../src/accounts/users.ts'
import { createLogger } from '../../src/log.ts'
import { startWahub, type Wahub } from '../../src/wahub.ts'
import { testConfig } from '../helpers/config.ts'
import { createTestDb, type TestDb, testDbKind } from '../helpers/db.ts'

// Issue 12, defect 2: the login throttle was read-then-hash-then-count (80 parallel guesses all
// got 401), believed any X-Forwarded-For, and locked the right password out for 15 minutes.

test('the back-off doubles after the free failures and is capped', () => {
  assert.equal(backoffMs(accountPolicy, accountPolicy.free), 0)
  assert.equal(backoffMs(accountPolicy, accountPolicy.free + 1), 1000)
  assert.equal(backoffMs(accountPolicy, accountPolicy.free + 2), 2000)
  assert.equal(backoffMs(accountPolicy, accountPolicy.free + 4), 8000)
  assert.equal(backoffMs(accountPolicy, 1000), accountPolicy.maxMs, 'never longer than the cap')
})

describe(`login abuse (${testDbKind})`, () => {
  let db: TestDb
  let wahub: Wahub
  before(async () => {
    db = await createTestDb()
    wahub = await startWahub(testConfig({ WAHUB_DATA_DIR: db.dataDir, WAHUB_SANDBOX: 'off' }), {
      log: createLogger('silent'),
      handle: db,
      workers: false,
    })
    await createUser(
      db.db,
      { email: 'victim@example.com', role: 'admin', password: 'the right password' },
      'test',
    )
  })
  after(async () => {
    await wahub.close()
    await db.drop()
  })

  const login = (email: string, password: string, headers: Record<string, string> = {}) =>
    fetch(`${wahub.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ email, password }),
    })

  test('80 parallel wrong passwords on one account: only the free ones are hashed, the rest are 429', async () => {
    const answers = await Promise.all(
      Array.from({ length: 80 }, (_, i) => login('victim@example.com', `guess number ${i}`)),
    )
    const statuses = answers.map((r) => r.status)
    const wrong = statuses.filter((s) => s === 401).length
    const throttled = statuses.filter((s) => s === 429).length
    assert.equal(wrong + throttled, 80, `only 401 and 429: ${statuses.join(',')}`)
    // The free failures plus the one that starts the back-off; a slow machine may let a request
    // arrive after a short back-off step has passed, each step doubling.
    assert.ok(
      wrong <= accountPolicy.free + 3,
      `${wrong} guesses were checked (limit ${accountPolicy.free + 1})`,
    )
    assert.ok(throttled >= 70, `${throttled} of 80 refused`)
    const limited = answers.find((r) => r.status === 429)
    assert.ok(Number(limited?.headers.get('retry-after')) >= 1, 'Retry-After says when to come back')
  })

  test('a forged X-Forwarded-For does not give each guess a fresh address', async () => {
    // Without WAHUB_TRUST_PROXY the address is the socket's: every guess below counts for 127.0.0.1.
    // The 80 parallel guesses above were made from 127.0.0.1 too; how many of them reached the
    // address counter depends on the order they arrived in, so this test starts from a fresh one.
    await db.db.deleteFrom('rate_counters').where('key', 'like', 'login:address:%').execute()
    let firstRefused = -1
    for (let i = 0; i < addressPolicy.free + 5; i++) {
      const res = await login(`nobody${i}@example.com`, 'not the password', {
        'x-forwarded-for': `203.0.113.${i + 1}`,
      })
      if (res.status === 429) {
        firstRefused = i
        break
      }
      assert.equal(res.status, 401)
    }
    assert.ok(firstRefused > 0, 'the per-address limit applies whatever X-Forwarded-For says')
    assert.ok(firstRefused <= addressPolicy.free + 3, `refused from attempt ${firstRefused + 1}`)
  })
})

describe(`X-Forwarded-For from a configured proxy (${testDbKind})`, () => {
  let db: TestDb
  let wahub: Wahub
  before(async () => {
    db = await createTestDb()
    wahub = await startWahub(
      testConfig({ WAHUB_DATA_DIR: db.dataDir, WAHUB_SANDBOX: 'off', WAHUB_TRUST_PROXY: '127.0.0.1' }),
      { log: createLogger('silent'), handle: db, workers: false },
    )
  })
  after(async () => {
    await wahub.close()
    await db.drop()
  })

  test('behind a listed proxy, the client address is the one it forwards', async () => {
    await fetch(`${wahub.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': '198.51.100.7' },
      body: JSON.stringify({ email: 'someone@example.com', password: 'not the password' }),
    })
    const row = await db.db
      .selectFrom('rate_counters')
      .select('key')
      .where('key', 'like', 'login:address:%')
      .executeTakeFirst()
    assert.equal(row?.key, 'login:address:198.51.100.7')
  })
})

describe(`password policy (${testDbKind})`, () => {
  let db: TestDb
  before(async () => {
    db = await createTestDb()
  })
  after(async () => {
    await db.drop()
  })

  for (const weak of ['aaaaaaaaaa', 'password123456', 'qwertyuiop12']) {
    test(`"${weak}" is refused as too easy to guess`, async () => {
      await assert.rejects(
        createUser(db.db, { email: `weak-${weak}@example.com`, role: 'admin', password: weak }, 'test'),
        (err: Error & { code?: string; details?: { field: string; problem: string }[] }) =>
          err.code === 'validation_failed' && /too easy to guess/.test(err.details?.[0]?.problem ?? ''),
      )
    })
  }
})
