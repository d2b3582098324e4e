import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { Page } from 'playwright-core'
import { explainMetaError } from '../src/cloud-api/error-catalogue.ts'
import { testDbKind } from '../test/helpers/db.ts'
import {
  cakePicture,
  closeWindow,
  conversationOf,
  createUser,
  type Dashboard,
  drawPicture,
  missingRoute,
  signInToInbox,
  startDashboard,
  uploadToEmulator,
  waitFor,
} from './helpers/dashboard.ts'

// The help desk of seed 002, in a real browser: an agent of tenant acme works the inbox while
// simulated customers write to acme's number through the emulator.

const lucia = '34612345678'
const sheena = '16505551234'
const ursula = '447700900123'

describe(`dashboard: the inbox (${testDbKind})`, () => {
  let d: Dashboard
  let page: Page
  let acmeNumber: string
  let sendMissing: string | null

  const customerWrites = (waId: string, message: Record<string, unknown>) =>
    d.h.emulator.control.customerSends(waId, message, { phoneNumberId: acmeNumber })

  const openConversation = async (waId: string) => {
    const id = await conversationOf(d.h, d.seed.acme.id, waId)
    await page.goto(`/inbox/${id}`)
    await page.getByRole('log', { name: 'Messages' }).waitFor()
    return id
  }

  /** The status of the newest outgoing message whose text contains `text`. */
  const statusOf = (text: string) =>
    page.locator('li.message.out', { hasText: text }).last().getAttribute('data-status')

  before(async () => {
    d = await startDashboard()
    acmeNumber = d.seed.acme.phoneNumberId
    const sync = await d.h.api('POST', `/api/v1/admin/wabas/${d.seed.wabaRowId}/templates/sync`, {
      key: d.h.adminKey,
    })
    assert.equal(sync.status, 200, sync.text)
    await createUser(d.h, {
      email: 'agent@acme.example',
      role: 'agent',
      tenantId: d.seed.acme.id,
      password: 'agent password 123',
    })
    sendMissing = await missingRoute(d.h, 'POST', '/api/v1/messages')
    page = await d.newPage()
    await signInToInbox(page, 'agent@acme.example', 'agent password 123')
  })
  after(async () => {
    await d?.close()
  })

  test("a simulated customer's message appears live, without a reload", async () => {
    await page.evaluate(() => {
      ;(globalThis as unknown as { stillHere: boolean }).stillHere = true
    })
    customerWrites(lucia, { type: 'text', text: { body: 'Hola, ¿tenéis pan sin gluten?' } })

    const row = page.locator('a.conversation', { hasText: 'Lucía García' })
    await row.waitFor()
    await row.locator('.unread-badge', { hasText: '1' }).waitFor()
    await row.getByText('Window open').waitFor()
    await row.click()
    await page.getByRole('heading', { name: 'Lucía García', level: 1 }).waitFor()
    await page.getByRole('log', { name: 'Messages' }).getByText('Hola, ¿tenéis pan sin gluten?').waitFor()
    // Opening it marks it read (badge gone, server count 0).
    await row.locator('.unread-badge').waitFor({ state: 'detached' })

    // The next message lands in the open thread, its link clickable.
    customerWrites(lucia, { type: 'text', text: { body: 'Lo vi en https://panaderia.example/sin-gluten.' } })
    const link = page.getByRole('link', { name: 'https://panaderia.example/sin-gluten', exact: true })
    await link.waitFor()
    assert.equal(await link.getAttribute('href'), 'https://panaderia.example/sin-gluten')
    assert.equal(
      await page.evaluate(() => (globalThis as unknown as { stillHere?: boolean }).stillHere),
      true,
    )
  })

  test('a reply within the window goes out and its ticks advance to read', async (t) => {
    if (sendMissing) return t.skip(sendMissing)
    await openConversation(lucia)
    await page.getByText('Window open: free-form replies for').waitFor()
    await page.getByRole('timer').waitFor()
    const box = page.getByRole('textbox', { name: 'Message' })
    await box.fill('¡Sí! Tenemos pan sin gluten todos los días.')
    await box.press('Enter')
    await page.locator('li.message.out', { hasText: 'Tenemos pan sin gluten' }).waitFor()
    await waitFor('the reply to be read', async () => (await statusOf('Tenemos pan sin gluten')) === 'read', {
      timeoutMs: 15_000,
    })
    const sent = d.h.emulator.control
      .ledger()
      .filter((e) => JSON.stringify(e).includes('Tenemos pan sin gluten'))
    assert.ok(sent.length > 0, 'the emulator received the reply')
    assert.equal(await box.inputValue(), '', 'the composer is cleared')
  })

  test('an attachment is uploaded and sent with its caption', async (t) => {
    if (sendMissing) return t.skip(sendMissing)
    await openConversation(lucia)
    const png = await drawPicture(d.browser, cakePicture, { width: 160, height: 120 })
    await page
      .getByLabel('Attach a file')
      .setInputFiles({ name: 'tarta.png', mimeType: 'image/png', buffer: png })
    await page.getByText('tarta.png').waitFor()
    const caption = page.getByRole('textbox', { name: 'Caption' })
    await caption.fill('Así quedará la tarta')
    await caption.press('Enter')
    const sent = page.locator('li.message.out.type-image', { hasText: 'Así quedará la tarta' })
    await sent.waitFor()
    await waitFor(
      'the picture delivered',
      async () => ['delivered', 'read'].includes((await sent.getAttribute('data-status')) ?? ''),
      {
        timeoutMs: 15_000,
      },
    )
    const ledger = JSON.stringify(d.h.emulator.control.ledger())
    assert.ok(ledger.includes('Así quedará la tarta'), 'the emulator received the image with its caption')
  })

  test('with the window closed the composer is a template picker; the template is sent and read', async (t) => {
    if (sendMissing) return t.skip(sendMissing)
    customerWrites(sheena, { type: 'text', text: { body: 'Where is my order?' } })
    const id = await conversationOf(d.h, d.seed.acme.id, sheena)
    await closeWindow(d.h, id)
    await openConversation(sheena)

    await page.getByRole('heading', { name: 'Send a template' }).waitFor()
    assert.equal(await page.getByRole('textbox', { name: 'Message' }).count(), 0, 'no free-form text box')
    await page.getByRole('form', { name: 'Send a template' }).getByLabel('Language').selectOption('en_US')
    await page.getByLabel('Template', { exact: true }).selectOption({ label: 'order_update (utility)' })
    // Only approved templates are offered (spring_promo is paused, old_receipt disabled).
    const offered = await page.getByLabel('Template', { exact: true }).locator('option').allTextContents()
    assert.ok(
      !offered.some((o) => o.startsWith('spring_promo') || o.startsWith('old_receipt')),
      offered.join(', '),
    )

    const preview = page.getByTestId('template-preview-body')
    await preview.getByText('{{1}}').waitFor()
    await page.getByRole('button', { name: 'Send template' }).click()
    await page.getByText('Required').first().waitFor() // empty parameters are refused before sending

    await page.getByLabel('Body {{1}}').fill('Sheena')
    await page.getByLabel('Body {{2}}').fill('#1042')
    await page.getByLabel('Body {{3}}').fill('Friday')
    await page.getByLabel('Link of button “Track order”').fill('1042')
    assert.equal(
      (await preview.textContent())?.trim(),
      'Hi Sheena, your order #1042 has shipped and will arrive on Friday.',
    )
    await page.getByRole('button', { name: 'Send template' }).click()
    const sent = page.locator('li.message.out.type-template', { hasText: 'order_update' })
    await sent.waitFor()
    await waitFor(
      'the template to be read',
      async () => (await sent.getAttribute('data-status')) === 'read',
      {
        timeoutMs: 15_000,
      },
    )
    const ledger = JSON.stringify(d.h.emulator.control.ledger())
    assert.ok(
      ledger.includes('order_update') && ledger.includes('#1042'),
      'the emulator received the template',
    )
  })

  test('a failed send shows its explanation on hover and tap', async (t) => {
    if (sendMissing) return t.skip(sendMissing)
    customerWrites(ursula, { type: 'text', text: { body: 'Can you call me back?' } })
    await openConversation(ursula)
    const box = page.getByRole('textbox', { name: 'Message' })
    await box.fill('We will call you at 5 pm.')
    await box.press('Enter')
    const failed = page.locator('li.message.out', { hasText: 'We will call you' }).getByRole('button', {
      name: /Failed/,
    })
    await failed.waitFor({ timeout: 15_000 })
    const tip = page.getByRole('tooltip')
    await failed.hover()
    await tip.getByText('Meta error 131026').waitFor()
    await page.mouse.move(0, 0)
    await tip.waitFor({ state: 'hidden' })
    await failed.click() // a tap keeps it open
    await tip.waitFor()
    const text = (await tip.textContent()) ?? ''
    const row = await d.h.db.db
      .selectFrom('messages')
      .select(['error_code', 'error_explanation'])
      .where('direction', '=', 'out')
      .where('error_code', 'is not', null)
      .executeTakeFirstOrThrow()
    assert.equal(row.error_code, 131026)
    assert.ok(row.error_explanation, 'the server stored an explanation')
    assert.ok(text.includes(row.error_explanation as string), text)
    assert.ok(text.includes(explainMetaError(131026).meaning.slice(0, 30)), text)
  })

  test('every kind of message renders: media, location, contacts, replies, reactions, notices', async () => {
    const first = customerWrites(lucia, { type: 'text', text: { body: 'Quiero encargar una tarta.' } })
    const picture = await uploadToEmulator(
      d.h,
      acmeNumber,
      await drawPicture(d.browser, cakePicture),
      'image/png',
    )
    customerWrites(lucia, { type: 'image', image: { id: picture, caption: 'Como esta' } })
    customerWrites(lucia, { type: 'image', image: { mime_type: 'image/jpeg', caption: 'Not a picture' } })
    customerWrites(lucia, {
      type: 'document',
      document: { mime_type: 'application/pdf', filename: 'pedido.pdf' },
    })
    customerWrites(lucia, { type: 'sticker', sticker: { mime_type: 'image/webp' } })
    customerWrites(lucia, {
      type: 'location',
      location: {
        latitude: 40.4168,
        longitude: -3.7038,
        name: 'Panadería Sol',
        address: 'Puerta del Sol, Madrid',
      },
    })
    customerWrites(lucia, {
      type: 'contacts',
      contacts: [
        { name: { formatted_name: 'Ana Pérez' }, phones: [{ phone: '+34 600 111 222', type: 'CELL' }] },
      ],
    })
    customerWrites(lucia, {
      type: 'interactive',
      interactive: { type: 'button_reply', button_reply: { id: 'yes', title: 'Sí, confirmar' } },
    })
    customerWrites(lucia, {
      type: 'text',
      text: { body: 'Para el sábado' },
      context: { id: first.id },
    })
    customerWrites(lucia, { type: 'reaction', reaction: { message_id: first.id, emoji: '🎂' } })
    customerWrites(lucia, {
      type: 'system',
      system: { type: 'customer_identity_changed', body: "Lucía's security code changed." },
    })
    await openConversation(lucia)
    const log = page.getByRole('log', { name: 'Messages' })
    await log.getByText('Para el sábado').waitFor()
    await log.getByText("Lucía's security code changed.").waitFor()

    const img = log.getByRole('img', { name: 'Como esta' }) // downloaded, served by Wahub, shown
    await img.waitFor()
    await waitFor('the picture decoded', () =>
      img.evaluate((el) => (el as unknown as { naturalWidth: number }).naturalWidth > 0),
    )
    // Bytes the browser cannot decode: said so, with the file to open.
    await log.getByRole('link', { name: /Not a picture: this browser cannot show it/ }).waitFor()
    await log.getByRole('link', { name: /pedido\.pdf/ }).waitFor()
    // The emulator's sticker is random bytes after a WebP header: the page says it cannot show it.
    await log.getByRole('link', { name: /Sticker: this browser cannot show it/ }).waitFor()
    const map = log.getByRole('link', { name: 'Open map' })
    assert.match((await map.getAttribute('href')) ?? '', /mlat=40\.4168&mlon=-3\.7038/)
    await log.getByText('40.41680, -3.70380').waitFor()
    await log.getByText('Ana Pérez').waitFor()
    await log.getByRole('link', { name: '+34 600 111 222' }).waitFor()
    await log.getByText('Sí, confirmar').waitFor()
    // The reply quotes its target; the reaction sits on its target.
    const quote = log.locator('li.message', { hasText: 'Para el sábado' }).locator('.quote')
    assert.match((await quote.textContent()) ?? '', /Quiero encargar una tarta/)
    await log
      .locator('li.message', { hasText: 'Quiero encargar una tarta.' })
      .first()
      .getByRole('list', { name: 'Reactions' })
      .getByText('🎂')
      .first()
      .waitFor()
  })

  test('older messages load when scrolling back, keeping the place', async () => {
    for (let i = 1; i <= 45; i++)
      customerWrites(sheena, { type: 'text', text: { body: `History line ${i}` } })
    const id = await conversationOf(d.h, d.seed.acme.id, sheena)
    await waitFor('45 history messages stored', async () => {
      const rows = await d.h.db.db
        .selectFrom('messages')
        .select('id')
        .where('conversation_id', '=', id)
        .where('type', '=', 'text')
        .execute()
      return rows.length >= 46
    })
    await openConversation(sheena)
    const log = page.getByRole('log', { name: 'Messages' })
    await log.getByText('History line 45', { exact: true }).waitFor()
    assert.equal(
      await log.getByText('History line 1', { exact: true }).count(),
      0,
      'only the newest page at first',
    )
    for (let i = 0; i < 5 && (await log.getByText('Beginning of the conversation').count()) === 0; i++) {
      await page.locator('.messages-scroll').evaluate((el) => {
        el.scrollTop = 0
      })
      await page.waitForTimeout(300)
    }
    await log.getByText('Beginning of the conversation').waitFor()
    await log.getByText('History line 1', { exact: true }).waitFor()
    await log.getByText('Where is my order?').waitFor()
  })

  test('the inbox works from the keyboard alone: skip link, list, thread, reply', async (t) => {
    if (sendMissing) return t.skip(sendMissing)
    await page.goto('/inbox')
    await page.getByRole('list', { name: 'Conversations' }).getByText('Lucía García').waitFor()
    const focused = () =>
      page.evaluate(() => {
        const el = (
          globalThis as unknown as {
            document: {
              activeElement: { tagName: string; className: string; textContent: string | null } | null
            }
          }
        ).document.activeElement
        return el ? `${el.tagName.toLowerCase()}.${el.className} ${el.textContent ?? ''}` : ''
      })
    await page.keyboard.press('Tab')
    assert.match(await focused(), /Skip to content/)
    const tabTo = async (pattern: RegExp) => {
      for (let i = 0; i < 40; i++) {
        if (pattern.test(await focused())) return
        await page.keyboard.press('Tab')
      }
      assert.fail(`never reached ${pattern} by Tab (last: ${await focused()})`)
    }
    await tabTo(/^a\.conversation.*Lucía García/)
    await page.keyboard.press('Enter')
    await page.getByRole('heading', { name: 'Lucía García', level: 1 }).waitFor()
    await tabTo(/^textarea/)
    await page.keyboard.type('Typed without a mouse')
    await page.keyboard.press('Enter')
    await page.locator('li.message.out', { hasText: 'Typed without a mouse' }).waitFor()
  })
})
