import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { Page } from 'playwright-core'
import type { GraphLedgerEntry } from '../src/emulator/ledger.ts'
import { testDbKind } from '../test/helpers/db.ts'
import { createUser, type Dashboard, signInToInbox, startDashboard, waitFor } from './helpers/dashboard.ts'

// Campaigns in the dashboard (issue 18 step 4, docs/DASHBOARD.md): an operator imports a CSV
// (one bad row reported with its line), saves a campaign with a CSV column and a fixed text as the
// template's variables, dry runs it, launches it, watches the progress move with no reload (the
// campaign.* live events), pauses and resumes it; the customers' side is the emulator's ledger.

const recipients = Array.from({ length: 8 }, (_, i) => ({
  phone: `+3460050${String(i).padStart(4, '0')}`,
  name: `Cliente ${i}`,
}))
const csv = [
  'phone,name',
  ...recipients.map((r) => `${r.phone},${r.name}`),
  'not a phone,Nadie',
  `${recipients[0].phone},Again`,
].join('\n')

describe(`dashboard: campaigns (${testDbKind})`, () => {
  let d: Dashboard
  let admin: Page
  const acceptedTo = () => {
    const to = new Set<string>()
    for (const e of d.h.emulator.control.ledger({ kind: 'graph' }) as GraphLedgerEntry[])
      if (e.method === 'POST' && e.path.endsWith('/messages') && e.status === 200)
        to.add((e.body as { to?: string }).to ?? '')
    return recipients.filter((r) => to.has(r.phone.slice(1))).length
  }
  const figure = async (id: string) =>
    Number(((await admin.getByTestId(id).locator('dd').textContent()) ?? '').replace(/\D/g, ''))

  before(async () => {
    d = await startDashboard()
    await createUser(d.h, { email: 'ops@example.com', role: 'admin', password: 'admin password 123' })
    admin = await d.newPage()
    await signInToInbox(admin, 'ops@example.com', 'admin password 123')
  })
  after(async () => {
    await d?.close()
  })

  test('import a CSV, dry run, launch, watch the progress, pause and resume', async () => {
    await admin.getByRole('link', { name: 'Campaigns' }).click()
    await admin.getByRole('heading', { name: 'Campaigns' }).waitFor()
    await admin.getByLabel('Tenant').selectOption({ label: 'acme' })
    await admin.getByRole('link', { name: 'New campaign' }).click()

    // 1. The audience: 8 good rows, one without a phone (reported with its line), one repeated.
    await admin
      .getByLabel('CSV file')
      .setInputFiles({ name: 'december.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) })
    await admin.getByRole('button', { name: 'Import', exact: true }).click()
    const summary = admin.getByTestId('audience-summary')
    await summary.getByText(/8 recipients, 1 rows rejected, 1 repeated numbers/).waitFor()
    const errorRow = summary.locator('table.row-errors tbody tr')
    assert.equal(await errorRow.count(), 1, 'the one unusable row is listed')
    assert.match(
      (await errorRow.textContent()) ?? '',
      /^10/,
      'the rejected row is named by its line (header is line 1)',
    )

    // 2. The message: appointment_reminder, {{customer_name}} from the CSV's name, {{date}} fixed.
    await admin.getByLabel('Campaign name').fill('December reminders')
    await admin.getByLabel('Template (approved)').selectOption({ label: 'appointment_reminder (en_US)' })
    await admin.getByLabel(/Variable \{\{customer_name\}\}/).selectOption({ label: 'CSV column “name”' })
    await admin.getByLabel(/Variable \{\{date\}\}/).selectOption({ label: 'Fixed text' })
    await admin.getByLabel('Text', { exact: true }).fill('Friday')
    // 3. Now, slowly enough to watch: one message a second.
    await admin.getByLabel(/Messages per second/).fill('1')
    await admin.getByRole('button', { name: 'Save draft and review' }).click()

    await admin.getByRole('heading', { name: 'December reminders' }).waitFor()
    await admin.getByText('Draft', { exact: true }).waitFor()
    await admin.getByRole('button', { name: 'Dry run' }).click()
    const dry = admin.getByTestId('dry-run-result')
    await dry.waitFor()
    assert.equal(await figure('would-send'), 8, 'the dry run would send to the 8 usable rows')
    assert.equal(acceptedTo(), 0, 'a dry run sends nothing')

    await admin.getByRole('button', { name: 'Launch', exact: true }).click()
    await admin.getByText('Sending', { exact: true }).waitFor()
    // The figures move with no reload: the live campaign.* events re-read the progress.
    await waitFor(
      'two messages sent, shown on the page',
      async () => (await figure('p-sent')) + (await figure('p-delivered')) + (await figure('p-read')) >= 2,
      { timeoutMs: 30_000 },
    )

    await admin.getByRole('button', { name: 'Pause' }).click()
    await admin.getByText('Paused', { exact: true }).first().waitFor()
    await admin.getByText(/paused\. Messages not yet sent were taken back/).waitFor()
    assert.equal(await figure('p-queued'), 0, 'nothing stays queued while paused')
    const atPause = acceptedTo()
    assert.ok(atPause < recipients.length, `the pause came before the end (${atPause} sent)`)

    await admin.getByRole('button', { name: 'Resume' }).click()
    await admin.getByText('Sending', { exact: true }).first().waitFor()
    await admin.getByText('Completed', { exact: true }).waitFor({ timeout: 60_000 })
    await waitFor(
      'every recipient counted as sent on the page',
      async () => (await figure('p-pending')) === 0 && (await figure('p-queued')) === 0,
      { timeoutMs: 15_000 },
    )
    assert.equal(acceptedTo(), recipients.length, 'every recipient got the message in the end')
    const results = admin.getByRole('link', { name: 'Results (CSV)' })
    assert.match((await results.getAttribute('href')) ?? '', /\/results\.csv\?tenant_id=/)

    // The list shows it, completed.
    await admin.getByRole('link', { name: '← All campaigns' }).click()
    await admin.locator('tr[data-campaign="December reminders"]').getByText('Completed').waitFor()
  })
})
