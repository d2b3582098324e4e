import type { EmulatorSeed } from '../../src/emulator/index.ts'

// Emulator seeds for the doctor tests: two WABAs whose numbers each show one thing doctor must
// find. Keys left out (app, tokens, customers) take the default seed's values.

export const ids = {
  wabaA: '100000000000001',
  wabaB: '100000000000002',
  good: '110000000000001',
  noName: '110000000000002',
  devMode: '110000000000003',
  wabaOverride: '120000000000001',
  numberOverride: '120000000000002',
  /** A number of a third WABA Wahub is never told about: its webhooks are unrouted. */
  stranger: '130000000000001',
  wabaC: '100000000000003',
} as const

const approved = [
  {
    id: '700000000000001',
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

export function twoWabaSeed(): EmulatorSeed {
  return {
    wabas: [
      {
        id: ids.wabaA,
        name: 'Bakery',
        currency: 'EUR',
        phone_numbers: [
          { id: ids.good, display_phone_number: '+1 555-010-0001', verified_name: 'Bakery', pin: '123456' },
          { id: ids.noName, display_phone_number: '+1 555-010-0002', verified_name: '', pin: '123456' },
          {
            id: ids.devMode,
            display_phone_number: '+1 555-010-0003',
            verified_name: 'Bakery Test',
            account_mode: 'SANDBOX',
            allowed_recipients: ['34612345678'],
          },
        ],
        templates: approved,
      },
      {
        id: ids.wabaB,
        name: 'Old vendor',
        override_callback_uri: 'https://old-vendor.example/webhooks',
        phone_numbers: [
          { id: ids.wabaOverride, display_phone_number: '+1 555-020-0001', verified_name: 'Moved' },
          {
            id: ids.numberOverride,
            display_phone_number: '+1 555-020-0002',
            verified_name: 'Pinned',
            override_callback_uri: 'https://another.example/hook',
          },
        ],
        templates: [],
      },
      {
        id: ids.wabaC,
        name: 'Not in Wahub',
        phone_numbers: [
          { id: ids.stranger, display_phone_number: '+1 555-030-0001', verified_name: 'Stranger' },
        ],
      },
    ],
  }
}

/** One WABA, one number, only approved templates: every channel check passes. */
export function cleanSeed(): EmulatorSeed {
  return {
    wabas: [
      {
        id: ids.wabaA,
        name: 'Bakery',
        phone_numbers: [
          { id: ids.good, display_phone_number: '+1 555-010-0001', verified_name: 'Bakery', pin: '123456' },
        ],
        templates: approved,
      },
    ],
  }
}
