import type { EmulatorSeed, SeedTemplate } from './seed-types.ts'

// What the emulator holds when no seed is given: enough to try every path of SPEC §9 and the
// seeds' own cases (bakery-ia's Spanish templates, a Brazilian helpdesk's customer, a sandbox
// number with an allowed list, BSUID-only users).

export const defaultIds = {
  appId: '900000000000001',
  appSecret: 'emulator-app-secret',
  verifyToken: 'emulator-verify-token',
  wabaId: '100000000000001',
  accessToken: 'EAAW-emulator-valid-token',
  expiredToken: 'EAAW-emulator-expired-token',
  noPermissionToken: 'EAAW-emulator-no-permission-token',
} as const

const templates: SeedTemplate[] = [
  {
    id: '700000000000001',
    name: 'po_notification',
    language: 'es',
    category: 'UTILITY',
    components: [
      {
        type: 'BODY',
        text: 'Hola {{1}}, has recibido una nueva orden de compra {{2}} por un total de {{3}}.',
        example: { body_text: [['Panadería Sol', 'PO-1042', '€245,00']] },
      },
    ],
  },
  {
    id: '700000000000002',
    name: 'low_stock_alert',
    language: 'es',
    category: 'UTILITY',
    components: [
      {
        type: 'BODY',
        text: '⚠️ Alerta: El ingrediente {{1}} tiene stock bajo. Cantidad actual: {{2}} {{3}}. Punto de reorden: {{4}} {{5}}.',
        example: { body_text: [['Harina', '3', 'kg', '10', 'kg']] },
      },
    ],
  },
  {
    id: '700000000000003',
    name: 'order_update',
    language: 'en_US',
    category: 'UTILITY',
    components: [
      {
        type: 'BODY',
        text: 'Hi {{1}}, your order {{2}} has shipped and will arrive on {{3}}.',
        example: { body_text: [['Mark', '#1042', 'Friday']] },
      },
      { type: 'FOOTER', text: 'Reply STOP to opt out' },
      {
        type: 'BUTTONS',
        buttons: [
          {
            type: 'URL',
            text: 'Track order',
            url: 'https://shop.example.com/track/{{1}}',
            example: ['1042'],
          },
        ],
      },
    ],
  },
  {
    id: '700000000000004',
    name: 'summer_sale',
    language: 'en_US',
    category: 'MARKETING',
    components: [
      { type: 'HEADER', format: 'IMAGE', example: { header_handle: ['4::aW1hZ2UvanBlZw==:emulator'] } },
      {
        type: 'BODY',
        text: 'Hi {{1}}, our summer sale is on: {{2}} off everything!',
        example: { body_text: [['Mark', '25%']] },
      },
      { type: 'FOOTER', text: 'Tap below to stop promotions' },
      { type: 'BUTTONS', buttons: [{ type: 'QUICK_REPLY', text: 'Stop promotions' }] },
    ],
  },
  {
    id: '700000000000005',
    name: 'hello_world',
    language: 'en_US',
    category: 'UTILITY',
    components: [
      { type: 'HEADER', format: 'TEXT', text: 'Hello World' },
      {
        type: 'BODY',
        text: 'Welcome and congratulations!! This message demonstrates your ability to send a message.',
      },
    ],
  },
  {
    id: '700000000000006',
    name: 'appointment_reminder',
    language: 'en_US',
    category: 'UTILITY',
    parameter_format: 'NAMED',
    components: [
      {
        type: 'BODY',
        text: 'Hi {{customer_name}}, see you on {{date}}.',
        example: {
          body_text_named_params: [
            { param_name: 'customer_name', example: 'Sarah' },
            { param_name: 'date', example: 'May 1' },
          ],
        },
      },
    ],
  },
  {
    id: '700000000000007',
    name: 'spring_promo',
    language: 'en_US',
    category: 'MARKETING',
    status: 'PAUSED',
    components: [{ type: 'BODY', text: 'Spring is here: {{1}} off!', example: { body_text: [['10%']] } }],
  },
  {
    id: '700000000000008',
    name: 'old_receipt',
    language: 'en_US',
    category: 'UTILITY',
    status: 'DISABLED',
    components: [{ type: 'BODY', text: 'Your receipt {{1}}.', example: { body_text: [['R-1']] } }],
  },
  {
    id: '700000000000009',
    name: 'welcome_new',
    language: 'pt_BR',
    category: 'MARKETING',
    status: 'PENDING',
    components: [{ type: 'BODY', text: 'Olá {{1}}, bem-vindo!', example: { body_text: [['João']] } }],
  },
]

/** Built at start so relative times (an open window) are relative to now. */
export function buildDefaultSeed(now: number): EmulatorSeed {
  const minutesAgo = (m: number) => now - m * 60_000
  return {
    app: {
      id: defaultIds.appId,
      name: 'Wahub Emulator App',
      secret: defaultIds.appSecret,
      verify_token: defaultIds.verifyToken,
    },
    wabas: [
      {
        id: defaultIds.wabaId,
        name: 'Wahub Sandbox WABA',
        currency: 'EUR',
        timezone_id: '1',
        subscribed: true,
        phone_numbers: [
          {
            id: '110000000000001',
            display_phone_number: '+1 555-010-0001',
            verified_name: 'Wahub Sandbox',
            registered: true,
            pin: '123456',
          },
          {
            id: '110000000000002',
            display_phone_number: '+34 600 100 002',
            verified_name: 'Panadería Sol',
            registered: true,
            pin: '654321',
          },
          {
            // A number still in development mode: only its allowed list can be messaged (131030).
            id: '110000000000003',
            display_phone_number: '+1 555-010-0003',
            verified_name: 'Wahub Test Number',
            registered: true,
            pin: '111111',
            account_mode: 'SANDBOX',
            allowed_recipients: ['34612345678', '16505551234'],
          },
        ],
        templates,
      },
    ],
    tokens: [
      { token: defaultIds.accessToken, kind: 'valid', type: 'SYSTEM_USER', expires_at: 0 },
      { token: defaultIds.expiredToken, kind: 'expired', type: 'USER' },
      { token: defaultIds.noPermissionToken, kind: 'no_permission', type: 'SYSTEM_USER', expires_at: 0 },
    ],
    customers: [
      { wa_id: '34612345678', name: 'Lucía García', language: 'es', last_inbound_at: minutesAgo(10) },
      { wa_id: '16505551234', name: 'Sheena Nelson', language: 'en', last_inbound_at: minutesAgo(30) },
      // Brazil: an account created before the 9th digit keeps a 12-digit wa_id; a send to the
      // 13-digit form is answered with this wa_id (the seeds' Brazilian helpdesk case).
      { wa_id: '551187654321', name: 'João Silva', language: 'pt', last_inbound_at: minutesAgo(3 * 24 * 60) },
      { wa_id: '447700900123', name: 'Ursula Unreachable', language: 'en', undeliverable: true },
      {
        // A username user: no phone number, only a business-scoped user id (FACTS §1.2, 2026).
        user_id: 'US.13491208655302741918',
        username: '@marta.dev',
        name: 'Marta',
        language: 'es',
        last_inbound_at: minutesAgo(5),
      },
    ],
  }
}
