import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { Page } from 'playwright-core'
import { testDbKind } from '../test/helpers/db.ts'
import { createUser, type Dashboard, signInToInbox, startDashboard, waitFor } from './helpers/dashboard.ts'

// Searching the inbox (issue 16, decision 0057): the conversation list shows each result's text
// around its hit as the server cut it, the searched words marked (<mark>); accents do not matter
// in Spanish, and Thai (written without spaces) is found by a word inside a sentence.

const lucia = '34612345678'
const sheena = '16505551234'
const malee = '66812345678'

describe(`dashboard: inbox search (${testDbKind})`, () => {
  let d: Dashboard

  const marks = (page: Page, name: string) =>
    page.locator('a.conversation', { hasText: name }).locator('.conversation-preview mark').allTextContents()

  before(async () => {
    d = await startDashboard()
    await createUser(d.h, {
      email: 'agent@acme.example',
      role: 'agent',
      tenantId: d.seed.acme.id,
      password: 'agent password 123',
    })
    d.h.emulator.control.addCustomer({ wa_id: malee, name: 'Malee' })
    const writes = [
      [lucia, '¿Hacéis tartas de cumpleaños sin gluten para el sábado?'],
      [lucia, 'Gracias, hasta luego'],
      [sheena, 'Is my cake ready?'],
      [malee, 'สวัสดีค่ะ อยากสั่งเค้กวันเกิดหนึ่งก้อนค่ะ'],
    ] as const
    for (const [waId, body] of writes) {
      d.h.emulator.control.customerSends(
        waId,
        { type: 'text', text: { body } },
        { phoneNumberId: d.seed.acme.phoneNumberId },
      )
    }
  })
  after(async () => {
    await d?.close()
  })

  test('Spanish: a search without accents finds the message with them, its words marked', async () => {
    const page = await d.newPage()
    await signInToInbox(page, 'agent@acme.example', 'agent password 123')
    await page.goto('/inbox?lang=es')
    const list = page.getByRole('list', { name: 'Conversaciones' })
    // Each conversation listed with its newest message: stored, and so indexed (same transaction).
    await list.locator('a.conversation', { hasText: 'Gracias, hasta luego' }).waitFor()
    await list.locator('a.conversation', { hasText: 'Is my cake ready?' }).waitFor()
    await page.getByLabel('Buscar en mensajes, nombres o números').fill('tarta cumpleanos')
    // The older message matched, not the last one: the row shows the match, not the preview.
    const row = list.locator('a.conversation', { hasText: 'Lucía García' })
    await row.getByText('Gracias, hasta luego').waitFor({ state: 'detached' })
    await waitFor('both words marked', async () => {
      const found = await marks(page, 'Lucía García')
      return found.length === 2 ? found : undefined
    })
    assert.deepEqual(await marks(page, 'Lucía García'), ['tarta', 'cumpleaños'])
    assert.equal(
      (await row.locator('.conversation-preview').textContent())?.trim(),
      '¿Hacéis tartas de cumpleaños sin gluten para el sábado?',
    )
    // Only the conversations that match are listed.
    assert.equal(await list.locator('a.conversation').count(), 1)
    assert.equal(await page.getByText(/Muchos mensajes coinciden/).count(), 0, 'not capped')

    await page.getByLabel('Buscar en mensajes, nombres o números').fill('sábado')
    await waitFor('“sábado” marked', async () => {
      const found = await marks(page, 'Lucía García')
      return found.join() === 'sábado' ? found : undefined
    })
  })

  test('Thai: a word inside a sentence written without spaces is found and marked', async () => {
    const page = await d.newPage()
    await signInToInbox(page, 'agent@acme.example', 'agent password 123')
    await page.getByRole('banner').getByRole('combobox', { name: 'Language' }).selectOption('th')
    const list = page.getByRole('list', { name: 'แชท' })
    await list.locator('a.conversation', { hasText: 'อยากสั่งเค้กวันเกิด' }).waitFor()
    await list.locator('a.conversation', { hasText: 'Is my cake ready?' }).waitFor()
    await page.getByLabel('ค้นหาในข้อความ ชื่อ หรือหมายเลข').fill('เค้ก')
    await waitFor('the Thai word marked', async () => {
      const found = await marks(page, 'Malee')
      return found.length ? found : undefined
    })
    assert.deepEqual(await marks(page, 'Malee'), ['เค้ก'])
    // Sheena wrote “cake” in English: not a hit for the Thai word.
    await list.locator('a.conversation', { hasText: 'Sheena Nelson' }).waitFor({ state: 'detached' })
    assert.equal(await list.locator('a.conversation').count(), 1)
  })
})
