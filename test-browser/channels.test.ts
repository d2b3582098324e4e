import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { Page } from 'playwright-core'
import { explainMetaError } from '../src/cloud-api/error-catalogue.ts'
import { testDbKind } from '../test/helpers/db.ts'
import {
  createUser,
  type Dashboard,
  missingRoute,
  signInToInbox,
  startDashboard,
} from './helpers/dashboard.ts'

// Seed 003's channel setup screens: an admin connects a WABA and its numbers, copies the callback
// URL and verify token for Meta, registers a number with its PIN, points its webhook at Wahub,
// and runs the doctor, which says what is wrong and how to fix it.

describe(`dashboard: channels (${testDbKind})`, () => {
  let d: Dashboard
  let page: Page

  before(async () => {
    d = await startDashboard({ onboard: false })
    await createUser(d.h, { email: 'admin@example.com', role: 'admin', password: 'admin password 123' })
    page = await d.newPage()
    await signInToInbox(page, 'admin@example.com', 'admin password 123')
    await page.getByRole('link', { name: 'Channels' }).click()
    await page.getByRole('heading', { name: 'Channels', level: 1 }).waitFor()
  })
  after(async () => {
    await d?.close()
  })

  test('the Meta app step shows the callback URL and the verify token to paste into Meta', async () => {
    await page.getByText('Add your Meta app').click()
    await page.getByLabel('App ID').fill(d.h.emulator.seed.appId)
    await page.getByLabel('App secret').fill(d.h.emulator.seed.appSecret)
    await page.getByRole('button', { name: 'Save app' }).click()
    const token = page.getByRole('textbox', { name: 'Verify token (shown once)' })
    await token.waitFor()
    const verifyToken = await token.inputValue()
    assert.ok(verifyToken.length >= 16, 'a generated verify token is shown once')
    assert.match(
      await page.getByRole('textbox', { name: 'Callback URL' }).inputValue(),
      /\/webhooks\/whatsapp$/,
    )
    // It is the token the webhook handshake accepts.
    const handshake = await fetch(
      `${d.h.url}/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=${encodeURIComponent(verifyToken)}&hub.challenge=42`,
    )
    assert.equal(await handshake.text(), '42')
  })

  test("adding a number with a bad token is refused with the doctor's fix; a good one imports its numbers", async () => {
    const form = page.getByRole('form', { name: 'Add a WhatsApp Business Account' })
    await form.getByLabel('WABA ID').fill(d.h.emulator.seed.wabaId)
    await form.getByLabel('Access token').fill(d.h.emulator.seed.expiredToken)
    await form.getByRole('button', { name: 'Connect' }).click()
    const alert = form.getByRole('alert')
    await alert.getByText('Not connected').waitFor()
    await alert.getByText('token_invalid').waitFor()
    const text = (await alert.textContent()) ?? ''
    assert.ok(text.includes(explainMetaError(190).fix), `the fix of (#190) is shown: ${text}`)
    const wabas = await d.h.api('GET', '/api/v1/admin/wabas', { key: d.h.adminKey })
    assert.deepEqual((wabas.body as { wabas: unknown[] }).wabas, [], 'a refused token is not saved')

    await form.getByLabel('Access token').fill(d.h.emulator.seed.accessToken)
    await form.getByRole('button', { name: 'Connect' }).click()
    await page
      .getByRole('status')
      .getByText(/3 number\(s\) imported/)
      .waitFor()
    const table = page.getByRole('table').filter({ has: page.getByRole('columnheader', { name: 'Quality' }) })
    for (const display of d.h.emulator.seed.displayNumbers)
      await table.locator('strong', { hasText: display }).waitFor()
    await table.getByText('Panadería Sol').waitFor()
    await table.getByText('Development mode').waitFor()
  })

  test('a number is registered with its PIN (a wrong PIN is explained) and its webhook checked', async () => {
    const phoneNumberId = d.h.emulator.seed.phoneNumberIds[0]
    const row = page.locator(`tr[data-number-id="${phoneNumberId}"]`)
    await row.getByRole('button', { name: /Manage/ }).click()
    const tools = page.locator('.number-tools')
    await tools.getByLabel('Two-step PIN (6 digits)').fill('000000')
    await tools.getByRole('button', { name: 'Register' }).click()
    await tools.getByRole('alert').getByText('133005').first().waitFor()
    await tools.getByLabel('Two-step PIN (6 digits)').fill('123456')
    await tools.getByRole('button', { name: 'Register' }).click()
    await tools.getByText('Registered for the Cloud API.').waitFor()

    await tools.getByRole('button', { name: 'Check where Meta sends webhooks' }).click()
    await tools.getByText(/Points to Wahub|Not pointing to Wahub/).waitFor()
    await tools.getByLabel('Override URL for this number').fill(`${d.h.url}/webhooks/whatsapp`)
    await tools.getByRole('button', { name: 'Apply override' }).click()
    await tools.getByText('Override applied').waitFor()
    await tools.getByText('Points to Wahub').waitFor()
  })

  test('the doctor runs from the page and shows each check with what it saw and the fix', async (t) => {
    const missing = await missingRoute(d.h, 'GET', '/api/v1/admin/diagnostics')
    if (missing) return t.skip(missing)
    // Break the channel the way seed 000 did: the token expires.
    d.h.emulator.control.expireToken(d.h.emulator.seed.accessToken)
    const doctor = page.getByRole('region', { name: 'Run doctor', exact: true })
    await doctor.getByRole('button', { name: 'Run doctor' }).click()
    const checks = doctor.getByRole('list', { name: 'Doctor checks' })
    await checks.waitFor()
    const token = checks.locator('li[data-check="token"][data-status="fail"]').first()
    await token.waitFor({ timeout: 5000 }).catch(async (err) => {
      throw new Error(`${err.message}\n${await checks.textContent()}`)
    })
    const text = (await token.textContent()) ?? ''
    assert.match(text, /Fix:/)
    assert.ok(await checks.locator('li[data-status="pass"]').count(), 'passing checks are listed too')
  })
})
