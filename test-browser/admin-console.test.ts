import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { Page } from 'playwright-core'
import { testDbKind } from '../test/helpers/db.ts'
import { createUser, type Dashboard, signInToInbox, startDashboard, waitFor } from './helpers/dashboard.ts'

// The admin console's gaps found when tried (issue 16): the global default number and the global
// and per-tenant WhatsApp switches on Tenants & users (each switch-off confirmed first), the audit
// log page, and the Events page's types and numbers of processed webhooks and its filtered empty
// state — in English, with the audit page also in Spanish.

type Obj = Record<string, unknown>

describe(`dashboard: admin console — settings, audit log, events (${testDbKind})`, () => {
  let d: Dashboard
  let page: Page
  const api = async (path: string) => {
    const res = await d.h.api('GET', path, { key: d.h.adminKey })
    assert.equal(res.status, 200, `GET ${path}: ${res.text}`)
    return res.body as Obj
  }

  before(async () => {
    d = await startDashboard()
    await createUser(d.h, { email: 'admin@example.com', role: 'admin', password: 'admin password 123' })
    page = await d.newPage()
    page.on('dialog', (dialog) => {
      throw new Error(`unexpected native dialog: ${dialog.message()}`)
    })
    await signInToInbox(page, 'admin@example.com', 'admin password 123')
  })
  after(async () => {
    await d?.close()
  })

  test('the global default number is chosen on Tenants & users and the API reads it back', async () => {
    await page.getByRole('link', { name: 'Tenants & users' }).click()
    const spare = d.h.emulator.seed.phoneNumberIds[2]
    await page.getByLabel('Global default number').selectOption(d.seed.numbers[spare])
    await waitFor('the global default number saved', async () => {
      const s = await api('/api/v1/admin/settings')
      return s.defaultPhoneNumberId === spare
    })
    await page.getByLabel('Global default number').selectOption('')
    await waitFor('the global default number cleared', async () => {
      const s = await api('/api/v1/admin/settings')
      return s.defaultNumberId === null
    })
  })

  test('WhatsApp is switched off for all only after a confirmation, and on again', async () => {
    const global = page.locator('section.global-settings')
    await global.getByRole('button', { name: 'Turn WhatsApp off for all' }).click()
    const dialog = page.getByRole('dialog', { name: 'Turn WhatsApp off for every tenant?' })
    await dialog.waitFor()
    await dialog.getByRole('button', { name: 'Cancel' }).click()
    assert.equal((await api('/api/v1/admin/settings')).whatsappEnabled, true, 'Cancel changed nothing')
    await global.getByRole('button', { name: 'Turn WhatsApp off for all' }).click()
    await dialog.getByRole('button', { name: 'Turn WhatsApp off for all' }).click()
    await global.locator('[data-whatsapp="off"]').waitFor()
    assert.equal(
      (await api('/api/v1/admin/settings')).whatsappEnabled,
      false,
      'the switch reached the server',
    )
    await global.getByRole('button', { name: 'Turn WhatsApp on for all' }).click()
    await global.locator('[data-whatsapp="on"]').waitFor()
    assert.equal((await api('/api/v1/admin/settings')).whatsappEnabled, true)
  })

  test("a tenant's WhatsApp switch is on its card, confirmed before it goes off", async () => {
    const card = page.locator('article.tenant-card', { hasText: 'acme' })
    await card.getByRole('button', { name: 'Turn WhatsApp off' }).click()
    const dialog = page.getByRole('dialog', { name: 'Turn WhatsApp off for acme?' })
    await dialog.getByRole('button', { name: 'Turn WhatsApp off' }).click()
    await card.locator('[data-whatsapp="off"]').waitFor()
    const acme = await api(`/api/v1/admin/tenants/${d.seed.acme.id}`)
    assert.equal(acme.whatsappEnabled, false, "acme's WhatsApp is off on the server")
    const globex = await api(`/api/v1/admin/tenants/${d.seed.globex.id}`)
    assert.equal(globex.whatsappEnabled, true, 'the other tenant is untouched')
    await card.getByRole('button', { name: 'Turn WhatsApp on' }).click()
    await card.locator('[data-whatsapp="on"]').waitFor()
  })

  test('the audit log lists those changes, newest first, and narrows to one tenant', async () => {
    await page.getByRole('link', { name: 'Audit log' }).click()
    await page.getByRole('heading', { name: 'Audit log', level: 1 }).waitFor()
    await page.locator('tr[data-action="settings.default_number"]').first().waitFor()
    const actions = await page
      .locator('tr[data-action]')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-action')))
    assert.ok(actions.includes('tenant.update'), `the tenant switch is logged: ${actions.join(', ')}`)
    assert.equal(actions[0], 'tenant.update', 'the newest entry (acme switched back on) comes first')
    await page.getByLabel('Tenant').selectOption({ label: 'globex' })
    await page.locator('[data-empty], tr[data-action]').first().waitFor()
    await waitFor('the list narrowed to globex', async () => {
      const shown = await page.locator('tbody tr').allTextContents()
      return shown.every((text) => !text.includes('acme') && !text.includes(d.seed.acme.id))
    })
    const rows = await page.locator('tr[data-action]').count()
    if (rows === 0)
      assert.equal(
        (await page.locator('[data-empty]').textContent())?.trim(),
        'No admin action recorded for this tenant.',
      )
  })

  test('the audit log speaks Spanish', async () => {
    await page.goto(`${d.h.url}/audit?lang=es`)
    await page.getByRole('heading', { name: 'Registro de auditoría', level: 1 }).waitFor()
    await page.getByRole('columnheader', { name: 'Acción' }).waitFor()
    await page.goto(`${d.h.url}/audit?lang=en`)
    await page.getByRole('heading', { name: 'Audit log', level: 1 }).waitFor()
  })

  test('Events shows the type and number of a processed webhook, and an empty filter says what is empty', async () => {
    d.h.emulator.control.customerSends(
      '34612345678',
      { type: 'text', text: { body: 'hola' } },
      { phoneNumberId: d.seed.acme.phoneNumberId },
    )
    await page.getByRole('link', { name: 'Events' }).click()
    await page.getByLabel('Outcome').selectOption('processed')
    const row = page.locator('tr[data-outcome="processed"]', { hasText: 'Message · text' }).first()
    await row.waitFor()
    assert.match(
      (await row.textContent()) ?? '',
      new RegExp(d.seed.acme.phoneNumberId),
      'a processed webhook shows the number it came to',
    )
    await page.getByLabel('Outcome').selectOption('rejected')
    const empty = page.locator('td[data-empty]')
    await empty.waitFor()
    assert.equal(
      (await empty.textContent())?.trim(),
      'No rejected webhook among the latest 100.',
      'a filtered empty list says what is empty, not "No webhook yet"',
    )
  })
})
