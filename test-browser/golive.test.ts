import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { Locator, Page } from 'playwright-core'
import { testDbKind } from '../test/helpers/db.ts'
import { createUser, type Dashboard, signInToInbox, startDashboard, waitFor } from './helpers/dashboard.ts'

// Issue 21: a fresh Wahub and the emulator, taken from nothing to a live number through the
// Go live page alone — the Meta app, the WABA and its token, the tenant, a first template
// delivered — re-checking with Meta until every step Wahub can read is done.

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
