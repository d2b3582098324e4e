import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { testDbKind } from '../test/helpers/db.ts'
import { createUser, type Dashboard, signIn, startDashboard } from './helpers/dashboard.ts'

describe(`dashboard: first sign-in (${testDbKind})`, () => {
  let d: Dashboard
  before(async () => {
    d = await startDashboard({ onboard: false })
  })
  after(async () => {
    await d?.close()
  })

  test('an admin with a one-time password must choose a password before anything else, then lands in the inbox', async () => {
    const { password: oneTime } = await createUser(d.h, { email: 'owner@example.com', role: 'admin' })
    const page = await d.newPage()

    await page.goto('/inbox')
    await page.getByRole('heading', { name: 'Sign in' }).waitFor()
    // A wrong password is refused with the server's explanation.
    await signIn(page, 'owner@example.com', 'not the password')
    await page.getByRole('alert').getByText('Could not sign in').waitFor()

    await signIn(page, 'owner@example.com', oneTime)
    await page.getByRole('heading', { name: 'Choose your password' }).waitFor()
    // Nothing else is reachable until the password is changed.
    assert.equal(await page.getByRole('navigation', { name: 'Main' }).count(), 0)
    const blocked = await page.evaluate(async () => (await fetch('/api/v1/conversations')).json())
    assert.equal((blocked as { error: { code: string } }).error.code, 'password_change_required')

    await page.getByLabel('One-time password').fill(oneTime)
    await page.getByLabel('New password', { exact: true }).fill('short')
    await page.getByLabel('Repeat the new password').fill('short')
    await page.getByRole('button', { name: 'Save and continue' }).click()
    await page.getByRole('alert').getByText('at least 10 characters').waitFor()

    await page.getByLabel('New password', { exact: true }).fill('a long and private passphrase')
    await page.getByLabel('Repeat the new password').fill('a long and private passphrase')
    await page.getByRole('button', { name: 'Save and continue' }).click()
    await page.getByRole('navigation', { name: 'Main' }).waitFor()
    await page.getByRole('link', { name: 'Channels' }).waitFor()
    assert.match(page.url(), /\/inbox$/)

    // The session survives a reload; signing out and in again takes the new password.
    await page.reload()
    await page.getByRole('navigation', { name: 'Main' }).waitFor()
    await page.getByRole('button', { name: 'Sign out' }).click()
    await page.getByRole('heading', { name: 'Sign in' }).waitFor()
    await signIn(page, 'owner@example.com', 'a long and private passphrase')
    await page.getByRole('navigation', { name: 'Main' }).waitFor()
    const user = await d.h.db.db
      .selectFrom('users')
      .select('must_change_password')
      .where('email', '=', 'owner@example.com')
      .executeTakeFirstOrThrow()
    assert.equal(Number(user.must_change_password), 0)
  })
})
