import assert from 'node:assert/strict'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { after, before, describe, test } from 'node:test'
import type { Page } from 'playwright-core'
import { Webhook } from 'standardwebhooks'
import { testDbKind } from '../test/helpers/db.ts'
import {
  createUser,
  type Dashboard,
  phone,
  signInToInbox,
  startDashboard,
  waitFor,
} from './helpers/dashboard.ts'

// Integrations in the dashboard (issue 20, docs/INTEGRATIONS.md): an operator subscribes a real
// local receiver to acme's message events, sees the signing secret once, sends a test event (its
// signature verified here with the `standardwebhooks` package, not with Wahub's code) and sees it
// in the delivery log; the receiver answers 500 → the failed attempts show their status, attempt
// number and the answer's first characters; it recovers → "Redeliver" → delivered. Then the
// website widget's settings, the page in Spanish and at phone width, and a removal confirmed.

type Received = { body: string; headers: Record<string, string>; type: string }

type Receiver = {
  url: string
  got: Received[]
  /** While true, every request is answered 500 with a body the log must show. */
  down: boolean
  close(): Promise<void>
}

async function startReceiver(): Promise<Receiver> {
  const r: Receiver = { url: '', got: [], down: false, close: async () => {} }
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      if (r.down) {
        res.writeHead(500, { 'content-type': 'text/plain' }).end('database is down, try later')
        return
      }
      const body = Buffer.concat(chunks).toString('utf8')
      r.got.push({ body, headers: req.headers as Record<string, string>, type: JSON.parse(body).type })
      res.writeHead(200, { 'content-type': 'text/plain' }).end('thanks')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  r.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`
  r.close = () => new Promise((resolve) => server.close(() => resolve()))
  return r
}

/** Throws unless the request carries a valid Standard Webhooks signature made with `secret`. */
function verify(secret: string, r: Received): void {
  new Webhook(secret).verify(r.body, {
    'webhook-id': r.headers['webhook-id'],
    'webhook-timestamp': r.headers['webhook-timestamp'],
    'webhook-signature': r.headers['webhook-signature'],
  })
}

describe(`dashboard: integrations (${testDbKind})`, () => {
  let d: Dashboard
  let admin: Page
  let receiver: Receiver
  let secret = ''
  let subscriptionPath = ''

  before(async () => {
    receiver = await startReceiver()
    d = await startDashboard()
    await createUser(d.h, { email: 'ops@example.com', role: 'admin', password: 'admin password 123' })
    admin = await d.newPage()
    await signInToInbox(admin, 'ops@example.com', 'admin password 123')
  })
  after(async () => {
    await d?.close()
    await receiver?.close()
  })

  test('subscribe a receiver, see the secret once, send a test event verified with standardwebhooks', async () => {
    await admin.getByRole('link', { name: 'Integrations' }).click()
    await admin.getByRole('heading', { name: 'Integrations' }).waitFor()
    await admin.getByLabel('Tenant').selectOption({ label: 'acme' })
    await admin.getByText('No webhook subscriptions for this tenant yet.').waitFor()
    await admin.getByRole('link', { name: 'New subscription' }).click()
    await admin.getByRole('heading', { name: 'New webhook subscription' }).waitFor()

    // The HTTPS rule is said next to the field; the server's refusal lands next to it too.
    await admin.getByText(/Must start with https:\/\//).waitFor()
    await admin.getByLabel('Receiver URL').fill('not a web address')
    await admin.getByRole('button', { name: 'Create subscription' }).click()
    await admin
      .locator('.field-error')
      .getByText(/This is not a web address/)
      .waitFor()

    await admin.getByLabel('Receiver URL').fill(receiver.url)
    await admin.getByLabel('Description (optional)').fill('Help desk')
    assert.ok(await admin.getByLabel(/All Messages events/).isChecked(), 'message.* is the default')
    await admin.getByRole('button', { name: 'Create subscription' }).click()

    await admin.getByText('Copy it now: it will not be shown again.').waitFor()
    secret = await admin.getByRole('textbox', { name: 'Signing secret' }).inputValue()
    assert.match(secret, /^whsec_/, 'the Standard Webhooks secret is shown')
    await admin.getByRole('button', { name: 'Copy Signing secret' }).waitFor()

    await admin.getByRole('link', { name: 'Open the subscription' }).click()
    await admin.getByRole('heading', { name: 'Webhook subscription' }).waitFor()
    subscriptionPath = new URL(admin.url()).pathname
    assert.equal(await admin.getByText(secret).count(), 0, 'the secret is not shown again')
    assert.ok(!(await admin.content()).includes(secret), 'nor anywhere in the page')

    await admin.getByRole('button', { name: 'Send test event' }).click()
    await admin.getByText(/Test event delivered: HTTP 200/).waitFor()
    const test = await waitFor('the test event at the receiver', () =>
      receiver.got.find((r) => r.type === 'webhook.test'),
    )
    verify(secret, test)
    assert.throws(() => verify(`whsec_${Buffer.from('another secret!!').toString('base64')}`, test))
    const row = admin.locator('tr[data-event="webhook.test"]')
    await row.getByText('200', { exact: true }).waitFor()
    assert.match((await row.textContent()) ?? '', /thanks/, 'the answer’s excerpt is in the log')
  })

  test('a receiver answering 500 shows failed attempts; once it recovers, "Redeliver" delivers', async () => {
    receiver.down = true
    d.h.emulator.control.customerSends(
      '34612345678',
      { type: 'text', text: { body: '¿Hacéis tartas sin gluten?' } },
      { phoneNumberId: d.seed.acme.phoneNumberId },
    )
    // The first try and the retry 5 s later both fail; the next retry would wait 5 minutes.
    const failed = admin.locator('tr.attempt-failed[data-event="message.received"]')
    await failed.first().getByText('500', { exact: true }).waitFor({ timeout: 30_000 })
    assert.match((await failed.first().textContent()) ?? '', /database is down, try later/)
    await waitFor('the second failed attempt in the log', async () => (await failed.count()) >= 2, {
      timeoutMs: 30_000,
    })
    assert.equal(
      (await failed.first().locator('td[data-label="Attempt"]').textContent())?.trim(),
      '2',
      'the newest failure is the second attempt',
    )
    await admin.getByLabel('Only failed attempts').check()
    await waitFor('only failures listed', async () => (await admin.locator('tr.attempt-ok').count()) === 0)
    await admin.getByLabel('Only failed attempts').uncheck()

    receiver.down = false
    await failed
      .first()
      .getByRole('button', { name: /Redeliver/ })
      .click()
    await admin.getByText('Deliveries queued again: 1.').waitFor()
    await admin
      .locator('tr.attempt-ok[data-event="message.received"]')
      .getByText('200', { exact: true })
      .waitFor({ timeout: 30_000 })
    const delivered = await waitFor('the message at the receiver', () =>
      receiver.got.find((r) => r.type === 'message.received'),
    )
    verify(secret, delivered)
    assert.equal(receiver.got.filter((r) => r.type === 'message.received').length, 1, 'delivered once')

    // The list shows it delivering, with its last delivery.
    await admin.getByRole('link', { name: '← All integrations' }).click()
    const listed = admin.locator(`tr[data-subscription="${receiver.url}"]`)
    await listed.getByText('Delivering').waitFor()
    await listed.getByText(/Delivered · 200/).waitFor()
  })

  test('website widget: allowed website, template mode, saved; the tag to paste is shown', async () => {
    await admin.getByRole('link', { name: 'Website widget' }).click()
    await admin.getByRole('heading', { name: 'Website chat widget' }).waitFor()
    await admin.getByLabel('Widget on').check()
    await admin.getByLabel('Allowed websites').fill('https://shop.example.com/checkout')
    await admin.getByRole('radio', { name: /A WhatsApp message/ }).check()
    await admin
      .getByLabel('Approved template', { exact: true })
      .selectOption({ label: 'hello_world (en_US)' })
    await admin.getByRole('button', { name: 'Save widget settings' }).click()
    await admin
      .locator('.field-error')
      .getByText(/without a path/)
      .waitFor()

    await admin.getByLabel('Allowed websites').fill('https://shop.example.com')
    await admin.getByRole('button', { name: 'Save widget settings' }).click()
    await admin.getByText('Widget settings saved.').waitFor()
    const tag = await admin.getByRole('textbox', { name: 'Tag to paste' }).inputValue()
    assert.match(tag, /^<script src="http:\/\/[^"]+\/widget\.js" data-key="pk_[^"]+" async><\/script>$/)
    const res = await d.h.api('GET', '/api/v1/widget/settings', { key: d.seed.acme.key })
    assert.equal(res.status, 200, res.text)
    const saved = res.body as { enabled: boolean; allowedOrigins: string[]; template: unknown }
    assert.deepEqual(
      { enabled: saved.enabled, origins: saved.allowedOrigins, template: saved.template },
      {
        enabled: true,
        origins: ['https://shop.example.com'],
        template: { name: 'hello_world', language: 'en_US' },
      },
    )
    assert.ok(tag.includes((res.body as { publicKey: string }).publicKey), 'the tag carries the key')
  })

  test('the pages in Spanish and at phone width; a removal is confirmed first', async () => {
    const es = await d.newPage(phone)
    await signInToInbox(es, 'ops@example.com', 'admin password 123')
    await es.goto('/integrations?lang=es')
    await es.getByRole('heading', { name: 'Integraciones' }).waitFor()
    await es.getByLabel('Cliente').selectOption({ label: 'acme' })
    await es.locator(`tr[data-subscription="${receiver.url}"]`).getByText('Entregando').waitFor()
    const width = await es.evaluate<number>('document.documentElement.scrollWidth')
    assert.ok(width <= phone.width, `nothing wider than the phone (${width}px)`)
    await es.goto(subscriptionPath)
    await es.getByRole('heading', { name: 'Registro de entregas' }).waitFor()
    await es.getByRole('button', { name: 'Enviar evento de prueba' }).waitFor()

    await admin.goto(subscriptionPath)
    await admin.getByRole('button', { name: 'Delete' }).click()
    const dialog = admin.getByRole('dialog', { name: /Delete the subscription to/ })
    await dialog.getByRole('button', { name: 'Cancel' }).click()
    await admin.getByRole('button', { name: 'Delete' }).click()
    await dialog.getByRole('button', { name: 'Delete' }).click()
    await admin.getByText('No webhook subscriptions for this tenant yet.').waitFor()
  })
})
