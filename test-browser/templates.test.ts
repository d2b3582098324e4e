import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { Page } from 'playwright-core'
import type { GraphLedgerEntry } from '../src/emulator/ledger.ts'
import { testDbKind } from '../test/helpers/db.ts'
import {
  cakePicture,
  closeWindow,
  conversationOf,
  createUser,
  type Dashboard,
  drawPicture,
  signInToInbox,
  startDashboard,
  waitFor,
} from './helpers/dashboard.ts'

// Templates in the dashboard (SPEC §14), as seed 001's bakery does it: the operator authors a
// template with a picture header and two variables beside its live preview, sees Meta's review
// arrive by webhook, and an agent sends it from the inbox's template picker; the customer's
// side is the emulator's ledger.

const sheena = '16505551234'

describe(`dashboard: templates (${testDbKind})`, () => {
  let d: Dashboard
  let admin: Page
  const graph = () => d.h.emulator.control.ledger({ kind: 'graph' }) as GraphLedgerEntry[]
  const card = (name: string, language?: string) =>
    admin.locator(
      `article.template-card[data-template="${name}"]${language ? `[data-language="${language}"]` : ''}`,
    )

  before(async () => {
    d = await startDashboard({ emulator: { templateReview: 'manual' } })
    await createUser(d.h, { email: 'ops@example.com', role: 'admin', password: 'admin password 123' })
    await createUser(d.h, {
      email: 'agent@acme.example',
      role: 'agent',
      tenantId: d.seed.acme.id,
      password: 'agent password 123',
    })
    admin = await d.newPage()
    await signInToInbox(admin, 'ops@example.com', 'admin password 123')
  })
  after(async () => {
    await d?.close()
  })

  test('every template of the WABA (synced when it was added) with its preview, status and reason; filters narrow them', async () => {
    await admin.getByRole('link', { name: 'Templates' }).click()
    const order = card('order_update')
    await order.waitFor()
    // The body as WhatsApp shows it, the examples in place of the variables.
    assert.match(
      (await order.getByTestId('wa-body').textContent()) ?? '',
      /^Hi \S+, your order \S+ has shipped/,
    )
    await order.getByText('Active').waitFor()
    await card('spring_promo').getByText('Paused').waitFor()

    await admin.getByLabel('Status').selectOption('PAUSED')
    await admin.locator('article.template-card').first().waitFor()
    assert.deepEqual(
      await admin
        .locator('article.template-card')
        .evaluateAll((els) => els.map((e) => e.getAttribute('data-template'))),
      ['spring_promo'],
    )
    await admin.getByText(/^Showing 1 of \d+ templates$/).waitFor()
    await admin.getByLabel('Status').selectOption('')
    await admin.getByLabel('Search by name').fill('order')
    await card('po_notification').waitFor({ state: 'detached' })
    await admin.getByLabel('Search by name').fill('')
  })

  test('authoring: a picture header and two variables beside a live preview; a rule broken is shown at its field; approved by webhook', async () => {
    await admin.getByRole('link', { name: 'New template' }).click()
    await admin.getByRole('heading', { name: 'New template' }).waitFor()
    await admin.getByLabel('Name').fill('pickup_ready')
    await admin.getByRole('main').getByLabel('Language').fill('en_US')
    await admin.getByLabel('Header', { exact: true }).selectOption('IMAGE')
    const picture = await drawPicture(d.browser, cakePicture)
    await admin
      .getByLabel('Sample Image')
      .setInputFiles({ name: 'cake.png', mimeType: 'image/png', buffer: picture })

    // A body ending in a variable: Meta refuses it; the server's 422 appears under the body.
    const body = admin.getByLabel('Body', { exact: true })
    await body.fill('Hi {{1}}, your cake is ready: order {{2}}')
    await admin.getByLabel('Example for {{1}}').fill('Sheena')
    await admin.getByLabel('Example for {{2}}').fill('#1042')
    await admin.getByRole('button', { name: 'Submit for review' }).click()
    const content = admin.getByRole('group', { name: 'Content' })
    await content
      .getByRole('alert')
      .getByText(/must not start or end with a variable/)
      .waitFor()

    await body.fill('Hi {{1}}, your cake is ready: order {{2}}. See you soon!')
    await admin.getByLabel('Footer (optional)').fill('Panadería Sol')
    await admin.getByRole('button', { name: 'Add a button' }).click()
    await admin.getByLabel('Button text').fill('On my way')
    const preview = admin.locator('.editor-preview')
    await preview
      .getByTestId('wa-body')
      .getByText('Hi Sheena, your cake is ready: order #1042. See you soon!')
      .waitFor()
    await preview.getByRole('img', { name: 'Header image' }).waitFor()
    await preview.getByText('On my way').waitFor()

    await admin.getByRole('button', { name: 'Submit for review' }).click()
    const created = card('pickup_ready')
    await created.getByText('In review').waitFor()
    assert.ok(
      graph().some((e) => e.method === 'POST' && /\/uploads/.test(e.path)),
      'the header sample went through the resumable upload API',
    )

    // Meta approves it: the status webhook reaches the page without a reload.
    d.h.emulator.control.setTemplateStatus({ name: 'pickup_ready', language: 'en_US', status: 'APPROVED' })
    await created.getByText('Active').waitFor()
  })

  test('from the page: add a language (translated), edit (back to review), delete that language; send a test', async () => {
    const en = card('pickup_ready', 'en_US')
    await en.getByRole('link', { name: 'Add language' }).click()
    await admin.getByRole('heading', { name: 'Add a language to pickup_ready' }).waitFor()
    await admin.getByRole('main').getByLabel('Language').fill('es')
    await admin
      .getByLabel('Body', { exact: true })
      .fill('Hola {{1}}, tu tarta está lista: pedido {{2}}. ¡Hasta pronto!')
    await admin.getByLabel('Button text').fill('Voy para allá')
    await admin
      .locator('.editor-preview')
      .getByText('Hola Sheena, tu tarta está lista: pedido #1042. ¡Hasta pronto!')
      .waitFor()
    await admin.getByRole('button', { name: 'Submit this language' }).click()
    const es = card('pickup_ready', 'es')
    await es.getByText('In review').waitFor()
    await en.getByText('en_US, es').waitFor() // the languages of its name
    const submitted = graph().filter((e) => e.method === 'POST' && e.path.endsWith('/message_templates'))
    const header = ((submitted.at(-1)?.body as { components: { type: string; example?: unknown }[] })
      .components ?? [])[0]
    assert.match(JSON.stringify(header.example), /header_handle/, 'the new language keeps the picture sample')

    // Edit the English one: it goes back to review.
    await en.getByRole('link', { name: 'Edit' }).click()
    await admin.getByRole('heading', { name: 'Edit pickup_ready' }).waitFor()
    await admin.getByLabel('Footer (optional)').fill('Panadería Sol · Madrid')
    await admin.getByRole('button', { name: 'Save and resubmit' }).click()
    await en.getByText('In review').waitFor()
    d.h.emulator.control.setTemplateStatus({ name: 'pickup_ready', language: 'en_US', status: 'APPROVED' })
    await en.getByText('Active').waitFor()

    // Delete the Spanish one (asks once more).
    await es.getByRole('button', { name: 'Delete' }).click()
    await es.getByRole('button', { name: 'Delete the es version' }).click()
    await admin.getByRole('status').getByText('Template pickup_ready (es) deleted.').waitFor()
    await es.waitFor({ state: 'detached' })
    assert.ok(
      graph().some((e) => e.method === 'DELETE' && e.path.endsWith('/message_templates') && e.query.hsm_id),
      'deleted at Meta by its id, this language only',
    )

    // Send test: hello_world to a customer (João, not the one the agent talks to below).
    await card('hello_world').getByRole('button', { name: 'Send test' }).click()
    const panel = admin.getByRole('region', { name: 'Send a test of hello_world (en_US)' })
    await panel.getByLabel('To (phone number)').fill('+55 11 8765 4321')
    await panel.getByRole('button', { name: 'Send test' }).click()
    await panel
      .getByRole('status')
      .getByText(/Test queued for \+55 11 8765 4321/)
      .waitFor()
    await waitFor('the test in the emulator’s ledger', () =>
      graph().some(
        (e) =>
          e.method === 'POST' &&
          e.path.endsWith('/messages') &&
          JSON.stringify(e.body).includes('hello_world'),
      ),
    )
  })

  test('a rejection shows Meta’s reason on the card', async () => {
    const res = await d.h.api('POST', `/api/v1/admin/wabas/${d.seed.wabaRowId}/templates`, {
      key: d.h.adminKey,
      body: {
        name: 'big_sale',
        language: 'en_US',
        category: 'UTILITY',
        components: [
          { type: 'BODY', text: 'Everything is 50% off today, {{1}}!', example: { body_text: [['Ana']] } },
        ],
      },
    })
    assert.equal(res.status, 201, res.text)
    d.h.emulator.control.setTemplateStatus({
      name: 'big_sale',
      language: 'en_US',
      status: 'REJECTED',
      reason: 'INCORRECT_CATEGORY',
    })
    const rejected = card('big_sale')
    await rejected.getByText('Rejected').waitFor()
    await rejected.getByTestId('template-reason').getByText('Reason: wrong category').waitFor()
  })

  test('the agent sends the new template from the inbox picker; the customer gets the picture and the values', async () => {
    const agent = await d.newPage()
    await signInToInbox(agent, 'agent@acme.example', 'agent password 123')
    const { id: wamid } = d.h.emulator.control.customerSends(
      sheena,
      { type: 'text', text: { body: 'Is my cake ready?' } },
      { phoneNumberId: d.seed.acme.phoneNumberId },
    )
    const id = await conversationOf(d.h, d.seed.acme.id, sheena)
    // The window closes only after the message that opened it is stored.
    await waitFor('the customer’s message stored', () =>
      d.h.db.db.selectFrom('messages').select('id').where('wamid', '=', wamid).executeTakeFirst(),
    )
    await closeWindow(d.h, id)
    await agent.goto(`/inbox/${id}`)
    await agent.getByRole('heading', { name: 'Send a template' }).waitFor()
    await agent.getByRole('form', { name: 'Send a template' }).getByLabel('Language').selectOption('en_US')
    await agent.getByLabel('Template', { exact: true }).selectOption({ label: 'pickup_ready (utility)' })
    await agent.getByLabel('Header image (https link)').fill('https://panaderia.example/cake.jpg')
    await agent.getByLabel('Body {{1}}').fill('Sheena')
    await agent.getByLabel('Body {{2}}').fill('#2077')
    await agent.getByRole('button', { name: 'Send template' }).click()

    const sent = await waitFor('the template in the emulator’s ledger', () =>
      graph().find(
        (e) =>
          e.method === 'POST' && e.path.endsWith('/messages') && JSON.stringify(e).includes('pickup_ready'),
      ),
    )
    const text = JSON.stringify(sent)
    assert.ok(text.includes('#2077') && text.includes('https://panaderia.example/cake.jpg'), text)
    const out = agent.locator('li.message.out.type-template', { hasText: 'pickup_ready' })
    await waitFor('the template delivered to the customer', async () =>
      ['delivered', 'read'].includes((await out.getAttribute('data-status')) ?? ''),
    )

    // The Templates page now says when it was last used.
    await admin.reload()
    assert.doesNotMatch((await card('pickup_ready').locator('dd').nth(3).textContent()) ?? '', /never/)
  })
})
