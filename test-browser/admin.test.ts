import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { Page } from 'playwright-core'
import { testDbKind } from '../test/helpers/db.ts'
import { apiCall } from '../test/helpers/harness.ts'
import { createUser, type Dashboard, signInToInbox, startDashboard, waitFor } from './helpers/dashboard.ts'

// The admin pages besides Channels: raw webhooks with the unrouted ones replayed, tenants with
// their numbers and default number, dashboard users with a one-time password, API keys shown once
// and revoked at once.

describe(`dashboard: tenants, users, API keys, events (${testDbKind})`, () => {
  let d: Dashboard
  let page: Page
  const unassigned = () => d.h.emulator.seed.phoneNumberIds[2]

  before(async () => {
    d = await startDashboard()
    await createUser(d.h, { email: 'admin@example.com', role: 'admin', password: 'admin password 123' })
    page = await d.newPage()
    // No native confirm() is left: a browser dialog here would be an unconfirmed action.
    page.on('dialog', (dialog) => {
      throw new Error(`unexpected native dialog: ${dialog.message()}`)
    })
    await signInToInbox(page, 'admin@example.com', 'admin password 123')
  })
  after(async () => {
    await d?.close()
  })

  test('a webhook for a number nobody was given shows as unrouted and can be replayed', async () => {
    d.h.emulator.control.customerSends(
      '34612345678',
      { type: 'text', text: { body: 'anyone there?' } },
      {
        phoneNumberId: unassigned(),
      },
    )
    await page.getByRole('link', { name: 'Events' }).click()
    await page.getByLabel('Outcome').selectOption('unrouted')
    const row = page.locator('tr[data-outcome="unrouted"]').first()
    await row.waitFor()
    assert.match((await row.textContent()) ?? '', new RegExp(unassigned()))
    await row.getByRole('button', { name: 'Body' }).click()
    await page.locator('pre.json', { hasText: 'anyone there?' }).waitFor()
    await row.getByRole('button', { name: 'Replay' }).click()
    await page
      .getByRole('status')
      .getByText(/queued to be processed again|Nothing to replay/)
      .waitFor()
  })

  test('a new tenant gets the number (its parked webhook is then delivered) and an agent with a one-time password', async () => {
    await page.getByRole('link', { name: 'Tenants & users' }).click()
    await page.getByLabel('New tenant').fill('initech')
    await page.getByRole('button', { name: 'Add tenant' }).click()
    const card = page.locator('article.tenant-card', { hasText: 'initech' })
    await card.waitFor()
    await card.getByLabel('Assign a number').selectOption(d.seed.numbers[unassigned()])
    await card.getByRole('button', { name: 'Assign' }).click()
    await card.locator('li.number-line', { hasText: '+1 555-010-0003' }).waitFor()
    // A tenant's first number becomes its default; otherwise it is one click.
    if (await card.getByRole('button', { name: 'Make default' }).count()) {
      await card.getByRole('button', { name: 'Make default' }).click()
    }
    await card.getByText('default', { exact: true }).waitFor()
    await waitFor('the parked message delivered to initech', async () => {
      const rows = await d.h.db.db
        .selectFrom('messages as m')
        .innerJoin('tenants as t', 't.id', 'm.tenant_id')
        .select('m.id')
        .where('t.name', '=', 'initech')
        .execute()
      return rows.length > 0
    })

    const users = page.getByRole('form', { name: 'Add a user' })
    await users.getByLabel('Email').fill('agent@initech.example')
    await users.getByLabel('Tenant').selectOption({ label: 'initech' })
    await users.getByRole('button', { name: 'Add user' }).click()
    const password = await page.getByRole('textbox', { name: 'One-time password' }).inputValue()
    assert.ok(password.length >= 12)
    const row = page.getByRole('row', { name: /agent@initech\.example/ })
    await row.getByText('one-time password').waitFor()

    // The agent signs in, chooses a password, and finds the parked message in initech's inbox.
    const agent = await d.newPage()
    await agent.goto('/')
    await agent.getByLabel('Email').fill('agent@initech.example')
    await agent.getByLabel('Password', { exact: true }).fill(password)
    await agent.getByRole('button', { name: 'Sign in' }).click()
    await agent.getByLabel('One-time password').fill(password)
    await agent.getByLabel('New password', { exact: true }).fill('initech agent passphrase')
    await agent.getByLabel('Repeat the new password').fill('initech agent passphrase')
    await agent.getByRole('button', { name: 'Save and continue' }).click()
    await agent.getByRole('list', { name: 'Conversations' }).getByText('anyone there?').waitFor()
  })

  test('an API key is shown once, works, and stops working when revoked', async () => {
    await page.getByRole('link', { name: 'API keys' }).click()
    await page.getByLabel('For').selectOption({ label: 'Tenant acme' })
    await page.getByLabel('Name (optional)').fill('CRM')
    await page.getByRole('button', { name: 'Create key' }).click()
    const field = page.getByRole('textbox', { name: /New key wh_/ })
    const key = await field.inputValue()
    assert.match(key, /^wh_/)
    assert.equal((await apiCall(d.h.url, 'GET', '/api/v1/tenant', { key })).status, 200)

    await page.reload()
    await page.getByRole('heading', { name: 'API keys', level: 1 }).waitFor()
    assert.ok(!(await page.content()).includes(key), 'the key is never shown again')
    const row = page.getByRole('row', { name: /CRM/ })
    // Issue 12: revoking asks first; Cancel changes nothing.
    await row.getByRole('button', { name: /Revoke/ }).click()
    const dialog = page.getByRole('dialog', { name: /Revoke wh_/ })
    await dialog.getByText(/cannot be undone/).waitFor()
    await dialog.getByRole('button', { name: 'Cancel' }).click()
    await dialog.waitFor({ state: 'detached' })
    assert.equal(
      (await apiCall(d.h.url, 'GET', '/api/v1/tenant', { key })).status,
      200,
      'Cancel revoked nothing',
    )
    await row.getByRole('button', { name: /Revoke/ }).click()
    await dialog.getByRole('button', { name: 'Revoke' }).click()
    await row.getByText(/revoked/).waitFor({ state: 'detached' }) // hidden unless "Show revoked"
    assert.equal((await apiCall(d.h.url, 'GET', '/api/v1/tenant', { key })).status, 401)
    await page.getByLabel('Show revoked').check()
    await page
      .getByRole('row', { name: /CRM/ })
      .getByText(/revoked/)
      .waitFor()
  })

  test('disabling or removing a user asks first, and Cancel changes nothing (issue 12)', async () => {
    const agent = await createUser(d.h, {
      email: 'careful@example.com',
      role: 'agent',
      tenantId: d.seed.acme.id,
      password: 'agent password 123',
    })
    const disabled = async () =>
      (
        (await d.h.api('GET', '/api/v1/admin/users', { key: d.h.adminKey })).body as {
          users: { id: string; disabled: boolean }[]
        }
      ).users.find((u) => u.id === agent.id)?.disabled
    await page.getByRole('link', { name: 'Tenants & users' }).click()
    const row = page.getByRole('row', { name: /careful@example\.com/ })
    await row.getByRole('button', { name: /Disable/ }).click()
    const ask = page.getByRole('dialog', { name: 'Disable careful@example.com?' })
    await ask.getByText(/signed out at once/).waitFor()
    await ask.getByRole('button', { name: 'Cancel' }).click()
    await ask.waitFor({ state: 'detached' })
    assert.equal(await disabled(), false, 'Cancel left the user enabled')

    await row.getByRole('button', { name: /Disable/ }).click()
    await ask.press('Escape') // Escape is Cancel too
    await ask.waitFor({ state: 'detached' })
    assert.equal(await disabled(), false, 'Escape left the user enabled')

    await row.getByRole('button', { name: /Disable/ }).click()
    await ask.getByRole('button', { name: 'Disable' }).click()
    await row.getByText('disabled', { exact: true }).waitFor()
    assert.equal(await disabled(), true, 'confirmed: the user is disabled')

    await row.getByRole('button', { name: /Remove/ }).click()
    const remove = page.getByRole('dialog', { name: 'Remove careful@example.com?' })
    await remove.getByRole('button', { name: 'Cancel' }).click()
    await remove.waitFor({ state: 'detached' })
    assert.notEqual(await disabled(), undefined, 'Cancel kept the user')
  })
})
