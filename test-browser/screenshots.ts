// `npm run screenshots`: the dashboard's screenshots in docs/screenshots/ (linked from the README
// and docs/DASHBOARD.md) — inbox, thread, template picker, channel doctor, templates, the template
// editor, analytics, the team inbox (labels, notes, contact panel, canned replies; in Spanish and Thai), the admin console and the audit log at desktop and phone width (the template picker in Spanish too), going live from the Sandbox (the carry-over section) — taken in Debian's Chromium against a Wahub and emulator filled with a help desk's day.
import fs from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import type { Page } from 'playwright-core'
import { quietUntil } from '../src/campaigns/campaigns.ts'
import {
  cakePicture,
  closeWindow,
  conversationOf,
  createSandboxTemplate,
  createUser,
  type Dashboard,
  desktop,
  drawPicture,
  phone,
  signInToInbox,
  startDashboard,
  uploadToEmulator,
  waitFor,
} from './helpers/dashboard.ts'

const out = path.join(import.meta.dirname, '..', 'docs', 'screenshots')
const lucia = '34612345678'
const sheena = '16505551234'
const ursula = '447700900123'
const joao = '551187654321'

async function fill(d: Dashboard) {
  const acme = d.seed.acme.phoneNumberId
  const say = (waId: string, message: Record<string, unknown>) =>
    d.h.emulator.control.customerSends(waId, message, { phoneNumberId: acme })
  const reply = async (waId: string, body: Record<string, unknown>) => {
    const res = await d.h.api('POST', '/api/v1/messages', {
      key: d.seed.acme.key,
      body: { to: waId, ...body },
    })
    if (res.status !== 202) throw new Error(`send: ${res.status} ${res.text}`)
    return (res.body as { id: string }).id
  }
  const settle = (what: string, check: () => Promise<boolean>) => waitFor(what, check, { timeoutMs: 15_000 })
  const count = async (tenantId: string) =>
    (await d.h.db.db.selectFrom('messages').select('id').where('tenant_id', '=', tenantId).execute()).length

  say(joao, { type: 'text', text: { body: 'Olá! Vocês entregam em Campinas?' } })
  await conversationOf(d.h, d.seed.acme.id, joao)
  say(sheena, { type: 'text', text: { body: 'Hi, where is my order #1042?' } })
  const sheenaId = await conversationOf(d.h, d.seed.acme.id, sheena)
  await closeWindow(d.h, sheenaId)
  say(ursula, { type: 'text', text: { body: 'Can you call me back about the invoice?' } })
  await conversationOf(d.h, d.seed.acme.id, ursula)
  await reply(ursula, { type: 'text', text: { body: 'Of course, we will call you at 5 pm today.' } })

  const first = say(lucia, { type: 'text', text: { body: 'Hola, ¿tenéis pan sin gluten?' } })
  await conversationOf(d.h, d.seed.acme.id, lucia)
  await reply(lucia, {
    type: 'text',
    text: { body: '¡Hola Lucía! Sí, cada mañana. Mira la lista: https://panaderia.example/sin-gluten' },
  })
  say(lucia, { type: 'reaction', reaction: { message_id: first.id, emoji: '🙏' } })
  const cake = await uploadToEmulator(d.h, acme, await drawPicture(d.browser, cakePicture), 'image/png')
  say(lucia, { type: 'image', image: { id: cake, caption: '¿Podéis hacer una tarta como esta?' } })
  say(lucia, {
    type: 'location',
    location: { latitude: 40.4168, longitude: -3.7038, name: 'Oficina', address: 'Puerta del Sol 1, Madrid' },
  })
  say(lucia, {
    type: 'interactive',
    interactive: { type: 'button_reply', button_reply: { id: 'sat', title: 'Sábado por la mañana' } },
  })
  say(lucia, {
    type: 'text',
    text: { body: 'Es para el cumpleaños de mi hija 🎂' },
    context: { id: first.id },
  })
  // A number nobody was given: its webhook waits as "unrouted" (the doctor and Events show it).
  d.h.emulator.control.customerSends(
    lucia,
    { type: 'text', text: { body: 'Hola?' } },
    {
      phoneNumberId: d.h.emulator.seed.phoneNumberIds[2],
    },
  )
  await settle('the help desk day stored', async () => (await count(d.seed.acme.id)) >= 10)
  await settle('replies read or failed', async () => {
    const rows = await d.h.db.db
      .selectFrom('messages')
      .select('status')
      .where('direction', '=', 'out')
      .execute()
    return rows.every((r) => r.status === 'read' || r.status === 'failed')
  })
  await settle('media downloaded', async () => {
    const rows = await d.h.db.db.selectFrom('media').select('state').execute()
    return rows.every((r) => r.state !== 'pending')
  })
}

async function shoot(page: Page, name: string) {
  await page.waitForTimeout(400) // fonts, images, the live dot
  await page.screenshot({ path: path.join(out, `${name}.png`) })
  process.stdout.write(`docs/screenshots/${name}.png\n`)
}

async function main() {
  fs.mkdirSync(out, { recursive: true })
  const d = await startDashboard()
  try {
    await d.h.api('POST', `/api/v1/admin/wabas/${d.seed.wabaRowId}/templates/sync`, { key: d.h.adminKey })
    await createUser(d.h, {
      email: 'maria@acme.example',
      role: 'agent',
      tenantId: d.seed.acme.id,
      password: 'agent password 123',
    })
    await createUser(d.h, { email: 'ops@example.com', role: 'admin', password: 'admin password 123' })
    await fill(d)
    const ids = {
      lucia: await conversationOf(d.h, d.seed.acme.id, lucia),
      sheena: await conversationOf(d.h, d.seed.acme.id, sheena),
      ursula: await conversationOf(d.h, d.seed.acme.id, ursula),
    }

    for (const [size, viewport] of [
      ['desktop', desktop],
      ['phone', phone],
    ] as const) {
      const page = await d.newPage(viewport)
      await signInToInbox(page, 'maria@acme.example', 'agent password 123')
      // Inbox: the list (at phone width alone; on a desktop beside an open conversation).
      if (size === 'desktop') {
        await page.goto(`/inbox/${ids.lucia}`)
        await page.getByRole('img', { name: '¿Podéis hacer una tarta como esta?' }).waitFor()
      } else {
        await page.getByRole('list', { name: 'Conversations' }).getByText('João Silva').waitFor()
      }
      await shoot(page, `inbox-${size}`)

      // Thread: a failed reply with its explanation open (phone: the full conversation first).
      if (size === 'phone') {
        await page.goto(`/inbox/${ids.lucia}`)
        await page.getByRole('img', { name: '¿Podéis hacer una tarta como esta?' }).waitFor()
        await shoot(page, 'thread-phone')
      }
      await page.goto(`/inbox/${ids.ursula}`)
      const failed = page.getByRole('button', { name: /Failed/ })
      await failed.click()
      await page.getByRole('tooltip').waitFor()
      await shoot(page, size === 'phone' ? 'thread-failed-phone' : 'thread-desktop')

      // Template picker: the window is closed.
      await page.goto(`/inbox/${ids.sheena}`)
      await page.getByRole('heading', { name: 'Send a template' }).waitFor()
      await page.getByRole('form', { name: 'Send a template' }).getByLabel('Language').selectOption('en_US')
      await page.getByLabel('Template', { exact: true }).selectOption({ label: 'order_update (utility)' })
      await page.getByLabel('Body {{1}}').fill('Sheena')
      await page.getByLabel('Body {{2}}').fill('#1042')
      await page.getByLabel('Body {{3}}').fill('Friday')
      await page.getByLabel('Link of button “Track order”').fill('1042')
      await shoot(page, `template-picker-${size}`)

      // Channel doctor (admin).
      const admin = await d.newPage(viewport)
      await signInToInbox(admin, 'ops@example.com', 'admin password 123')
      // Seed 000's trouble: the WABA's token expired; the doctor says so, with the fix.
      d.h.emulator.control.expireToken(d.h.emulator.seed.accessToken)
      await admin.goto('/channels')
      const doctor = admin.getByRole('region', { name: 'Run doctor', exact: true })
      await doctor.getByRole('button', { name: 'Run doctor' }).click()
      await doctor.getByRole('list', { name: 'Doctor checks' }).waitFor()
      await admin.getByRole('heading', { name: 'Doctor' }).scrollIntoViewIfNeeded()
      await shoot(admin, `channel-doctor-${size}`)

      // Templates (admin): every template as WhatsApp shows it, and authoring one beside its preview.
      await admin.goto('/templates')
      await admin.locator('article.template-card', { hasText: 'order_update' }).waitFor()
      await shoot(admin, `templates-${size}`)
      await admin.goto('/templates/new')
      await admin.getByLabel('Name').fill('pickup_ready')
      await admin.getByLabel('Header', { exact: true }).selectOption('IMAGE')
      await admin.getByLabel('Sample Image').setInputFiles({
        name: 'cake.png',
        mimeType: 'image/png',
        buffer: await drawPicture(d.browser, cakePicture),
      })
      await admin
        .getByLabel('Body', { exact: true })
        .fill('Hi {{1}}, your cake is ready: order {{2}}. See you soon!')
      await admin.getByLabel('Example for {{1}}').fill('Sheena')
      await admin.getByLabel('Example for {{2}}').fill('#1042')
      await admin.getByLabel('Footer (optional)').fill('Panadería Sol')
      await admin.getByRole('button', { name: 'Add a button' }).click()
      await admin.getByLabel('Button text').fill('On my way')
      await admin.locator('.editor-preview').getByText('On my way').waitFor()
      // Desktop: the body beside the preview; phone: the preview, which comes first.
      if (size === 'phone') await admin.locator('.editor-preview').scrollIntoViewIfNeeded()
      else await admin.getByLabel('Body', { exact: true }).scrollIntoViewIfNeeded()
      await shoot(admin, `template-editor-${size}`)
    }

    // The dashboard in Spanish (?lang=es, then remembered): the template picker's fields named in
    // Spanish (decision 0031).
    const es = await d.newPage(desktop)
    await signInToInbox(es, 'maria@acme.example', 'agent password 123')
    await es.goto(`/inbox/${ids.sheena}?lang=es`)
    const picker = es.getByRole('form', { name: 'Enviar una plantilla' })
    await picker.getByLabel('Idioma').selectOption('en_US')
    await picker.getByLabel('Plantilla', { exact: true }).selectOption({ label: 'order_update (utility)' })
    await es.getByLabel('Cuerpo {{1}}').fill('Sheena')
    await es.getByLabel('Cuerpo {{2}}').fill('#1042')
    await es.getByLabel('Cuerpo {{3}}').fill('viernes')
    await es.getByLabel('Enlace del botón “Track order”').fill('1042')
    await shoot(es, 'template-picker-es-desktop')

    await teamInbox(d, ids)

    // Analytics, after the other pictures (its sends would change them): templates to customers
    // in a few countries, then the page over the last 7 days.
    await campaign(d)
    for (const [size, viewport] of [
      ['desktop', desktop],
      ['phone', phone],
    ] as const) {
      const admin = await d.newPage(viewport)
      await signInToInbox(admin, 'ops@example.com', 'admin password 123')
      await admin.goto('/analytics')
      await admin.locator('.analytics-chart canvas').first().waitFor()
      await admin.locator('.analytics-failure-list li').first().waitFor()
      // The whole page: the shell scrolls inside <main>, so a tall window rather than fullPage.
      await admin.setViewportSize({ width: viewport.width, height: size === 'phone' ? 3400 : 1800 })
      await shoot(admin, `analytics-${size}`)
    }
  } finally {
    await d.close()
  }
}

/** The team inbox (issue 16): labels, an assignment, a note with a mention, a canned reply. */
async function teamInbox(d: Dashboard, ids: { lucia: string; sheena: string; ursula: string }) {
  const key = d.seed.acme.key
  const call = async (method: string, url: string, body: unknown) => {
    const res = await d.h.api(method, url, { key, body })
    if (res.status >= 300) throw new Error(`${method} ${url}: ${res.status} ${res.text}`)
    return res.body as { id: string }
  }
  await createUser(d.h, {
    email: 'pablo@acme.example',
    role: 'agent',
    tenantId: d.seed.acme.id,
    password: 'agent password 123',
  })
  const agents = (await d.h.api('GET', '/api/v1/agents', { key })).body as {
    agents: { id: string; email: string }[]
  }
  const maria = agents.agents.find((a) => a.email === 'maria@acme.example')?.id as string
  await call('POST', '/api/v1/labels', { name: 'VIP', color: '#8e24aa' })
  await call('POST', '/api/v1/labels', { name: 'Pedido', color: '#fb8c00' })
  await call('POST', '/api/v1/labels', { name: 'Factura', color: '#1e88e5' })
  await call('POST', '/api/v1/canned-replies', {
    shortcut: 'horario',
    body: '¡Hola {{contact.first_name}}! Abrimos de lunes a sábado de 8:00 a 20:00.',
  })
  await call('POST', '/api/v1/canned-replies', {
    shortcut: 'hours',
    body: 'Hi {{contact.first_name}}, we are open Monday to Saturday, 8 am to 8 pm.',
  })
  const contact = (
    await d.h.db.db
      .selectFrom('conversations')
      .select('contact_id')
      .where('id', '=', ids.lucia)
      .executeTakeFirstOrThrow()
  ).contact_id
  await call('PATCH', `/api/v1/contacts/${contact}`, {
    attributes: {
      plan: 'Cliente frecuente',
      ciudad: 'Madrid',
      notes: 'Sin gluten. Prefiere recoger el sábado.',
    },
  })
  // Pablo works from his own session: the activity lines name him.
  const page = await d.newPage(desktop)
  await page.request.post('/api/v1/auth/login', {
    data: { email: 'pablo@acme.example', password: 'agent password 123' },
  })
  const me = (await (await page.request.get('/api/v1/auth/me')).json()) as { csrfToken: string }
  const asPablo = async (method: 'POST' | 'PUT', url: string, data: unknown) => {
    const res = await page.request.fetch(url, { method, headers: { 'x-csrf-token': me.csrfToken }, data })
    if (res.status() >= 300) throw new Error(`${method} ${url}: ${res.status()} ${await res.text()}`)
  }
  await asPablo('PUT', `/api/v1/conversations/${ids.lucia}/labels`, { labels: ['VIP', 'Pedido'] })
  await asPablo('PUT', `/api/v1/conversations/${ids.ursula}/labels`, { labels: ['Factura'] })
  await asPablo('POST', `/api/v1/conversations/${ids.ursula}/assignee`, { assignee: 'me' })
  await asPablo('POST', `/api/v1/conversations/${ids.ursula}/status`, { status: 'pending' })
  await asPablo('POST', `/api/v1/conversations/${ids.lucia}/assignee`, { assignee: maria })
  await asPablo('POST', `/api/v1/conversations/${ids.lucia}/notes`, {
    body: '@maria la tarta sin gluten necesita 48 h: confírmale el sábado por la tarde.',
  })

  for (const [size, viewport, locale] of [
    ['desktop', desktop, 'es-ES'],
    ['phone', phone, 'es-ES'],
    ['th-desktop', desktop, 'th-TH'],
  ] as const) {
    const maria = await d.newPage(viewport, { locale })
    await maria.request.post('/api/v1/auth/login', {
      data: { email: 'maria@acme.example', password: 'agent password 123' },
    })
    await maria.goto(`/inbox/${ids.lucia}`)
    await maria.locator('li.activity.note').waitFor()
    await maria.locator('.live-dot.live-live').waitFor()
    if (size === 'phone') {
      await shoot(maria, 'team-thread-phone')
      await maria.goto('/inbox')
      await maria.locator('a.conversation').first().waitFor()
      await shoot(maria, 'team-inbox-phone')
      continue
    }
    await maria.locator('.contact-panel h2').waitFor()
    await shoot(maria, size === 'desktop' ? 'team-inbox-desktop' : 'team-inbox-th-desktop')
    if (size !== 'desktop') continue
    // The composer: / suggests the canned replies, filled in for Lucía.
    const box = maria.locator('.composer textarea')
    await box.pressSequentially('/h')
    await maria.getByRole('listbox').getByRole('option').first().waitFor()
    await shoot(maria, 'team-thread-desktop')
  }
}

async function campaign(d: Dashboard) {
  // The doctor's picture expired the WABA's token: the same token, valid again.
  d.h.emulator.control.addToken({ token: d.h.emulator.seed.accessToken })
  const customers = ['5491123456701', '5491123456702', '61412345678', '436641234567', '213551234567']
  for (const [i, waId] of customers.entries()) {
    d.h.emulator.control.addCustomer({ wa_id: waId, name: `Customer ${i + 1}`, reads: i !== 2 })
  }
  const sale = {
    name: 'summer_sale',
    language: 'en_US',
    components: [
      { type: 'header', parameters: [{ type: 'image', image: { link: 'https://example.com/sale.jpg' } }] },
      {
        type: 'body',
        parameters: [
          { type: 'text', text: 'Ana' },
          { type: 'text', text: '25%' },
        ],
      },
    ],
  }
  for (const [i, to] of customers.entries()) {
    for (const template of i % 2 ? [{ name: 'hello_world', language: 'en_US' }, sale] : [sale]) {
      const res = await d.h.api('POST', '/api/v1/messages', {
        key: d.seed.acme.key,
        body: { to, type: 'template', template },
      })
      if (res.status !== 202) throw new Error(`send: ${res.status} ${res.text}`)
    }
  }
  await waitFor(
    'the campaign delivered',
    async () => {
      const rows = await d.h.db.db
        .selectFrom('messages')
        .select('status')
        .where('direction', '=', 'out')
        .execute()
      return rows.every((r) => ['delivered', 'read', 'failed'].includes(r.status))
    },
    { timeoutMs: 20_000 },
  )
  await d.h.wahub.rollups?.foldNow()
}

/**
 * The go-live guide (issue 21) on a connected number with three of the seeds' problems: a
 * temporary token, the app in development mode, a WABA-level override elsewhere.
 */
async function goliveScreenshots() {
  const d = await startDashboard()
  try {
    const control = d.h.emulator.control
    const { token } = control.addToken({ type: 'USER', expires_in: 86400 }) as { token: string }
    await d.h.api('PUT', `/api/v1/admin/wabas/${d.seed.wabaRowId}/token`, {
      key: d.h.adminKey,
      body: { token, acceptTemporary: true },
    })
    control.updateApp({ mode: 'development' })
    control.updateWaba(d.h.emulator.seed.wabaId, {
      override_callback_uri: 'https://old-vendor.example/webhooks',
    })
    await createUser(d.h, { email: 'ops@example.com', role: 'admin', password: 'admin password 123' })
    for (const [size, viewport] of [
      ['desktop', desktop],
      ['phone', phone],
    ] as const) {
      const page = await d.newPage(viewport)
      await signInToInbox(page, 'ops@example.com', 'admin password 123')
      await page.goto(`/golive?number=${d.seed.acme.phoneNumberId}`)
      await page.locator('li[data-step="token.permanent"][data-state="failing"]').waitFor()
      await page.setViewportSize({ width: viewport.width, height: size === 'phone' ? 4200 : 2600 })
      await shoot(page, `golive-${size}`)
    }
  } finally {
    await d.close()
  }
}

/**
 * Go live from the first-run Sandbox (issue 21, decision 0083): the "Coming from the Sandbox"
 * section with the Sandbox's tenant and a template made in it, before a real WABA is connected.
 */
async function sandboxCarryScreenshot() {
  const d = await startDashboard({
    onboard: false,
    env: { WAHUB_SANDBOX: 'on' },
    firstRun: { sandbox: { customers: false } },
  })
  try {
    await createUser(d.h, { email: 'ops@example.com', role: 'admin', password: 'admin password 123' })
    await createSandboxTemplate(d.h)
    const page = await d.newPage(desktop)
    await signInToInbox(page, 'ops@example.com', 'admin password 123')
    await page.goto('/golive?from=sandbox')
    const carry = page.getByRole('region', { name: 'Coming from the Sandbox' })
    await carry.getByRole('table', { name: 'Sandbox templates' }).waitFor()
    await carry.scrollIntoViewIfNeeded()
    await shoot(page, 'golive-sandbox-carry-desktop')
  } finally {
    await d.close()
  }
}

/**
 * Campaigns (issue 18): a campaign of 12 customers at one message a second, launched and
 * photographed while it sends, with its dry run's draft beside it in the list.
 */
async function campaignsScreenshots() {
  // The campaign keeps Madrid's quiet hours (21:00-08:00), as a real one would, but its runner
  // reads a clock moved to 11:00 in Madrid when the script runs inside them: otherwise an evening
  // run photographs a campaign waiting for the morning instead of one sending.
  const quietHours = '21:00-08:00'
  const timeZone = 'Europe/Madrid'
  const quietEnd = quietUntil(Date.now(), quietHours, timeZone)
  const offset = quietEnd === null ? 0 : quietEnd - Date.now() + 3 * 3600_000
  const d = await startDashboard({ campaignClock: { now: () => Date.now() + offset } })
  try {
    await createUser(d.h, { email: 'ops@example.com', role: 'admin', password: 'admin password 123' })
    const call = async <T>(method: string, url: string, body?: unknown): Promise<T> => {
      const res = await d.h.api(method, url, { key: d.seed.acme.key, body })
      if (res.status >= 300) throw new Error(`${method} ${url}: ${res.status} ${res.text}`)
      return res.body as T
    }
    const recipients = Array.from({ length: 12 }, (_, i) => ({
      phone: `+3460070${String(i).padStart(4, '0')}`,
      attributes: { name: ['Lucía', 'Pablo', 'Marta', 'Jorge'][i % 4] },
    }))
    const audience = await call<{ id: string }>('POST', '/api/v1/audiences', {
      name: 'Clientes diciembre',
      recipients,
    })
    const template = { name: 'appointment_reminder', language: 'en_US' }
    const parameters = [
      { name: 'customer_name', attribute: 'name' },
      { name: 'date', text: 'Friday' },
    ]
    await call('POST', '/api/v1/campaigns', {
      name: 'January sale (draft)',
      audienceId: audience.id,
      template,
      parameters,
    })
    const c = await call<{ id: string }>('POST', '/api/v1/campaigns', {
      name: 'December reminders',
      audienceId: audience.id,
      template,
      parameters,
      rateMps: 1,
      quietHours,
      timeZone,
    })
    await call('POST', `/api/v1/campaigns/${c.id}/launch`, {})
    await waitFor(
      'a few sent',
      async () => {
        const v = await call<{ progress: { sent: number; delivered: number; read: number } }>(
          'GET',
          `/api/v1/campaigns/${c.id}`,
        )
        return v.progress.sent + v.progress.delivered + v.progress.read >= 4
      },
      { timeoutMs: 30_000 },
    )
    const page = await d.newPage(desktop)
    await signInToInbox(page, 'ops@example.com', 'admin password 123')
    await page.goto(`/campaigns/${d.seed.acme.id}/${c.id}`)
    await page.getByTestId('p-sent').waitFor()
    await page.setViewportSize({ width: desktop.width, height: 1000 })
    await shoot(page, 'campaign-progress-desktop')
    await page.goto('/campaigns')
    await page.locator('tr[data-campaign="December reminders"]').waitFor()
    await shoot(page, 'campaigns-desktop')
    // The create form with a CSV imported: one row without a phone, reported with its line.
    await page.goto(`/campaigns/${d.seed.acme.id}/new`)
    const file = [
      'phone,name,city',
      '+34600800001,Lucía,Madrid',
      '+34600800002,Pablo,Sevilla',
      'n/a,Marta,Bilbao',
    ]
    await page.getByLabel('CSV file').setInputFiles({
      name: 'clientes-enero.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(file.join('\n')),
    })
    await page.getByRole('button', { name: 'Import', exact: true }).click()
    await page.getByTestId('audience-summary').waitFor()
    await page.getByLabel('Template (approved)').selectOption({ label: 'appointment_reminder (en_US)' })
    await page.setViewportSize({ width: desktop.width, height: 1500 })
    await shoot(page, 'campaign-new-desktop')
  } finally {
    await d.close()
  }
}

/**
 * The admin console (issue 16): Tenants & users with the global default number and the WhatsApp
 * switches (acme's off), and the audit log of those changes, at desktop and phone width.
 */
async function adminScreenshots() {
  const d = await startDashboard()
  try {
    await createUser(d.h, { email: 'ops@example.com', role: 'admin', password: 'admin password 123' })
    const admin = async (method: string, url: string, body: unknown) => {
      const res = await d.h.api(method, url, { key: d.h.adminKey, body })
      if (res.status >= 300) throw new Error(`${method} ${url}: ${res.status} ${res.text}`)
    }
    await admin('PATCH', '/api/v1/admin/settings', { defaultNumber: d.h.emulator.seed.phoneNumberIds[2] })
    await admin('PATCH', `/api/v1/admin/tenants/${d.seed.acme.id}`, { whatsappEnabled: false })
    await admin('PATCH', `/api/v1/admin/tenants/${d.seed.acme.id}`, { whatsappEnabled: true })
    await admin('PATCH', `/api/v1/admin/tenants/${d.seed.globex.id}`, { whatsappEnabled: false })
    for (const [size, viewport] of [
      ['desktop', desktop],
      ['phone', phone],
    ] as const) {
      const page = await d.newPage(viewport)
      await signInToInbox(page, 'ops@example.com', 'admin password 123')
      await page.goto('/tenants')
      await page.locator('section.global-settings [data-whatsapp="on"]').waitFor()
      await page
        .locator('article.tenant-card', { hasText: 'globex' })
        .locator('[data-whatsapp="off"]')
        .waitFor()
      await shoot(page, `admin-console-${size}`)
      await page.goto('/audit')
      await page.locator('tr[data-action="settings.default_number"]').first().waitFor()
      await shoot(page, `audit-${size}`)
    }
  } finally {
    await d.close()
  }
}

/**
 * Integrations (issue 20): two subscriptions of acme — a help desk receiver that answers, and an
 * n8n flow that answers 500 — with test events and a customer's message in their delivery logs;
 * the website widget set to send an approved template.
 */
async function integrationsScreenshots() {
  let failing = true
  const receiver = createServer((req, res) => {
    req.resume()
    req.on('end', () => {
      if (req.url === '/n8n' && failing)
        res
          .writeHead(500, { 'content-type': 'application/json' })
          .end('{"message":"Workflow could not be started"}')
      else res.writeHead(200, { 'content-type': 'text/plain' }).end('ok')
    })
  })
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve))
  const base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`
  const d = await startDashboard()
  try {
    await createUser(d.h, { email: 'ops@example.com', role: 'admin', password: 'admin password 123' })
    const call = async <T>(method: string, url: string, body?: unknown): Promise<T> => {
      const res = await d.h.api(method, url, { key: d.seed.acme.key, body })
      if (res.status >= 300) throw new Error(`${method} ${url}: ${res.status} ${res.text}`)
      return res.body as T
    }
    type Created = { subscription: { id: string } }
    const desk = await call<Created>('POST', '/api/v1/webhook-subscriptions', {
      url: `${base}/helpdesk`,
      events: ['message.*', 'conversation.*'],
      description: 'Help desk',
    })
    const n8n = await call<Created>('POST', '/api/v1/webhook-subscriptions', {
      url: `${base}/n8n`,
      events: ['message.received', 'widget.message'],
      description: 'n8n: new leads to the CRM',
    })
    for (const s of [desk, n8n]) await call('POST', `/api/v1/webhook-subscriptions/${s.subscription.id}/test`)
    d.h.emulator.control.customerSends(
      '34612345678',
      { type: 'text', text: { body: 'Hola, ¿tenéis tartas sin gluten?' } },
      { phoneNumberId: d.seed.acme.phoneNumberId },
    )
    await waitFor(
      'two failed attempts of the message at the n8n flow',
      async () => {
        const r = await call<{ attempts: { eventKind: string }[] }>(
          'GET',
          `/api/v1/webhook-subscriptions/${n8n.subscription.id}/attempts?failed=true`,
        )
        return r.attempts.filter((a) => a.eventKind === 'message.received').length >= 2
      },
      { timeoutMs: 30_000 },
    )
    await call('PUT', '/api/v1/widget/settings', {
      enabled: true,
      allowedOrigins: ['https://www.panaderia.example', 'https://shop.panaderia.example'],
      replyMode: 'template',
      template: { name: 'hello_world', language: 'en_US' },
    })
    for (const [size, viewport] of [
      ['desktop', desktop],
      ['phone', phone],
    ] as const) {
      const page = await d.newPage(viewport)
      await signInToInbox(page, 'ops@example.com', 'admin password 123')
      await page.goto('/integrations')
      await page.getByLabel('Tenant').selectOption({ label: 'acme' })
      await page
        .locator(`tr[data-subscription="${base}/n8n"]`)
        .getByText(/Failed ·/)
        .waitFor()
      await shoot(page, `integrations-${size}`)
      await page.goto(`/integrations/${d.seed.acme.id}/${n8n.subscription.id}`)
      await page.locator('tr.attempt-failed[data-event="message.received"]').first().waitFor()
      await page.setViewportSize({ width: viewport.width, height: size === 'phone' ? 2400 : 1100 })
      await shoot(page, `integration-log-${size}`)
      await page.setViewportSize(viewport)
      await page.goto(`/integrations/${d.seed.acme.id}/widget`)
      await page.getByRole('textbox', { name: 'Tag to paste' }).waitFor()
      await page.setViewportSize({ width: viewport.width, height: size === 'phone' ? 2200 : 1300 })
      await shoot(page, `integration-widget-${size}`)
    }
    failing = false
  } finally {
    await d.close()
    await new Promise((resolve) => receiver.close(resolve))
  }
}

// WAHUB_SCREENSHOTS=golive (or sandbox, campaigns, admin, integrations) retakes only those pictures.
const only = process.env.WAHUB_SCREENSHOTS
if (!only) await main()
if (!only || only === 'golive') await goliveScreenshots()
if (!only || only === 'sandbox') await sandboxCarryScreenshot()
if (!only || only === 'campaigns') await campaignsScreenshots()
if (!only || only === 'admin') await adminScreenshots()
if (!only || only === 'integrations') await integrationsScreenshots()
