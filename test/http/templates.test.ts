import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { testDbKind } from '../helpers/db.ts'
import { type Harness, type Onboarded, onboardSeed, startHarness } from '../helpers/harness.ts'

// GET /api/v1/templates (src/http/routes/templates/templates.ts): what a tenant may send — the templates of
// its numbers' WABAs — for the dashboard's template picker and API clients.

type Listed = { templates: { name: string; language: string; status: string; components: unknown[] }[] }

describe(`templates a tenant can send (${testDbKind})`, () => {
  let h: Harness
  let seed: Onboarded
  before(async () => {
    h = await startHarness()
    seed = await onboardSeed(h)
    const sync = await h.api('POST', `/api/v1/admin/wabas/${seed.wabaRowId}/templates/sync`, {
      key: h.adminKey,
    })
    assert.equal(sync.status, 200, sync.text)
  })
  after(async () => {
    await h.close()
  })

  test('without credentials: 401', async () => {
    assert.equal((await h.api('GET', '/api/v1/templates')).status, 401)
  })

  test("a tenant's key lists its WABA's templates, filtered by status, language and number", async () => {
    const all = await h.api('GET', '/api/v1/templates', { key: seed.acme.key })
    assert.equal(all.status, 200, all.text)
    const names = (all.body as Listed).templates.map((t) => t.name)
    assert.ok(names.includes('order_update') && names.includes('spring_promo'), names.join(','))

    const approved = await h.api(
      'GET',
      `/api/v1/templates?status=approved&language=en_US&number_id=${seed.acme.phoneNumberId}`,
      { key: seed.acme.key },
    )
    assert.equal(approved.status, 200, approved.text)
    const list = (approved.body as Listed).templates
    assert.ok(list.length > 0)
    assert.ok(list.every((t) => t.status === 'APPROVED' && t.language === 'en_US'))
    assert.ok(!list.some((t) => t.name === 'spring_promo'), 'a paused template is not approved')
    const order = list.find((t) => t.name === 'order_update')
    assert.ok(order && order.components.length >= 2, 'components come with it (the picker builds its form)')
  })

  test("another tenant's number is not found; a bad filter is refused", async () => {
    const other = await h.api('GET', `/api/v1/templates?number_id=${seed.globex.numberId}`, {
      key: seed.acme.key,
    })
    assert.equal(other.status, 404, other.text)
    const bad = await h.api('GET', `/api/v1/templates?status=${'X'.repeat(50)}`, { key: seed.acme.key })
    assert.equal(bad.status, 400)
  })
})
