import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { Page } from 'playwright-core'
import { testDbKind } from '../test/helpers/db.ts'
import { createUser, type Dashboard, desktop, signIn, startDashboard } from './helpers/dashboard.ts'

// The dashboard in a second language end to end: chosen from the browser's language, or by
// ?lang= (remembered); every view translated; a server error is shown
// by its code in that language; dates follow the language; the header's switch changes it at once.

describe(`dashboard: languages (${testDbKind})`, () => {
  let d: Dashboard
  before(async () => {
    d = await startDashboard()
    await createUser(d.h, { email: 'ana@example.com', role: 'admin', password: 'contraseña segura 123' })
  })
  after(async () => {
    await d?.close()
  })

  test('a browser in Spanish gets the dashboard in Spanish', async () => {
    const page = await d.newPage(undefined, { locale: 'es-MX' })
    await page.goto('/')
    await page.getByRole('heading', { name: 'Iniciar sesión' }).waitFor()
    assert.equal(await page.locator('html').getAttribute('lang'), 'es')

    // A refusal is explained by its code, in Spanish (the server's English message is the fallback).
    await page.getByLabel('Correo electrónico').fill('ana@example.com')
    await page.getByLabel('Contraseña', { exact: true }).fill('not the password')
    await page.getByRole('button', { name: 'Iniciar sesión' }).click()
    const alert = page.getByRole('alert')
    await alert.getByText('No se pudo iniciar sesión').waitFor()
    await alert.getByText('Correo electrónico o contraseña incorrectos.').waitFor()
    assert.equal(await alert.locator('.error-code').textContent(), 'login_failed')

    await page.getByLabel('Contraseña', { exact: true }).fill('contraseña segura 123')
    await page.getByRole('button', { name: 'Iniciar sesión' }).click()
    const nav = page.getByRole('navigation', { name: 'Principal' })
    await nav.waitFor()
    await page.getByRole('list', { name: 'Conversaciones' }).waitFor({ state: 'attached' })
    await page.getByRole('button', { name: 'No leídas' }).waitFor()
    assert.equal(await page.title(), 'Bandeja de entrada · Wahub')

    await nav.getByRole('link', { name: 'Canales' }).click()
    await page.getByRole('heading', { name: 'Canales', level: 1 }).waitFor()
    await page.getByRole('heading', { name: 'Números' }).waitFor()
    // Every view is translated (test/web/i18n.test.ts fails on a key that would fall back to English).
    await page.getByText('Revisa tokens, números, registro, webhooks y fallos recientes').waitFor()
    await nav.getByRole('link', { name: 'Eventos' }).click()
    await page.getByRole('heading', { name: 'Eventos', level: 1 }).waitFor()
    // Dates in the chosen language: the admin key's creation date as Spanish writes it.
    await nav.getByRole('link', { name: 'Claves de API' }).click()
    const res = await d.h.api('GET', '/api/v1/admin/api-keys', { key: d.h.adminKey })
    const [key] = (res.body as { apiKeys: { hint: string; createdAt: number }[] }).apiKeys
    const spanish = new Date(key.createdAt).toLocaleString('es', {
      day: 'numeric',
      month: 'short',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      timeZone: 'UTC',
    })
    await page.getByRole('row').filter({ hasText: key.hint }).getByText(spanish).first().waitFor()
    const html = await page.content()
    assert.doesNotMatch(html, /\b(common|channels|events|inbox):[a-z]/, 'a raw translation key is shown')
  })

  test('?lang= chooses the language over the browser’s and is remembered', async () => {
    const page = await d.newPage()
    await page.goto('/?lang=es')
    await page.getByRole('heading', { name: 'Iniciar sesión' }).waitFor()
    await page.goto('/')
    await page.getByRole('heading', { name: 'Iniciar sesión' }).waitFor()
    assert.equal(await page.locator('html').getAttribute('lang'), 'es')

    await page.goto('/?lang=en')
    await page.getByRole('heading', { name: 'Sign in' }).waitFor()
    await page.goto('/')
    await page.getByRole('heading', { name: 'Sign in' }).waitFor()
  })
  test('the header switches the language at once, and the choice stays after a reload', async () => {
    const page = await d.newPage(undefined, { locale: 'en-US' })
    await page.goto('/')
    await signIn(page, 'ana@example.com', 'contraseña segura 123')
    const nav = page.getByRole('navigation', { name: 'Main' })
    await nav.getByRole('link', { name: 'Campaigns' }).waitFor()
    const header = page.getByRole('banner')
    // Each language named in itself, so whoever cannot read the current one still finds theirs.
    assert.deepEqual(
      await header.getByRole('combobox', { name: 'Language' }).locator('option').allTextContents(),
      ['English', 'Español', 'Português (Brasil)', 'ไทย'],
    )
    await header.getByRole('combobox', { name: 'Language' }).selectOption('th')
    // Every view re-renders in Thai without a reload.
    await page.getByRole('navigation', { name: 'หลัก' }).getByRole('link', { name: 'แคมเปญ' }).waitFor()
    assert.equal(await page.locator('html').getAttribute('lang'), 'th')
    await header.getByRole('combobox', { name: 'ภาษา' }).selectOption('es')
    await page.getByRole('navigation', { name: 'Principal' }).getByRole('link', { name: 'Canales' }).waitFor()
    await page.reload()
    await page.getByRole('navigation', { name: 'Principal' }).getByRole('link', { name: 'Canales' }).waitFor()
    assert.equal(
      await header.getByRole('combobox', { name: 'Idioma' }).inputValue(),
      'es',
      'the chosen language is remembered in this browser',
    )
  })

  // Issue 20: with the language switch in the header, "Integrations" was cut off at 1280 px (the
  // navigation scrolled sideways behind the account tools). Every section must be on screen,
  // whole and clear of the switch, in the longest languages too, at a laptop's width and a narrow one.
  test('every navigation link is visible and whole at 1280 and 800 px, in every language', async () => {
    const page = await d.newPage(desktop, { locale: 'en-US' })
    await signIn(page, 'ana@example.com', 'contraseña segura 123')
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Integrations' }).waitFor()
    const labels = {
      en: ['Main', 'Integrations'],
      es: ['Principal', 'Integraciones'],
      'pt-BR': ['Principal', 'Integrações'],
      th: ['หลัก', 'การผสานการทำงาน'],
    } as const
    for (const width of [1280, 800]) {
      await page.setViewportSize({ width, height: desktop.height })
      for (const [lang, [navName, integrations]] of Object.entries(labels)) {
        await page.locator('.language-switch').selectOption(lang)
        const nav = page.getByRole('navigation', { name: navName })
        await nav.getByRole('link', { name: integrations }).waitFor()
        const problems = await navProblems(page, navName)
        assert.deepEqual(
          problems,
          [],
          `at ${width} px in ${lang} some navigation links are not whole on screen`,
        )
        assert.equal(await nav.getByRole('link').count(), 11, 'an admin sees every section')
      }
    }
  })
})

/** What keeps each navigation link from being read and clicked: off screen, cut off, under the language switch. */
async function navProblems(page: Page, navName: string): Promise<string[]> {
  const nav = page.getByRole('navigation', { name: navName })
  const viewport = page.viewportSize() ?? desktop
  const language = await page.getByRole('banner').getByRole('combobox').boundingBox()
  assert.ok(language, 'the language switch is shown')
  const problems: string[] = []
  for (const link of await nav.getByRole('link').all()) {
    const name = (await link.textContent()) ?? ''
    if (!(await link.isVisible())) {
      problems.push(`${name}: hidden`)
      continue
    }
    const box = await link.boundingBox()
    assert.ok(box)
    if (box.x < 0 || box.y < 0 || box.x + box.width > viewport.width || box.y + box.height > viewport.height)
      problems.push(
        `${name}: outside the ${viewport.width}×${viewport.height} window (${JSON.stringify(box)})`,
      )
    const overlaps =
      box.x < language.x + language.width &&
      language.x < box.x + box.width &&
      box.y < language.y + language.height &&
      language.y < box.y + box.height
    if (overlaps) problems.push(`${name}: under the language switch`)
    // Cut off by an ancestor that clips (the old sideways-scrolling navigation) or by its own width.
    const clipped = await link.evaluate((a) => {
      const r = a.getBoundingClientRect()
      if (a.scrollWidth > a.clientWidth + 1) return true
      for (let el = a.parentElement; el; el = el.parentElement) {
        const style = (
          globalThis as unknown as { getComputedStyle(e: unknown): { overflowX: string; overflowY: string } }
        ).getComputedStyle(el)
        if (style.overflowX === 'visible' && style.overflowY === 'visible') continue
        const c = el.getBoundingClientRect()
        if (
          r.left < c.left - 0.5 ||
          r.right > c.right + 0.5 ||
          r.top < c.top - 0.5 ||
          r.bottom > c.bottom + 0.5
        )
          return true
      }
      return false
    })
    if (clipped) problems.push(`${name}: cut off`)
  }
  return problems
}
