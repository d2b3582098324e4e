import assert from 'node:assert/strict'
import type { EmulatorSeed } from '../../src/emulator/index.ts'
import type { Harness } from '../helpers/harness.ts'
import { waitFor } from '../helpers/wait.ts'
import { type Onboarded2, onboard } from './helpers.ts'

// A deliberately broken setup, as the seeds' teams had them: an expired (temporary) token, an
// unregistered number, a WABA-level override to another URL (seed 003), no app secret, a
// webhook for a phone_number_id Wahub does not know (seed 000's "Platform not found"), and
// sends refused with 131030. Used by broken-setup.test.ts and to produce docs/DIAGNOSTICS.md.

export const broken = {
  wabaA: '100000000000001',
  wabaB: '100000000000002',
  wabaC: '100000000000003',
  live: '110000000000001',
  devMode: '110000000000003',
  unregistered: '120000000000001',
  stranger: '130000000000001',
} as const

const templates = () => [
  {
    name: 'po_notification',
    language: 'es',
    category: 'UTILITY' as const,
    components: [
      {
        type: 'BODY',
        text: 'Hola {{1}}, has recibido una nueva orden de compra {{2}} por un total de {{3}}.',
        example: { body_text: [['Panadería Sol', 'PO-1042', '€245,00']] },
      },
    ],
  },
]

export function brokenSeed(): EmulatorSeed {
  return {
    wabas: [
      {
        id: broken.wabaA,
        name: 'Bakery',
        phone_numbers: [
          {
            id: broken.live,
            display_phone_number: '+1 555-010-0001',
            verified_name: 'Bakery',
            pin: '123456',
          },
          {
            id: broken.devMode,
            display_phone_number: '+1 555-010-0003',
            verified_name: 'Bakery Test',
            account_mode: 'SANDBOX',
            allowed_recipients: ['34612345678'],
          },
        ],
        templates: templates(),
      },
      {
        id: broken.wabaB,
        name: 'Shop',
        override_callback_uri: 'https://old-vendor.example/webhooks',
        phone_numbers: [
          { id: broken.unregistered, display_phone_number: '+1 555-020-0001', verified_name: 'Shop' },
        ],
        templates: templates(),
      },
      {
        id: broken.wabaC,
        name: 'Not connected',
        phone_numbers: [
          { id: broken.stranger, display_phone_number: '+1 555-030-0001', verified_name: 'Elsewhere' },
        ],
      },
    ],
  }
}

const po = (to: string, from: string) => ({
  from,
  to,
  type: 'template',
  template: {
    name: 'po_notification',
    language: { code: 'es' },
    components: [
      {
        type: 'body',
        parameters: [
          { type: 'text', text: 'Juan García' },
          { type: 'text', text: 'PO-12345' },
          { type: 'text', text: '€250.50' },
        ],
      },
    ],
  },
})

export async function breakSetup(h: Harness): Promise<Onboarded2> {
  const control = h.emulator.control
  const on = await onboard(
    h,
    [broken.wabaA, broken.wabaB],
    [broken.live, broken.devMode, broken.unregistered],
  )
  // WABA A runs on a temporary token from the App Dashboard.
  const { token } = control.addToken({ type: 'USER', expires_in: 86400 }) as { token: string }
  const put = await h.api('PUT', `/api/v1/admin/wabas/${broken.wabaA}/token`, {
    key: h.adminKey,
    // Its numbers are live: a temporary token is refused unless taken on purpose (decision 0071).
    body: { token, acceptTemporary: true },
  })
  assert.equal(put.status, 200, put.text)

  // "Platform not found": a customer writes to a number of a WABA nobody told Wahub about.
  control.customerSends(
    '34612345678',
    { type: 'text', text: { body: 'Hola, ¿me oís?' } },
    { phoneNumberId: broken.stranger },
  )
  await waitFor('the webhook to be parked as unrouted', () =>
    h.db.db.selectFrom('webhook_events').select('id').where('outcome', '=', 'unrouted').executeTakeFirst(),
  )

  // Templates from the development-mode number to people outside its allowed list: 131030.
  for (const to of ['34600000001', '34600000002']) {
    const res = await h.api('POST', '/api/v1/messages', { key: on.key, body: po(to, broken.devMode) })
    assert.equal(res.status, 202, res.text)
  }
  await waitFor(
    'both sends to fail with 131030',
    async () =>
      (
        await h.db.db
          .selectFrom('messages')
          .select('id')
          .where('status', '=', 'failed')
          .where('error_code', '=', 131030)
          .execute()
      ).length === 2,
    { timeoutMs: 20_000 },
  )

  // The temporary token expires; the other WABA's number loses its registration.
  control.expireToken(token)
  control.updateNumber(broken.unregistered, { registered: false })

  // The app (and with it the app secret) is removed: every webhook is refused from now on.
  const app = await h.db.db.selectFrom('meta_apps').select('id').executeTakeFirstOrThrow()
  const del = await h.api('DELETE', `/api/v1/admin/apps/${app.id}`, { key: h.adminKey })
  assert.ok(del.status < 300, del.text)
  control.customerSends(
    '34612345678',
    { type: 'text', text: { body: '¿Hola?' } },
    { phoneNumberId: broken.live },
  )
  await waitFor('the refused webhook to be counted', async () => {
    await h.wahub.rejections.flush()
    const row = await h.db.db
      .selectFrom('rate_counters')
      .select('count')
      .where('key', 'like', 'webhook_rejected:no_app_secret:%')
      .executeTakeFirst()
    return row !== undefined
  })
  return on
}
