import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { addTenant } from '../../src/channels/tenants.ts'
import { runWahub } from '../helpers/cli.ts'
import { createTestDb, type TestDb, testDbKind } from '../helpers/db.ts'

// What an operator scripting a tenant's team inbox runs: labels, canned replies, round robin.

describe(`wahub label, canned, tenant --auto-assign (${testDbKind})`, () => {
  let db: TestDb
  let env: Record<string, string>
  const wahub = (...args: string[]) => runWahub(args, { env })

  before(async () => {
    db = await createTestDb()
    await addTenant(db.db, { name: 'bakery' }, 'test')
    env = db.databaseUrl ? { DATABASE_URL: db.databaseUrl } : { WAHUB_DATA_DIR: db.dataDir }
  })
  after(async () => {
    await db.drop()
  })

  test('canned replies and labels are added and listed; a wrong variable or colour is refused with the fix', async () => {
    const added = await wahub(
      'canned',
      'add',
      '--tenant',
      'bakery',
      '--shortcut',
      'hours',
      '--body',
      'Hola {{contact.first_name}}',
    )
    assert.equal(added.code, 0, added.stderr)
    const bad = await wahub(
      'canned',
      'add',
      '--tenant',
      'bakery',
      '--shortcut',
      'x',
      '--body',
      'Hi {{contact.nmae}}',
    )
    assert.equal(bad.code, 1)
    assert.match(bad.stderr, /body: \{\{contact\.nmae\}\} is not a variable; use \{\{contact\.name\}\}/)
    const label = await wahub('label', 'add', '--tenant', 'bakery', '--name', 'VIP', '--color', 'red')
    assert.equal(label.code, 1)
    assert.match(label.stderr, /color: red is not a colour like #/)
    const list = await wahub('canned', 'list', '--tenant', 'bakery', '--json')
    assert.equal(list.code, 0, list.stderr)
    assert.deepEqual(
      JSON.parse(list.stdout).cannedReplies.map((r: { shortcut: string }) => r.shortcut),
      ['hours'],
    )
  })

  test('tenant update --auto-assign on turns round-robin assignment on', async () => {
    const res = await wahub('tenant', 'update', '--name', 'bakery', '--auto-assign', 'on', '--json')
    assert.equal(res.code, 0, res.stderr)
    assert.equal(JSON.parse(res.stdout).autoAssign, true)
  })
})
