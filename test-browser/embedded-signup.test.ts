import assert from 'node:assert/strict'
import os from 'node:os'
import path from 'node:path'
import { after, before, describe, test } from 'node:test'
import type { Page } from 'playwright-core'
import { testDbKind } from '../test/helpers/db.ts'
import { freePort } from '../test/helpers/harness.ts'
import { createUser, type Dashboard, signInToInbox, startDashboard, waitFor } from './helpers/dashboard.ts'

// Issue 21: a tenant's user connects their own number through Embedded Signup — the emulator's
// stand-in for Meta's popup — gives the PIN, sees every step done, and sends a template from it.

describe(`dashboard: Connect WhatsApp (${testDbKind})`, () => {
  let d: Dashboard
  let page: Page
  before(async () => {
    d = await startDashboard({ env: { WAHUB_SIGNUP_CONFIG_ID: '700000000000123' } })
    await createUser(d.h, {
      email: 'owner@globex.example',
      role: 'agent',
      tenantId: d.seed.globex.id,
      password: 'tenant password 123',
    })
    page = await d.newPage()
    await signInToInbox(page, 'owner@globex.example', 'tenant password 123')
  })
  after(async () => {
    await d?.close()
  })

  test('a tenant connects its own number through the signup stand-in and sends a template from it', async () => {
    await page.getByRole('link', { name: 'Connect WhatsApp' }).click()
    await page.getByRole('heading', { name: 'Connect WhatsApp', level: 1 }).waitFor()
    const [popup] = await Promise.all([
      page.waitForEvent('popup'),
      page.getByRole('button', { name: 'Connect WhatsApp' }).click(),
    ])
    await popup.getByLabel('Business name').fill('Globex Bakery')
    await popup.getByLabel('WhatsApp phone number').fill('+44 7700 900555')
    // The stand-in closes itself once it has posted Meta's messages to this page.
    const closed = popup.waitForEvent('close')
    await popup.getByRole('button', { name: 'Finish' }).click()
    await closed

    const form = page.getByRole('form', { name: 'Finish connecting' })
    await form.getByText(/Meta shared number \d+/).waitFor()
    await form.getByLabel('Two-step verification PIN (6 digits)').fill('424242')
    await form.getByRole('button', { name: 'Finish' }).click()
    await page.getByText('Connected: the number is yours.').waitFor()
    for (const step of ['exchange', 'waba', 'number', 'subscribe', 'register', 'templates', 'assign']) {
      assert.equal(
        await page.locator(`li[data-step="${step}"]`).getAttribute('data-state'),
        'done',
        `step ${step} is done`,
      )
    }

    const send = page.getByRole('form', { name: 'Send a first template' })
    await send.getByLabel('Template').selectOption({ label: 'hello_world (en_US)' })
    await send.getByLabel('To (phone number)').fill('+1 650 555 1234')
    await send.getByRole('button', { name: 'Send' }).click()
    await send.getByText('Sent to +1 650 555 1234.').waitFor()
    const sent = await waitFor('the template to reach the emulator from the new number', () => {
      const state = d.h.emulator.control.state() as {
        phone_numbers: { id: string; display_phone_number: string }[]
      }
      const n = state.phone_numbers.find((x) => x.display_phone_number === '+44 7700 900555')
      const ledger = d.h.emulator.control.ledger({ kind: 'graph' }) as { path?: string; status?: number }[]
      return n && ledger.some((e) => e.path?.includes(`${n.id}/messages`) && e.status === 200)
    })
    assert.ok(sent)
  })
})

// Meta's real client path (decision 0084): the dashboard loads the Facebook SDK (here the
// emulator's stand-in SDK, WAHUB_FACEBOOK_SDK_URL), calls FB.login with the configuration id as
// Meta documents it, takes the WA_EMBEDDED_SIGNUP message from the SDK's (facebook-like) origin
// and the code from FB.login's callback, and posts them to the same exchange route.
describe(`dashboard: Connect WhatsApp through the Facebook SDK (${testDbKind})`, () => {
  let d: Dashboard
  let page: Page
  let sdkOrigin = ''
  before(async () => {
    const port = await freePort()
    sdkOrigin = `http://127.0.0.1:${port}`
    d = await startDashboard({
      emulator: { port },
      env: {
        WAHUB_SIGNUP_CONFIG_ID: '700000000000123',
        WAHUB_FACEBOOK_SDK_URL: `${sdkOrigin}/_emulator/sdk.js`,
      },
    })
    await createUser(d.h, {
      email: 'owner@globex.example',
      role: 'agent',
      tenantId: d.seed.globex.id,
      password: 'tenant password 123',
    })
    page = await d.newPage()
    await signInToInbox(page, 'owner@globex.example', 'tenant password 123')
  })
  after(async () => {
    await d?.close()
  })

  test("the dashboard's CSP allows the SDK's origin only because Embedded Signup is on", async () => {
    const res = await d.h.api('GET', '/inbox')
    const csp = res.headers.get('content-security-policy') ?? ''
    assert.match(csp, new RegExp(`script-src 'self' ${sdkOrigin} https://connect\\.facebook\\.net;`))
    assert.match(csp, /frame-src 'self' [^;]*https:\/\/www\.facebook\.com/)
    assert.equal(res.headers.get('cross-origin-opener-policy'), 'same-origin-allow-popups')
  })

  test('FB.login with the configuration id; CANCEL is shown; FINISH and the code connect the number', async () => {
    await page.getByRole('link', { name: 'Connect WhatsApp' }).click()
    await page.getByRole('heading', { name: 'Connect WhatsApp', level: 1 }).waitFor()
    const connect = page.getByRole('button', { name: 'Connect WhatsApp' })
    await waitFor('the SDK to load', () => connect.isEnabled())

    // Cancelled in Meta's window: the step is named, nothing is posted.
    const [first] = await Promise.all([page.waitForEvent('popup'), connect.click()])
    assert.equal(new URL(first.url()).origin, sdkOrigin, "the popup is the SDK's origin, not Wahub's")
    const gone = first.waitForEvent('close')
    await first.getByRole('button', { name: 'Cancel' }).click()
    await gone
    await page.getByText('Signup cancelled at step PHONE_NUMBER_SETUP').waitFor()
    await page.screenshot({ path: path.join(os.tmpdir(), 'signup-sdk-cancelled.png') })

    const [popup] = await Promise.all([page.waitForEvent('popup'), connect.click()])
    await popup.getByLabel('Business name').fill('Globex Deli')
    await popup.getByLabel('WhatsApp phone number').fill('+44 7700 900777')
    const closed = popup.waitForEvent('close')
    await popup.getByRole('button', { name: 'Finish' }).click()
    await closed
    const calls = (await page.evaluate(
      () => (globalThis as unknown as { FB: { __calls: unknown[] } }).FB.__calls,
    )) as unknown[]
    assert.deepEqual(calls.at(-1), {
      config_id: '700000000000123',
      response_type: 'code',
      override_default_response_type: true,
      extras: { setup: {}, featureType: '', sessionInfoVersion: '3' },
    })

    const form = page.getByRole('form', { name: 'Finish connecting' })
    await form.getByText(/Meta shared number \d+/).waitFor()
    await form.getByLabel('Two-step verification PIN (6 digits)').fill('424242')
    await form.getByRole('button', { name: 'Finish' }).click()
    await page.getByText('Connected: the number is yours.').waitFor()
    const numbers = await d.h.db.db
      .selectFrom('phone_numbers')
      .select(['display_phone_number', 'tenant_id'])
      .where('display_phone_number', '=', '+44 7700 900777')
      .execute()
    assert.deepEqual(
      numbers.map((n) => ({ ...n })),
      [{ display_phone_number: '+44 7700 900777', tenant_id: d.seed.globex.id }],
    )
  })
})
