import assert from 'node:assert/strict'
import os from 'node:os'
import path from 'node:path'
import { after, before, describe, test } from 'node:test'
import type { Locator, Page } from 'playwright-core'
import { testDbKind } from '../test/helpers/db.ts'
import {
  createSandboxTemplate,
  createUser,
  type Dashboard,
  signInToInbox,
  startDashboard,
  waitFor,
} from './helpers/dashboard.ts'

// Issue 21: a fresh Wahub and the emulator, taken from nothing to a live number through the
// Go live page alone — the Meta app, the WABA and its token, the tenant, a first template
// delivered — re-checking with Meta until every step Wahub can read is done.

/** Where the test leaves its screenshots for a person to look at (not the README's). */
const screenshotPath = (name: string) => path.join(os.tmpdir(), name)

async function stepState(step: Locator): Promise<string | null> {
  return step.getAttribute('data-state')
}

describe(`dashboard: go live (${testDbKind})`, () => {
  let d: Dashboard
  let page: Page
  const step = (id: string) => page.locator(`li[data-step="${id}"]`)
  const recheckUntil = async (id: string, state: string) =>
    waitFor(
      `step ${id} to be ${state}`,
      async () => {
        if ((await stepState(step(id))) === state) return true
        const button = page.getByRole('button', { name: 'Re-check with Meta' })
        if (await button.isEnabled()) await button.click()
        await page.getByRole('button', { name: 'Re-check with Meta' }).waitFor()
        return (await stepState(step(id))) === state
      },
      { timeoutMs: 20_000, intervalMs: 200 },
    )

  before(async () => {
    d = await startDashboard({ onboard: false })
    await createUser(d.h, { email: 'admin@example.com', role: 'admin', password: 'admin password 123' })
    page = await d.newPage()
    await signInToInbox(page, 'admin@example.com', 'admin password 123')
    await page.getByRole('link', { name: 'Go live' }).click()
    await page.getByRole('heading', { name: 'Go live', level: 1 }).waitFor()
  })
  after(async () => {
    await d?.close()
  })

  test('from nothing to a live number through the guide alone', async () => {
    const seed = d.h.emulator.seed
    await page.getByText('No WhatsApp number connected yet').waitFor()
    assert.equal(await stepState(step('app.connected')), 'todo', 'on a fresh Wahub the app is to connect')
    assert.equal(await stepState(step('security.two_factor')), 'manual')
    await step('security.two_factor')
      .getByText(/Two-factor authentication/)
      .first()
      .waitFor()

    // 1. The Meta app, from its own step.
    const app = step('app.connected')
    await app.getByText('Add your Meta app').click()
    await app.getByLabel('App ID').fill(seed.appId)
    await app.getByLabel('App secret').fill(seed.appSecret)
    await app.getByRole('button', { name: 'Save app' }).click()
    await app.getByRole('textbox', { name: 'Verify token (shown once)' }).waitFor()
    await recheckUntil('app.connected', 'done')

    // 2. The WABA with its token (checked by Meta), its numbers imported.
    const waba = step('waba.connected').getByRole('form', { name: 'Add a WhatsApp Business Account' })
    await waba.getByLabel('WABA ID').fill(seed.wabaId)
    await waba.getByLabel('Access token').fill(seed.accessToken)
    await waba.getByRole('button', { name: 'Connect' }).click()
    await page.getByText(`Number ${seed.displayNumbers[0]} (${seed.phoneNumberIds[0]})`).waitFor()
    await recheckUntil('token.permanent', 'done')
    assert.equal(await stepState(step('number.registered')), 'done')
    assert.equal(
      await stepState(step('webhook.callback')),
      'done',
      await step('webhook.callback').innerText(),
    )

    // 3. A tenant for the number.
    const assign = step('tenant.assigned').getByRole('form', { name: 'Assign the number to a tenant' })
    await assign.getByLabel('Tenant name').fill('Panadería San Juan')
    await assign.getByRole('button', { name: 'Assign' }).click()
    await recheckUntil('tenant.assigned', 'done')

    // 4. A first template, delivered; its status webhook is the first webhook.
    const first = step('message.delivered')
    await recheckUntil('templates.approved', 'done')
    await first.getByLabel('Template').selectOption({ label: 'hello_world (en_US)' })
    await first.getByLabel('To (phone number)').fill('+1 650 555 1234')
    await first.getByRole('button', { name: 'Send test' }).click()
    await first.getByRole('status').waitFor()
    await recheckUntil('message.delivered', 'done')
    await recheckUntil('webhook.received', 'done')

    await page.getByText('Live: nothing Wahub can read stands in the way.').waitFor()
    for (const s of await page.locator('li[data-step]').all()) {
      const state = await stepState(s)
      assert.ok(
        state === 'done' || state === 'manual',
        `every step done or to confirm in Meta: ${await s.innerText()}`,
      )
    }
  })

  test('an expiring token is warned about in the header; the swap form checks a new token with Meta before it replaces it', async () => {
    const seed = d.h.emulator.seed
    const { token } = d.h.emulator.control.addToken({ type: 'USER', expires_in: 86400 }) as { token: string }
    const put = await d.h.api('PUT', `/api/v1/admin/wabas/${seed.wabaId}/token`, {
      key: d.h.adminKey,
      body: { token, acceptTemporary: true },
    })
    assert.equal(put.status, 200, put.text)
    await page.reload()
    const alert = page.locator('.token-alerts')
    await alert.getByText(`The token of WABA ${seed.wabaId} expires at`).waitFor()
    await recheckUntil('token.permanent', 'failing')
    const swap = step('token.permanent').getByRole('form', { name: 'Swap in a new token' })
    // A second temporary token: Meta's view is shown, and it is refused for the live number.
    const { token: other } = d.h.emulator.control.addToken({ type: 'USER', expires_in: 86400 }) as {
      token: string
    }
    await swap.getByLabel('New access token').fill(other)
    await swap.getByRole('button', { name: 'Check with Meta' }).click()
    const result = step('token.permanent').getByRole('status', { name: 'What Meta says of the new token' })
    await result.getByText('token_temporary').waitFor()
    await result.getByText(/Type USER/).waitFor()
    // The permanent one passes the check and replaces it.
    await swap.getByLabel('New access token').fill(seed.accessToken)
    await swap.getByRole('button', { name: 'Check with Meta' }).click()
    await result.getByText(/never expires/).waitFor()
    await result.getByRole('button', { name: 'Replace the token' }).click()
    await recheckUntil('token.permanent', 'done')
    await page.reload()
    await page.getByRole('heading', { name: 'Go live', level: 1 }).waitFor()
    assert.equal(await alert.count(), 0, 'no header alert once the token is permanent')
  })
})

// "Go live" from the first-run Sandbox (decision 0083): the Sandbox's tenant and the template
// made in it are carried to the real WABA (the harness's emulator), where Meta approves it.
describe(`dashboard: go live from the Sandbox (${testDbKind})`, () => {
  let d: Dashboard
  let page: Page
  const step = (id: string) => page.locator(`li[data-step="${id}"]`)
  before(async () => {
    d = await startDashboard({
      onboard: false,
      env: { WAHUB_SANDBOX: 'on' },
      firstRun: {
        sandbox: {
          customers: false,
          emulator: {
            delays: { sentMs: 5, deliveredMs: 10, readMs: 20, autoReplyMs: 20, templateReviewMs: 10 },
          },
        },
      },
    })
    await createUser(d.h, { email: 'admin@example.com', role: 'admin', password: 'admin password 123' })
    // A template made in the Sandbox (the Templates page's own test covers authoring there).
    await createSandboxTemplate(d.h)
    page = await d.newPage()
    await signInToInbox(page, 'admin@example.com', 'admin password 123')
  })
  after(async () => {
    await d?.close()
  })

  test('Sandbox → Go live → the carried tenant and template → a live number → the template approved at Meta', async () => {
    const seed = d.h.emulator.seed
    await page.getByRole('link', { name: 'Channels' }).click()
    const wabas = page.getByRole('region', { name: 'WhatsApp Business Accounts' })
    await wabas.getByRole('button', { name: 'Go live' }).click()
    await page.getByRole('heading', { name: 'Go live', level: 1 }).waitFor()
    assert.match(page.url(), /\/golive\?from=sandbox$/)

    const carry = page.getByRole('region', { name: 'Coming from the Sandbox' })
    await carry.getByText('The Sandbox\'s tenant "Sandbox demo" stays').waitFor()
    await carry.getByText(/Not carried: the Sandbox numbers \+1 555-010-1001, \+1 555-010-1002/).waitFor()
    const templates = carry.getByRole('table', { name: 'Sandbox templates' })
    const ready = templates.locator('tr[data-template="order_ready:en_US"]')
    await ready.getByText('Made in the Sandbox').waitFor()
    assert.ok(await ready.getByRole('checkbox', { name: 'Submit order_ready (en_US)' }).isChecked(), 'ticked')
    assert.equal(
      await carry.getByRole('button', { name: 'Submit for review (1)' }).isDisabled(),
      true,
      'nothing to submit to before a real WABA',
    )
    await carry.getByText('Connect your WhatsApp Business Account first').waitFor()
    await page.screenshot({ path: screenshotPath('golive-sandbox-carry.png'), fullPage: true })

    // The real app and WABA, through the guide's own steps.
    const app = step('app.connected')
    assert.equal(
      await step('app.connected').getAttribute('data-state'),
      'todo',
      "the Sandbox's app is not a real one",
    )
    await app.getByText('Add another app or replace a secret').click()
    await app.getByLabel('App ID').fill(seed.appId)
    await app.getByLabel('App secret').fill(seed.appSecret)
    await app.getByRole('button', { name: 'Save app' }).click()
    await app.getByRole('textbox', { name: 'Verify token (shown once)' }).waitFor()
    const waba = step('waba.connected').getByRole('form', { name: 'Add a WhatsApp Business Account' })
    await waba.getByLabel('WABA ID').fill(seed.wabaId)
    await waba.getByLabel('Access token').fill(seed.accessToken)
    await waba.getByRole('button', { name: 'Connect' }).click()
    await page.getByText(`Number ${seed.displayNumbers[0]} (${seed.phoneNumberIds[0]})`).waitFor()

    // The carried tenant takes the real number.
    const assign = step('tenant.assigned').getByRole('form', { name: 'Assign the number to a tenant' })
    await assign.getByRole('button', { name: 'Give it to Sandbox demo' }).click()
    await waitFor(
      'the tenant step to be done',
      async () => (await step('tenant.assigned').getAttribute('data-state')) === 'done',
      {
        timeoutMs: 20_000,
      },
    )

    // The carried template goes to the real WABA and is approved there.
    await carry.getByText(`Templates go to Meta for review in your WhatsApp Business Account`).waitFor()
    await carry.getByRole('button', { name: 'Submit for review (1)' }).click()
    await carry.getByText("Submitted for Meta's review: 1.").waitFor()
    await ready
      .getByText('Approved')
      .waitFor({ timeout: 20_000 })
      .catch(async (err) => {
        await page.screenshot({ path: screenshotPath('golive-sandbox-failed.png'), fullPage: true })
        const rows = await d.h.db.db
          .selectFrom('templates')
          .select(['waba_id', 'name', 'status'])
          .where('name', '=', 'order_ready')
          .execute()
        throw new Error(`${(err as Error).message}\n${JSON.stringify(rows)}`)
      })
    const ledger = d.h.emulator.control.ledger({ kind: 'graph' }) as { method?: string; path?: string }[]
    assert.ok(
      ledger.some((e) => e.method === 'POST' && e.path?.includes(`${seed.wabaId}/message_templates`)),
      'submitted to the real WABA',
    )
    const tenant = await d.h.db.db
      .selectFrom('tenants as t')
      .innerJoin('phone_numbers as p', 'p.id', 't.default_phone_number_id')
      .select('p.phone_number_id')
      .where('t.name', '=', 'Sandbox demo')
      .executeTakeFirstOrThrow()
    assert.equal(tenant.phone_number_id, seed.phoneNumberIds[0], 'the real number is the tenant default')
    await page.screenshot({ path: screenshotPath('golive-sandbox-approved.png'), fullPage: true })
  })
})
