import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import { after, before, describe, test } from 'node:test'
import type { Page } from 'playwright-core'
import { testDbKind } from '../test/helpers/db.ts'
import {
  closeWindow,
  conversationOf,
  createUser,
  type Dashboard,
  startDashboard,
  waitFor,
} from './helpers/dashboard.ts'

// The team inbox as a support team works in it (issue 16): two agents of acme in two browser
// contexts. Ana assigns a conversation to Ben, mentions him in a private note (his bell rings),
// resolves it; the customer writes again → it reopens and Ben gets a desktop notification. The
// workflow runs in English, Spanish and Thai (the labels read from the locale files, so a missing
// translation fails). Then canned replies, the contact panel, a sent template as the customer
// saw it, Retry on a failed send, and a conversation whose number left the tenant.

type Json = { [key: string]: string | Json }
const locales: Record<string, Json> = {}
function tr(lang: string, key: string, values: Record<string, string> = {}): string {
  const file = (l: string) => {
    locales[l] ??= JSON.parse(
      fs.readFileSync(path.join(import.meta.dirname, '..', 'web', 'src', 'i18n', l, 'inbox.json'), 'utf8'),
    ) as Json
    return locales[l]
  }
  const find = (l: string) =>
    key
      .split('.')
      .reduce<string | Json | undefined>((o, k) => (typeof o === 'object' ? o[k] : undefined), file(l))
  const found = find(lang)
  assert.equal(typeof found, 'string', `${lang}/inbox.json has no translation for ${key}`)
  return (found as string).replace(/\{\{(\w+)\}\}/g, (_, k: string) => values[k] ?? '')
}

const lucia = '34612345678'
const ursula = '447700900123'
const sheena = '16505551234'
const somchai = '66812345678'
const diego = '5215512345678'
const password = 'agent password 123'

describe(`dashboard: the team inbox (${testDbKind})`, () => {
  let d: Dashboard
  let ben: { id: string }
  let acmeNumber: string

  const customerWrites = (waId: string, body: string) =>
    d.h.emulator.control.customerSends(waId, { type: 'text', text: { body } }, { phoneNumberId: acmeNumber })

  /** A signed-in agent's page in the browser language given; notifications granted and recorded. */
  async function agentPage(email: string, locale: string): Promise<Page> {
    const page = await d.newPage(undefined, { locale })
    await page.addInitScript(() => {
      const shown: string[] = []
      const w = globalThis as unknown as { shownNotifications: string[]; Notification: unknown }
      w.shownNotifications = shown
      // The browser's Notification API, recorded: headless Chromium shows nothing on a desktop.
      w.Notification = class {
        static permission = 'granted'
        static requestPermission = async () => 'granted'
        onclick: (() => void) | null = null
        constructor(title: string) {
          shown.push(title)
        }
        close() {}
      }
    })
    const res = await page.request.post('/api/v1/auth/login', { data: { email, password } })
    assert.equal(res.status(), 200, `signing in ${email}: ${await res.text()}`)
    await page.goto('/inbox')
    await page.locator('.live-dot.live-live').waitFor()
    return page
  }

  before(async () => {
    d = await startDashboard()
    acmeNumber = d.seed.acme.phoneNumberId
    await createUser(d.h, {
      email: 'ana@acme.example',
      role: 'agent',
      tenantId: d.seed.acme.id,
      password,
    })
    ben = await createUser(d.h, {
      email: 'ben@acme.example',
      role: 'agent',
      tenantId: d.seed.acme.id,
      password,
    })
    d.h.emulator.control.addCustomer({ wa_id: somchai, name: 'สมชาย ใจดี' })
    d.h.emulator.control.addCustomer({ wa_id: diego })
  })
  after(async () => {
    await d?.close()
  })

  const workflow: [string, string, string, string][] = [
    ['en', 'en-GB', sheena, 'Sheena Nelson'],
    ['es', 'es-ES', lucia, 'Lucía García'],
    ['th', 'th-TH', somchai, 'สมชาย ใจดี'],
  ]
  for (const [lang, locale, waId, name] of workflow) {
    test(`(${lang}) Ana assigns to Ben, mentions him in a note, resolves; the customer writes → reopened, Ben notified`, async () => {
      const t = (key: string, values?: Record<string, string>) => tr(lang, key, values)
      customerWrites(waId, lang === 'th' ? 'สวัสดีครับ สั่งเค้กได้ไหม' : 'Hello, can I order a cake?')
      const id = await conversationOf(d.h, d.seed.acme.id, waId)
      const a = await agentPage('ana@acme.example', locale)
      const b = await agentPage('ben@acme.example', locale)
      assert.equal(
        await a.locator('html').getAttribute('lang'),
        lang,
        'the dashboard speaks the browser language',
      )

      // Ben goes available; Ana assigns the conversation to him.
      const presence = b.locator('button.presence:not([disabled])')
      await presence.waitFor()
      if ((await presence.getAttribute('aria-pressed')) !== 'true') {
        await b.getByRole('button', { name: t('presence.away') }).click()
      }
      await b.getByRole('button', { name: t('presence.available') }).waitFor()
      await a.goto(`/inbox/${id}`)
      await a.getByRole('heading', { name, level: 1 }).waitFor()
      await a.getByLabel(t('actions.assignee')).selectOption(ben.id)
      await a.getByText(t('activity.assigned', { who: 'ana', to: 'ben' })).waitFor()
      // Live in Ben's list: the row says it is his.
      const row = b.locator('a.conversation', { hasText: name })
      await row.getByText(t('list.assignedTo', { name: t('list.you') })).waitFor()
      await b.getByRole('button', { name: t('filters.mine') }).click()
      await row.waitFor()

      // A private note mentioning Ben, picked from the @ suggestions.
      await a.getByRole('button', { name: t('composer.modeNote'), exact: true }).click()
      const note = a.getByRole('textbox', { name: t('note.label') })
      await note.pressSequentially('@be')
      await a.getByRole('option', { name: /@ben/ }).waitFor()
      await note.press('Enter')
      assert.equal(await note.inputValue(), '@ben ', 'the mention was completed')
      await note.pressSequentially('please check the delivery date')
      await note.press('Enter')
      const card = a.locator('li.activity.note', { hasText: 'please check the delivery date' })
      await card.waitFor()
      assert.equal(
        d.h.emulator.control.ledger().filter((e) => JSON.stringify(e).includes('please check the delivery'))
          .length,
        0,
        'a note never reaches WhatsApp',
      )
      // Ben's bell rings without a reload; the notification opens the conversation.
      await b.getByTestId('bell-count').getByText('1').waitFor()
      await b.locator('button.bell-button', { hasText: t('bell.label') }).click()
      await b
        .getByRole('button', { name: new RegExp(t('bell.mentioned', { name: 'ana' })) })
        .first()
        .click()
      await b.getByRole('heading', { name, level: 1 }).waitFor()
      await b.locator('li.activity.note', { hasText: 'please check the delivery date' }).waitFor()
      await b.getByTestId('bell-count').waitFor({ state: 'detached' })

      // Ana resolves: Ben's open thread shows it live, with the activity line.
      await a.getByRole('button', { name: t('actions.resolve'), exact: true }).click()
      await b.getByTestId('conversation-status').getByText(t('conversationStatus.resolved')).waitFor()
      await b.getByText(t('activity.resolved', { who: 'ana' })).waitFor()

      // Ben turns desktop alerts on and goes back to his list; the customer writes again.
      const alerts = b.locator('button.alerts-toggle', { hasText: t('alerts.label') })
      await alerts.click()
      await waitFor('alerts switched on', async () => (await alerts.getAttribute('aria-pressed')) === 'true')
      await b.goto('/inbox')
      await b.locator('.live-dot.live-live').waitFor()
      customerWrites(waId, lang === 'th' ? 'ยังรออยู่นะครับ' : 'Still waiting, any news?')
      await row.locator('.status-badge', { hasText: t('conversationStatus.open') }).waitFor()
      const shown = await waitFor('Ben’s desktop notification', async () => {
        const titles = await b.evaluate(
          () => (globalThis as unknown as { shownNotifications: string[] }).shownNotifications,
        )
        return titles.length ? titles : undefined
      })
      assert.deepEqual(shown, [t('alerts.title', { name })])
      await a.getByText(t('activity.reopenedByCustomer')).waitFor()
      await a.getByTestId('conversation-status').getByText(t('conversationStatus.open')).waitFor()
      await a.context().close()
      await b.context().close()
    })
  }

  test('a canned reply: managed in its dialog, /shortcut in the composer inserts it filled in', async () => {
    customerWrites(lucia, '¿A qué hora abrís?')
    const id = await conversationOf(d.h, d.seed.acme.id, lucia)
    const a = await agentPage('ana@acme.example', 'en-GB')
    await a.goto(`/inbox/${id}`)
    await a.getByRole('button', { name: 'Canned replies…' }).click()
    const dialog = a.getByRole('dialog', { name: 'Canned replies' })
    await dialog.getByLabel('Shortcut').fill('hours')
    await dialog.getByLabel('Text').fill('Hi {{contact.first_name}}, we open at 9 every day.')
    await dialog.getByRole('button', { name: 'Add canned reply' }).click()
    await dialog.locator('code', { hasText: '/hours' }).waitFor()
    await dialog.getByRole('button', { name: 'Close' }).click()

    const box = a.getByRole('textbox', { name: 'Message' })
    await box.pressSequentially('/ho')
    const option = a.getByRole('option', { name: /\/hours/ })
    await option.waitFor()
    assert.match((await option.textContent()) ?? '', /Hi Lucía, we open at 9 every day\./)
    await box.press('Enter')
    assert.equal(await box.inputValue(), 'Hi Lucía, we open at 9 every day.', 'the rendered body is inserted')
    await box.press('Enter')
    await a.locator('li.message.out', { hasText: 'Hi Lucía, we open at 9 every day.' }).waitFor()
    await a.context().close()
  })

  test('the contact panel: rename, notes, attributes, past conversations; an unnamed contact’s avatar is its last digits', async () => {
    customerWrites(diego, 'Hola, soy nuevo')
    const id = await conversationOf(d.h, d.seed.acme.id, diego)
    const a = await agentPage('ana@acme.example', 'en-GB')
    await a.goto('/inbox')
    const row = a.locator('a.conversation', { hasText: '+5215512345678' })
    assert.equal(
      (await row.locator('.avatar').textContent())?.trim(),
      '78',
      'the avatar shows the last two digits',
    )
    await a.goto(`/inbox/${id}`)
    const panel = a.getByRole('complementary', { name: 'Contact details' })
    await panel.getByText('+5215512345678').first().waitFor()
    await panel.getByLabel('Name used by your team').fill('Diego Ramírez')
    await panel.getByRole('button', { name: 'Save', exact: true }).click()
    await a.getByRole('heading', { name: 'Diego Ramírez', level: 1 }).waitFor()
    await panel.getByLabel('Notes about this contact').fill('Prefers calls after 6 pm')
    await panel.getByRole('button', { name: 'Save notes' }).click()
    await panel.getByRole('button', { name: 'Save notes' }).waitFor({ state: 'detached' })
    await panel.getByRole('textbox', { name: 'Attribute', exact: true }).fill('plan')
    await panel.getByRole('textbox', { name: 'Value' }).fill('gold')
    await panel.getByRole('button', { name: 'Set' }).click()
    await panel.locator('.contact-attributes').getByText('gold').waitFor()
    await panel.getByText('This conversation').waitFor()

    // Block, after a confirmation: Meta's answer per number.
    await panel.getByRole('button', { name: 'Block', exact: true }).click()
    const confirm = a.getByRole('dialog', { name: 'Block Diego Ramírez?' })
    await confirm.getByRole('button', { name: 'Block', exact: true }).click()
    await panel
      .getByRole('status')
      .getByText(/^Done on number/)
      .waitFor()
    await panel.getByText('Blocked', { exact: true }).waitFor()
    await panel.getByRole('button', { name: 'Unblock' }).waitFor()

    const contactId = (
      await d.h.db.db
        .selectFrom('conversations')
        .select('contact_id')
        .where('id', '=', id)
        .executeTakeFirstOrThrow()
    ).contact_id
    const res = await d.h.api('GET', `/api/v1/contacts/${contactId}`, { key: d.seed.acme.key })
    const contact = res.body as { name: string; attributes: Record<string, string> }
    assert.equal(contact.name, 'Diego Ramírez', 'the new name is stored')
    assert.deepEqual(
      contact.attributes,
      { notes: 'Prefers calls after 6 pm', plan: 'gold' },
      'notes and attributes are stored',
    )
    await a.context().close()
  })

  test('labels: made in their dialog, ticked on a conversation as colour chips, and the list filtered by one', async () => {
    customerWrites(sheena, 'Is my invoice ready?')
    const id = await conversationOf(d.h, d.seed.acme.id, sheena)
    const a = await agentPage('ana@acme.example', 'en-GB')
    await a.goto(`/inbox/${id}`)
    const picker = a.getByRole('button', { name: 'Labels', exact: true })
    await picker.click()
    await a.getByRole('button', { name: 'Manage labels…' }).click()
    const dialog = a.getByRole('dialog', { name: 'Labels' })
    await dialog.getByLabel('Name').fill('Invoice')
    await dialog.getByRole('button', { name: 'Add label' }).click()
    await dialog.locator('.label-chip', { hasText: 'Invoice' }).waitFor()
    await dialog.getByRole('button', { name: 'Close' }).click()
    await picker.click()
    await a.getByRole('checkbox', { name: 'Invoice' }).click()
    await a.locator('.thread-labels .label-chip', { hasText: 'Invoice' }).waitFor()
    await a.getByText(/^ana added Invoice/).waitFor()
    const row = a.locator('a.conversation', { hasText: 'Sheena Nelson' })
    await row.locator('.label-chip', { hasText: 'Invoice' }).waitFor()

    await a.getByLabel('Label', { exact: true }).selectOption({ label: 'Invoice' })
    await waitFor('only the labelled conversation listed', async () => {
      const names = await a.locator('a.conversation .conversation-name').allTextContents()
      return names.length === 1 && names[0] === 'Sheena Nelson'
    })
    await a.context().close()
  })

  test('a sent template shows as the customer saw it: header, body with values, footer, buttons', async () => {
    const sync = await d.h.api('POST', `/api/v1/admin/wabas/${d.seed.wabaRowId}/templates/sync`, {
      key: d.h.adminKey,
    })
    assert.equal(sync.status, 200, sync.text)
    customerWrites(sheena, 'Where is my order?')
    const id = await conversationOf(d.h, d.seed.acme.id, sheena)
    const send = await d.h.api('POST', '/api/v1/messages', {
      key: d.seed.acme.key,
      body: {
        to: sheena,
        type: 'template',
        template: {
          name: 'order_update',
          language: { code: 'en_US' },
          components: [
            {
              type: 'body',
              parameters: ['Sheena', '#1042', 'Friday'].map((text) => ({ type: 'text', text })),
            },
            { type: 'button', sub_type: 'url', index: '0', parameters: [{ type: 'text', text: '1042' }] },
          ],
        },
      },
    })
    assert.equal(send.status, 202, send.text)
    const a = await agentPage('ana@acme.example', 'en-GB')
    await a.goto(`/inbox/${id}`)
    const bubble = a.locator('li.message.out.type-template')
    await bubble.getByText('Hi Sheena, your order #1042 has shipped and will arrive on Friday.').waitFor()
    await bubble.getByText('Track order').waitFor()
    await a.context().close()
  })

  test('Retry on a failed send sends it again; it is delivered once the cause is gone', async () => {
    customerWrites(ursula, 'Can you call me back?')
    const id = await conversationOf(d.h, d.seed.acme.id, ursula)
    const a = await agentPage('ana@acme.example', 'en-GB')
    await a.goto(`/inbox/${id}`)
    const box = a.getByRole('textbox', { name: 'Message' })
    await box.fill('We will call you at 5 pm.')
    await box.press('Enter')
    const sent = a.locator('li.message.out', { hasText: 'We will call you at 5 pm.' })
    await waitFor('the send to fail', async () => (await sent.getAttribute('data-status')) === 'failed', {
      timeoutMs: 15_000,
    })
    d.h.emulator.control.updateCustomer(ursula, { undeliverable: false })
    await sent.getByRole('button', { name: 'Retry' }).click()
    await waitFor(
      'the retried message delivered',
      async () => ['delivered', 'read'].includes((await sent.getAttribute('data-status')) ?? ''),
      { timeoutMs: 15_000 },
    )
    await sent.getByRole('button', { name: 'Retry' }).waitFor({ state: 'detached' })
    const attempts = d.h.emulator.control
      .ledger()
      .filter((e) => JSON.stringify(e).includes('We will call you at 5 pm.'))
    assert.ok(attempts.length >= 2, `the emulator got the message twice (${attempts.length})`)
    await a.context().close()
  })

  test('after its number moves to another tenant, a conversation is read-only and says why', async () => {
    customerWrites(lucia, 'Última pregunta')
    const id = await conversationOf(d.h, d.seed.acme.id, lucia)
    const a = await agentPage('ana@acme.example', 'en-GB')
    await a.goto(`/inbox/${id}`)
    await a.getByRole('log', { name: 'Messages' }).getByText('Última pregunta').waitFor()
    await closeWindow(d.h, id) // even the template picker must go
    await a.reload()
    await a.getByRole('heading', { name: 'Send a template' }).waitFor()
    const removed = await d.h.api('PATCH', `/api/v1/admin/tenants/${d.seed.acme.id}`, {
      key: d.h.adminKey,
      body: { removeNumbers: [acmeNumber] },
    })
    assert.equal(removed.status, 200, removed.text)
    const moved = await d.h.api('PATCH', `/api/v1/admin/tenants/${d.seed.globex.id}`, {
      key: d.h.adminKey,
      body: { numbers: [acmeNumber, d.seed.globex.phoneNumberId] },
    })
    assert.equal(moved.status, 200, moved.text)
    await a.reload()
    await a
      .getByRole('note')
      .getByText(/This conversation is read-only: its business number .* no longer belongs to this tenant/)
      .waitFor()
    assert.equal(await a.getByRole('heading', { name: 'Send a template' }).count(), 0, 'no template picker')
    assert.equal(await a.getByRole('textbox', { name: 'Message' }).count(), 0, 'no reply box that would fail')
    await a.getByRole('log', { name: 'Messages' }).getByText('Última pregunta').waitFor()
    await a.context().close()
  })
})
