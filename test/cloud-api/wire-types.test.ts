// The wire types accept Meta's payloads as Meta documents them (each fixture is an example from
// the project's fact sheet, cited by section). Most of this file is checked by `tsc --noEmit`
// (fixtures under `satisfies`); the tests check the guards and that the known-type lists follow
// Meta's documented types (meta-documented.ts).
import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { PhoneNumber } from '../../src/cloud-api/management-types.ts'
import type { MediaRef, OutboundMessage, SendMessageResponse } from '../../src/cloud-api/message-types.ts'
import {
  type InboundMessage,
  type InboundText,
  isKnownInboundMessage,
  isKnownWebhookChange,
  type KnownInboundMessage,
  type KnownInboundType,
  type KnownWebhookChange,
  type KnownWebhookField,
  knownInboundTypes,
  knownWebhookFields,
  type MessagesValue,
  type WebhookEnvelope,
} from '../../src/cloud-api/webhook-types.ts'
import { documentedInboundTypes } from './meta-documented.ts'

const metadata = { display_phone_number: '15550783881', phone_number_id: '106540352242922' }

// Open unions (a future `type` or `field`) accept any shape, so each fixture of a KNOWN shape is
// checked against its own type first, then wrapped in the envelope.
const textMessage = {
  from_user_id: 'US.13491208655302741918',
  id: 'wamid.HBgL',
  timestamp: '1749416383',
  type: 'text',
  text: { body: 'Does it come in another color?' },
  context: { from: '15550783881', id: 'wamid.prev' },
  referral: { source_url: 'https://fb.me/3cr4Wqqkv', source_type: 'ad', media_type: 'image' },
} satisfies InboundText

// FACTS §1.2 + §1.3: a BSUID-only user (no wa_id, no from) replying to a business message.
const textValue = {
  messaging_product: 'whatsapp',
  metadata,
  contacts: [{ profile: { name: 'Sheena Nelson', username: '@sheena' }, user_id: 'US.13491208655302741918' }],
  messages: [textMessage],
} satisfies MessagesValue

// FACTS §1.6: sent with PMP pricing, then failed with errors, in one batch.
const statusValue = {
  messaging_product: 'whatsapp',
  metadata,
  statuses: [
    {
      id: 'wamid.A',
      status: 'sent',
      timestamp: '1750030073',
      recipient_id: '16505551234',
      conversation: { id: '72b14d', expiration_timestamp: '1750116480', origin: { type: 'marketing' } },
      pricing: { billable: true, pricing_model: 'PMP', type: 'regular', category: 'marketing' },
    },
    {
      id: 'wamid.B',
      status: 'failed',
      timestamp: '1750030074',
      recipient_id: '16505551234',
      errors: [
        {
          code: 131047,
          title: 'Re-engagement message',
          message: 'Re-engagement message',
          error_data: { details: 'Message failed to send because more than 24 hours have passed…' },
          href: '/documentation/business-messaging/whatsapp/support/error-codes',
        },
      ],
    },
    // Legacy CBP (PYWA): no pricing.type; authentication-international hyphen spelling.
    {
      id: 'wamid.C',
      status: 'delivered',
      timestamp: '1',
      pricing: { billable: true, pricing_model: 'CBP', category: 'authentication-international' },
    },
  ],
} satisfies MessagesValue

const inboundText = {
  object: 'whatsapp_business_account',
  entry: [{ id: '102290129340398', changes: [{ field: 'messages', value: textValue }] }],
} satisfies WebhookEnvelope

const statuses = {
  object: 'whatsapp_business_account',
  entry: [{ id: 'WABA', changes: [{ field: 'messages', value: statusValue }] }],
} satisfies WebhookEnvelope

const otherInbound = [
  { id: 'w1', timestamp: '1', from: '1', type: 'reaction', reaction: { message_id: 'wamid.X' } }, // removal: no emoji
  {
    id: 'w2',
    timestamp: '1',
    type: 'system',
    system: {
      body: 'User changed',
      wa_id: '12195555358',
      type: 'user_changed_number',
      previous_user_id: 'US.1',
    },
  },
  {
    id: 'w3',
    timestamp: '1',
    from: '1',
    type: 'unsupported',
    unsupported: { type: 'pool' },
    errors: [
      {
        code: 131051,
        title: 'Message type unknown',
        error_data: { details: 'Message type is currently not supported.' },
      },
    ],
  },
  {
    id: 'w4',
    timestamp: '1',
    from: '1',
    type: 'interactive',
    interactive: {
      type: 'nfm_reply',
      nfm_reply: { name: 'flow', body: 'Sent', response_json: '{"flow_token":"AQAA","field":"value"}' },
    },
  },
  {
    id: 'w5',
    timestamp: '1',
    from: '1',
    type: 'audio',
    audio: { mime_type: 'audio/ogg; codecs=opus', sha256: 's', id: 'm', voice: true },
  },
  {
    id: 'w6',
    timestamp: '1',
    from: '1',
    type: 'button',
    button: { payload: 'Unsubscribe', text: 'Unsubscribe' },
  },
  {
    id: 'w7',
    timestamp: '1',
    from: '1',
    type: 'location',
    location: { latitude: 37.44, longitude: -122.16 },
  },
] satisfies KnownInboundMessage[]

const futureMessage = {
  id: 'w8',
  timestamp: '1',
  from: '1',
  type: 'hologram',
  hologram: { depth: 3 },
} satisfies InboundMessage
const inbound: InboundMessage[] = [...otherInbound, futureMessage]

const knownChanges = [
  {
    field: 'message_template_status_update',
    value: {
      event: 'APPROVED',
      message_template_id: 1689556908129832,
      message_template_name: 'order_confirmation',
      message_template_language: 'en-US',
      reason: 'NONE',
      message_template_category: 'UTILITY',
    },
  },
  {
    field: 'template_category_update',
    value: {
      message_template_id: 278077987957091,
      message_template_name: 'welcome_template',
      message_template_language: 'en-US',
      new_category: 'UTILITY',
      correct_category: 'MARKETING',
      category_update_timestamp: 1746169200,
    },
  },
  {
    field: 'phone_number_quality_update',
    value: {
      display_phone_number: '15550783881',
      event: 'THROUGHPUT_UPGRADE',
      max_daily_conversations_per_business: 'TIER_2K',
    },
  },
  { field: 'business_capability_update', value: { max_daily_conversations_per_business: 2000 } },
  { field: 'account_review_update', value: { decision: 'APPROVED' } },
  {
    field: 'account_update',
    value: {
      event: 'DISABLED_UPDATE',
      ban_info: { waba_ban_state: 'SCHEDULE_FOR_DISABLE', waba_ban_date: 'x' },
    },
  },
] satisfies KnownWebhookChange[]

const otherFields = {
  object: 'whatsapp_business_account',
  entry: [
    {
      id: 'WABA',
      time: 1739321024,
      changes: [...knownChanges, { field: 'security', value: { anything: true } }], // security: not typed, kept raw
    },
  ],
} satisfies WebhookEnvelope

// FACTS §2: outbound bodies.
const outbound = [
  {
    messaging_product: 'whatsapp',
    to: '+16505551234',
    type: 'template',
    template: {
      name: 'order_update',
      language: { code: 'en_US', policy: 'deterministic' },
      components: [
        { type: 'header', parameters: [{ type: 'image', image: { link: 'https://x/a.jpg' } }] },
        {
          type: 'body',
          parameters: [
            { type: 'text', text: 'Mark', parameter_name: 'customer_name' },
            { type: 'currency', currency: { fallback_value: '$100.99', code: 'USD', amount_1000: 100990 } },
            { type: 'date_time', date_time: { fallback_value: 'February 25, 1977' } },
          ],
        },
        {
          type: 'button',
          sub_type: 'quick_reply',
          index: '0',
          parameters: [{ type: 'payload', payload: 'aGlz' }],
        },
        {
          type: 'button',
          sub_type: 'copy_code',
          index: '0',
          parameters: [{ type: 'coupon_code', coupon_code: 'SAVE25' }],
        },
        {
          type: 'button',
          sub_type: 'CATALOG',
          index: 0,
          parameters: [{ type: 'action', action: { thumbnail_product_retailer_id: '2lc20305pt' } }],
        },
      ],
    },
  },
  {
    messaging_product: 'whatsapp',
    to: '1',
    context: { message_id: 'wamid.Q' },
    type: 'document',
    document: { id: 'MEDIA', filename: 'invoice.pdf', caption: 'Your invoice' },
  },
  {
    messaging_product: 'whatsapp',
    recipient: 'US.13491208655302741918',
    type: 'interactive',
    interactive: {
      type: 'list',
      body: { text: 'Pick one' },
      action: { button: 'Choose', sections: [{ title: 'S1', rows: [{ id: 'r1', title: 'Row 1' }] }] },
    },
  },
  {
    messaging_product: 'whatsapp',
    to: '1',
    type: 'interactive',
    interactive: {
      type: 'cta_url',
      header: { type: 'image', image: { link: 'https://x/b.jpg' } },
      body: { text: 'Dates' },
      action: { name: 'cta_url', parameters: { display_text: 'See Dates', url: 'https://x' } },
    },
  },
  {
    messaging_product: 'whatsapp',
    to: '1',
    type: 'reaction',
    reaction: { message_id: 'wamid.Q', emoji: '' },
  },
] satisfies OutboundMessage[]

// @ts-expect-error a media reference is an id OR a link, never both
const both: MediaRef = { id: 'MEDIA', link: 'https://x' }

const sendAnswer = {
  messaging_product: 'whatsapp',
  contacts: [{ input: 'US.1', user_id: 'US.1' }],
  messages: [{ id: 'wamid.HBgL', message_status: 'held_for_quality_assessment' }],
} satisfies SendMessageResponse

const number = {
  id: '106540352242922',
  quality_rating: 'GREEN',
  name_status: 'APPROVED',
  throughput: { level: 'STANDARD' },
  webhook_configuration: { application: 'https://wahub.example/webhooks/whatsapp' },
} satisfies PhoneNumber

// The known lists cover their unions exactly (compile-time).
const allInbound: Exclude<KnownInboundType, (typeof knownInboundTypes)[number]> extends never ? true : false =
  true
const allFields: Exclude<KnownWebhookField, (typeof knownWebhookFields)[number]> extends never
  ? true
  : false = true

test('the FACTS examples type-check as wire types', () => {
  // The real check is tsc; this keeps the fixtures referenced.
  for (const fixture of [inboundText, statuses, otherFields, outbound, sendAnswer, number, both])
    assert.ok(fixture)
  assert.ok(allInbound && allFields)
})

test('a message of a type Meta adds later is recognised as not known, known ones are', () => {
  const known = inbound.filter(isKnownInboundMessage).map((m) => m.type)
  assert.deepEqual(known, ['reaction', 'system', 'unsupported', 'interactive', 'audio', 'button', 'location'])
  assert.equal(isKnownInboundMessage(futureMessage), false, 'hologram must go to the raw passthrough')
})

test('a webhook field without a typed value is recognised as not known', () => {
  const changes = otherFields.entry[0].changes
  assert.deepEqual(
    changes.filter((c) => !isKnownWebhookChange(c)).map((c) => c.field),
    ['security'],
  )
  const messages = inboundText.entry[0].changes[0]
  if (isKnownWebhookChange(messages) && messages.field === 'messages') {
    assert.equal(messages.value.metadata.phone_number_id, '106540352242922')
  } else assert.fail('a messages change was not recognised')
})

test("every inbound message type Meta's webhook payloads show is a known type", () => {
  const missing = documentedInboundTypes.filter((t) => !(knownInboundTypes as readonly string[]).includes(t))
  assert.deepEqual(missing, [], 'inbound types Meta documents missing from knownInboundTypes')
})

test('every webhook field SPEC §5 and the brief name is a known field', () => {
  const needed = [
    'messages',
    'message_template_status_update',
    'message_template_quality_update',
    'template_category_update',
    'phone_number_quality_update',
    'phone_number_name_update',
    'account_update',
    'account_review_update',
    'business_capability_update',
    'account_alerts',
  ]
  const missing = needed.filter((f) => !(knownWebhookFields as readonly string[]).includes(f))
  assert.deepEqual(missing, [])
})
