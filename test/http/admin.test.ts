import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { testDbKind } from '../helpers/db.ts'
import { type Harness, type Onboarded, onboardSeed, startHarness } from '../helpers/harness.ts'
import { waitFor } from '../helpers/wait.ts'

type Body = Record<string, unknown>

describe(`the admin API (${testDbKind})`, () => {
  let h: Harness
  let seed: Onboarded
  const admin = () => ({ key: h.adminKey })
  before(async () => {
    h = await startHarness({ env: { WAHUB_DOCS: 'on' } })
    seed = await onboardSeed(h)
  })
  after(async () => {
    await h.close()
  })

  test('every admin and tenant route is in the OpenAPI description at /docs', async () => {
    const res = await fetch(`${h.url}/docs/json`)
    const doc = (await res.json()) as { paths: Record<string, Record<string, { tags?: string[] }>> }
    for (const path of [
      '/api/v1/admin/apps',
      '/api/v1/admin/wabas',
      '/api/v1/admin/wabas/{id}/token',
      '/api/v1/admin/wabas/{id}/webhook',
      '/api/v1/admin/numbers/{id}/register',
      '/api/v1/admin/tenants/{id}',
      '/api/v1/admin/api-keys',
      '/api/v1/admin/users',
      '/api/v1/admin/settings',
      '/api/v1/admin/audit',
      '/api/v1/auth/login',
      '/api/v1/numbers',
    ]) {
      assert.ok(doc.paths[path], `${path} is documented`)
    }
    const post = doc.paths['/api/v1/admin/wabas'].post as unknown as {
      requestBody: { content: Record<string, { schema: { properties: Body } }> }
    }
    assert.ok(post.requestBody.content['application/json'].schema.properties.token, 'bodies are described')
  })

  test('tenants: list, read, rename, hand over numbers, remove', async () => {
    const list = await h.api('GET', '/api/v1/admin/tenants', admin())
    const names = (list.body as { tenants: Body[] }).tenants.map((t) => t.name)
    assert.deepEqual(names, ['acme', 'globex'])
    const spare = h.emulator.seed.phoneNumberIds[2]
    const added = await h.api('POST', '/api/v1/admin/tenants', {
      ...admin(),
      body: { name: 'hooli', numbers: [spare] },
    })
    assert.equal(added.status, 201, added.text)
    const id = (added.body as Body).id as string
    assert.equal((added.body as Body).defaultNumberId, seed.numbers[spare])
    const renamed = await h.api('PATCH', `/api/v1/admin/tenants/${id}`, {
      ...admin(),
      body: { name: 'hooli xyz', whatsappEnabled: false, callbackUrl: 'https://hooli.example/hook' },
    })
    assert.equal(renamed.status, 200, renamed.text)
    assert.equal((renamed.body as Body).name, 'hooli xyz')
    assert.equal((renamed.body as Body).whatsappEnabled, false)
    const conflict = await h.api('PATCH', `/api/v1/admin/tenants/${seed.acme.id}`, {
      ...admin(),
      body: { numbers: [spare] },
    })
    assert.equal(conflict.status, 409)
    const removed = await h.api('DELETE', `/api/v1/admin/tenants/${id}`, admin())
    assert.equal(removed.status, 204)
    assert.equal((await h.api('GET', `/api/v1/admin/tenants/${id}`, admin())).status, 404)
  })

  test('a change with numbers: [] is refused naming numbers, and the tenant keeps its numbers', async () => {
    const before = (await h.api('GET', `/api/v1/admin/tenants/${seed.acme.id}`, admin())).body as Body
    const res = await h.api('PATCH', `/api/v1/admin/tenants/${seed.acme.id}`, {
      ...admin(),
      body: { numbers: [] },
    })
    assert.equal(res.status, 400, `an empty numbers list must not answer 200 and change nothing: ${res.text}`)
    const error = (res.body as { error: { code: string; message: string } }).error
    assert.equal(error.code, 'validation_failed')
    assert.match(error.message, /numbers/, 'the answer names the field')
    assert.match(error.message, /removeNumbers/, 'the answer says how to take numbers away')
    const after = (await h.api('GET', `/api/v1/admin/tenants/${seed.acme.id}`, admin())).body as Body
    assert.deepEqual(after.numbers, before.numbers, 'the refused change changed nothing')
  })

  test('bad input is a 400 naming the field', async () => {
    const res = await h.api('POST', '/api/v1/admin/tenants', { ...admin(), body: { name: '', surprise: 1 } })
    assert.equal(res.status, 400)
    assert.equal((res.body as { error: { code: string } }).error.code, 'validation_failed')
    const key = await h.api('POST', '/api/v1/admin/api-keys', {
      ...admin(),
      body: { tenantId: 'acme', scopes: ['everything'] },
    })
    assert.equal(key.status, 400)
  })

  test('settings: the global default number and WhatsApp on/off', async () => {
    const spare = h.emulator.seed.phoneNumberIds[2]
    const set = await h.api('PATCH', '/api/v1/admin/settings', {
      ...admin(),
      body: { defaultNumber: spare, whatsappEnabled: false },
    })
    assert.equal(set.status, 200, set.text)
    assert.deepEqual(set.body, {
      defaultNumberId: seed.numbers[spare],
      defaultPhoneNumberId: spare,
      whatsappEnabled: false,
    })
    const tenantView = await h.api('GET', '/api/v1/tenant', { key: seed.acme.key })
    assert.equal((tenantView.body as Body).whatsappEnabled, false)
    const cleared = await h.api('PATCH', '/api/v1/admin/settings', {
      ...admin(),
      body: { defaultNumber: null, whatsappEnabled: true },
    })
    assert.deepEqual(cleared.body, {
      defaultNumberId: null,
      defaultPhoneNumberId: null,
      whatsappEnabled: true,
    })
  })

  test('users: an agent needs a tenant; users are listed without password hashes', async () => {
    const noTenant = await h.api('POST', '/api/v1/admin/users', {
      ...admin(),
      body: { email: 'a@b.example', role: 'agent' },
    })
    assert.equal(noTenant.status, 400)
    const ok = await h.api('POST', '/api/v1/admin/users', {
      ...admin(),
      body: { email: 'a@b.example', role: 'agent', tenantId: seed.acme.id, password: 'long enough pw' },
    })
    assert.equal(ok.status, 201, ok.text)
    assert.equal((ok.body as Body).password, undefined, 'no generated password when one was given')
    const list = await h.api('GET', `/api/v1/admin/users?tenantId=${seed.acme.id}`, admin())
    assert.ok(!/scrypt|hash/i.test(list.text))
    const id = ((ok.body as Body).user as Body).id as string
    const disabled = await h.api('PATCH', `/api/v1/admin/users/${id}`, {
      ...admin(),
      body: { disabled: true },
    })
    assert.equal((disabled.body as Body).disabled, true)
    assert.equal((await h.api('DELETE', `/api/v1/admin/users/${id}`, admin())).status, 204)
  })

  test('admin actions are in the audit log, newest first, with the actor', async () => {
    const res = await h.api('GET', '/api/v1/admin/audit?limit=500', admin())
    const entries = (res.body as { entries: Body[] }).entries
    const actions = entries.map((e) => e.action)
    for (const action of [
      'app.add',
      'waba.add',
      'number.import',
      'tenant.add',
      'apikey.create',
      'user.create',
    ]) {
      assert.ok(actions.includes(action), `${action} is audited`)
    }
    assert.match(entries.find((e) => e.action === 'tenant.add')?.actor as string, /^api_key:key_/)
    assert.ok((entries[0].at as number) >= (entries[entries.length - 1].at as number))
  })

  test('a number with conversations is not removed without force', async () => {
    h.emulator.control.customerSends(
      h.emulator.seed.customers[0].wa_id,
      { type: 'text', text: { body: 'hi' } },
      { phoneNumberId: seed.acme.phoneNumberId },
    )
    await waitFor(
      'a conversation',
      async () => (await h.db.db.selectFrom('conversations').select('id').execute()).length > 0,
    )
    const res = await h.api('DELETE', `/api/v1/admin/numbers/${seed.acme.phoneNumberId}`, admin())
    assert.equal(res.status, 409, res.text)
    assert.match((res.body as { error: { fix: string } }).error.fix, /force/)
  })
})
