import { createHmac } from 'node:crypto'
import fc from 'fast-check'

// Generated webhook deliveries (issue 12's fuzz suite): Meta's payload shapes of every kind
// (FACTS §1: inbound messages of each type, statuses, errors, template status/quality/category/
// components, number quality and name, account updates and reviews, other fields), mutated —
// keys dropped, values swapped for arbitrary JSON, strings stretched — plus plain junk; each
// body signed with the app's secret, a wrong secret, a malformed header or not at all.

// Generated values are plain JSON; `unknown` keeps fast-check's precise record types assignable.
type Json = unknown
type Obj = Record<string, unknown>

/** What the generated payloads point at: the configured number and WABA, others, random ones. */
export type WebhookTargets = {
  appSecret: string
  phoneNumberIds: readonly string[]
  wabaIds: readonly string[]
  customers: readonly string[]
}

const digits = (min: number, max: number) =>
  fc.stringMatching(new RegExp(`^[1-9][0-9]{${min - 1},${max - 1}}$`))
const unixTime = fc.integer({ min: 1_600_000_000, max: 2_000_000_000 }).map(String)
const wamid = fc
  .string({ minLength: 1, maxLength: 40 })
  .map((s) => `wamid.${Buffer.from(s).toString('base64')}`)
const text = fc.oneof(
  fc.string({ maxLength: 60 }),
  fc.string({ unit: 'grapheme', maxLength: 60 }),
  fc.constantFrom('', '¿Tienen pan?', 'ขอบคุณครับ', '😀👍🏽', '<script>alert(1)</script>', '%zz', '\u0000'),
)
const mediaObject = fc.record(
  {
    id: digits(10, 18),
    mime_type: fc.constantFrom(
      'image/jpeg',
      'image/png',
      'audio/ogg',
      'video/mp4',
      'application/pdf',
      'text/html',
    ),
    sha256: fc.stringMatching(/^[0-9a-f]{64}$/),
    caption: text,
    filename: text,
    voice: fc.boolean(),
    animated: fc.boolean(),
  },
  { requiredKeys: ['id', 'mime_type', 'sha256'] },
)

/** One inbound message of each documented type (and a few Meta may add). */
function inboundMessage(from: fc.Arbitrary<string>): fc.Arbitrary<Obj> {
  const base = fc.record({ from, id: wamid, timestamp: unixTime })
  const body: fc.Arbitrary<Obj> = fc.oneof(
    fc.record({ type: fc.constant('text'), text: fc.record({ body: text }) }),
    ...(['image', 'audio', 'video', 'document', 'sticker'] as const).map((t) =>
      fc.record({ type: fc.constant(t), [t]: mediaObject }),
    ),
    fc.record({
      type: fc.constant('location'),
      location: fc.record(
        {
          latitude: fc.double({ min: -90, max: 90, noNaN: true }),
          longitude: fc.double({ min: -180, max: 180, noNaN: true }),
          name: text,
          address: text,
        },
        { requiredKeys: ['latitude', 'longitude'] },
      ),
    }),
    fc.record({
      type: fc.constant('contacts'),
      contacts: fc.array(
        fc.record({
          name: fc.record({ formatted_name: text, first_name: text }),
          phones: fc.array(fc.record({ phone: text, wa_id: digits(8, 15), type: fc.constant('CELL') }), {
            maxLength: 3,
          }),
        }),
        { maxLength: 3 },
      ),
    }),
    fc.record({
      type: fc.constant('interactive'),
      interactive: fc.oneof(
        fc.record({ type: fc.constant('button_reply'), button_reply: fc.record({ id: text, title: text }) }),
        fc.record({
          type: fc.constant('list_reply'),
          list_reply: fc.record({ id: text, title: text, description: text }),
        }),
        fc.record({
          type: fc.constant('nfm_reply'),
          nfm_reply: fc.record({ name: fc.constant('flow'), body: text, response_json: fc.json() }),
        }),
      ),
    }),
    fc.record({ type: fc.constant('button'), button: fc.record({ payload: text, text }) }),
    fc.record({ type: fc.constant('reaction'), reaction: fc.record({ message_id: wamid, emoji: text }) }),
    fc.record({
      type: fc.constant('order'),
      order: fc.record({
        catalog_id: digits(5, 16),
        text,
        product_items: fc.array(
          fc.record({
            product_retailer_id: text,
            quantity: fc.integer({ min: -5, max: 1000 }),
            item_price: fc.double({ noNaN: true }),
            currency: fc.constantFrom('EUR', 'USD', 'THB', 'XXX'),
          }),
          { maxLength: 3 },
        ),
      }),
    }),
    fc.record({
      type: fc.constant('system'),
      system: fc.record({
        body: text,
        type: fc.constantFrom('user_changed_number', 'customer_identity_changed'),
      }),
    }),
    fc.record({
      type: fc.constantFrom('unsupported', 'unknown'),
      errors: fc.constant([{ code: 131051, title: 'Message type unknown' }]),
    }),
    fc.record({ type: fc.constant('revoke'), revoke: fc.record({ original_message_id: wamid }) }),
    fc.record({
      type: fc.constant('edit'),
      edit: fc.record({
        original_message_id: wamid,
        message: fc.record({ type: fc.constant('text'), text: fc.record({ body: text }) }),
      }),
    }),
    fc.record({ type: fc.constant('request_welcome') }),
    fc.record({ type: fc.string({ maxLength: 20 }) }),
  )
  const extras = fc.record(
    {
      context: fc.record({ from: digits(8, 15), id: wamid }),
      referral: fc.record({ source_url: text, source_id: text, source_type: fc.constantFrom('ad', 'post') }),
    },
    { requiredKeys: [] },
  )
  return fc.tuple(base, body, extras).map(([b, m, e]) => ({ ...b, ...m, ...e }))
}

function statusUpdate(recipient: fc.Arbitrary<string>): fc.Arbitrary<Obj> {
  return fc.record(
    {
      id: wamid,
      status: fc.constantFrom('sent', 'delivered', 'read', 'played', 'failed', 'deleted', 'warning'),
      timestamp: unixTime,
      recipient_id: recipient,
      conversation: fc.record({
        id: fc.string({ maxLength: 32 }),
        origin: fc.record({ type: fc.constantFrom('marketing', 'utility', 'authentication', 'service') }),
        expiration_timestamp: unixTime,
      }),
      pricing: fc.record({
        billable: fc.boolean(),
        pricing_model: fc.constantFrom('CBP', 'PMP'),
        category: fc.constantFrom('marketing', 'utility', 'authentication', 'service', 'referral_conversion'),
        type: fc.constantFrom('regular', 'free_customer_service', 'free_entry_point'),
      }),
      errors: fc.array(
        fc.record({
          code: fc.integer({ min: 0, max: 200_000 }),
          title: text,
          message: text,
          error_data: fc.record({ details: text }),
        }),
        { maxLength: 2 },
      ),
    },
    { requiredKeys: ['id', 'status', 'timestamp', 'recipient_id'] },
  )
}

const templateIdent = fc.record({
  message_template_id: fc.oneof(fc.integer({ min: 1 }), digits(6, 16)),
  message_template_name: fc.oneof(fc.constantFrom('po_notification', 'welcome_new'), text),
  message_template_language: fc.constantFrom('es', 'en_US', 'pt_BR', 'th', 'xx'),
})

/** One change of any field, for a number and a WABA drawn from the targets. */
function change(t: WebhookTargets): fc.Arbitrary<{ field: Json; value: Json }> {
  const pnid = fc.oneof(fc.constantFrom(...t.phoneNumberIds), digits(10, 16))
  const customer = fc.oneof(fc.constantFrom(...t.customers), digits(8, 15))
  const metadata = fc.record({ display_phone_number: digits(8, 15), phone_number_id: pnid })
  const contact = fc.record(
    { profile: fc.record({ name: text }), wa_id: customer, user_id: fc.string({ maxLength: 30 }) },
    { requiredKeys: [] },
  )
  const messages = fc.oneof(
    fc.record({
      messaging_product: fc.constant('whatsapp'),
      metadata,
      contacts: fc.array(contact, { minLength: 0, maxLength: 2 }),
      messages: fc.array(inboundMessage(customer), { minLength: 1, maxLength: 3 }),
    }),
    fc.record({
      messaging_product: fc.constant('whatsapp'),
      metadata,
      statuses: fc.array(statusUpdate(customer), { minLength: 1, maxLength: 3 }),
    }),
    fc.record({
      messaging_product: fc.constant('whatsapp'),
      metadata,
      errors: fc.array(
        fc.record({ code: fc.integer({ min: 0, max: 200_000 }), title: text, message: text }),
        {
          minLength: 1,
          maxLength: 2,
        },
      ),
    }),
  )
  const score = fc.constantFrom('GREEN', 'YELLOW', 'RED', 'UNKNOWN', 'PURPLE')
  return fc.oneof(
    { weight: 6, arbitrary: fc.record({ field: fc.constant('messages'), value: messages }) },
    fc.record({
      field: fc.constant('message_template_status_update'),
      value: fc
        .tuple(
          templateIdent,
          fc.record({
            event: fc.constantFrom(
              'APPROVED',
              'REJECTED',
              'PAUSED',
              'DISABLED',
              'REINSTATED',
              'PENDING_DELETION',
              'FLAGGED',
              'NEW_THING',
            ),
            reason: fc.option(fc.constantFrom('NONE', 'INVALID_FORMAT', 'SCAM'), { nil: null }),
            other_info: fc.record({ title: fc.constantFrom('FIRST_PAUSE', 'UNPAUSE'), description: text }),
          }),
        )
        .map(([a, b]) => ({ ...a, ...b })),
    }),
    fc.record({
      field: fc.constant('message_template_quality_update'),
      value: fc
        .tuple(templateIdent, fc.record({ previous_quality_score: score, new_quality_score: score }))
        .map(([a, b]) => ({ ...a, ...b })),
    }),
    fc.record({
      field: fc.constant('template_category_update'),
      value: fc
        .tuple(
          templateIdent,
          fc.record({
            previous_category: fc.constantFrom('MARKETING', 'UTILITY'),
            new_category: fc.constantFrom('MARKETING', 'UTILITY', 'AUTHENTICATION'),
          }),
        )
        .map(([a, b]) => ({ ...a, ...b })),
    }),
    fc.record({
      field: fc.constant('message_template_components_update'),
      value: fc
        .tuple(templateIdent, fc.record({ message_template_element: text }))
        .map(([a, b]) => ({ ...a, ...b })),
    }),
    fc.record({
      field: fc.constant('phone_number_quality_update'),
      value: fc.record({
        display_phone_number: digits(8, 15),
        event: fc.constantFrom('FLAGGED', 'UNFLAGGED', 'UPGRADE', 'DOWNGRADE', 'ONBOARDING'),
        current_limit: fc.constantFrom('TIER_250', 'TIER_1K', 'TIER_10K', 'TIER_UNLIMITED', 'TIER_X'),
      }),
    }),
    fc.record({
      field: fc.constant('phone_number_name_update'),
      value: fc.record({
        display_phone_number: digits(8, 15),
        decision: fc.constantFrom('APPROVED', 'REJECTED', 'DEFERRED'),
        requested_verified_name: text,
      }),
    }),
    fc.record({
      field: fc.constant('account_update'),
      value: fc.record(
        {
          phone_number: digits(8, 15),
          event: fc.constantFrom(
            'VERIFIED_ACCOUNT',
            'DISABLED_UPDATE',
            'ACCOUNT_VIOLATION',
            'BUSINESS_PRIMARY_LOCATION_COUNTRY_UPDATE',
            'PARTNER_REMOVED',
          ),
          ban_info: fc.record({
            waba_ban_state: fc.constantFrom('SCHEDULE_FOR_DISABLE', 'DISABLE'),
            waba_ban_date: text,
          }),
          violation_info: fc.record({ violation_type: text }),
        },
        { requiredKeys: ['event'] },
      ),
    }),
    fc.record({
      field: fc.constant('account_review_update'),
      value: fc.record({ decision: fc.constantFrom('APPROVED', 'REJECTED', 'PENDING', 'DEFERRED') }),
    }),
    fc.record({
      field: fc.constantFrom(
        'account_alerts',
        'security',
        'history',
        'calls',
        'user_preferences',
        'smb_message_echoes',
      ),
      value: fc.json().map((s) => JSON.parse(s) as Json),
    }),
  )
}

function envelope(t: WebhookTargets): fc.Arbitrary<Obj> {
  const entry = fc.record({
    id: fc.oneof(fc.constantFrom(...t.wabaIds), digits(10, 16)),
    time: fc.integer({ min: 1_600_000_000, max: 2_000_000_000 }),
    changes: fc.array(change(t), { minLength: 1, maxLength: 3 }),
  })
  return fc.record({
    object: fc.oneof(
      { weight: 9, arbitrary: fc.constant('whatsapp_business_account') },
      fc.constantFrom('page', 'instagram', ''),
    ),
    entry: fc.array(entry, { minLength: 1, maxLength: 2 }),
  })
}

/** Every path of a JSON value, for mutations to pick from. */
function paths(
  value: Json,
  prefix: (string | number)[] = [],
  out: (string | number)[][] = [],
): (string | number)[][] {
  out.push(prefix)
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) paths(v, [...prefix, i], out)
  } else if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) paths(v, [...prefix, k], out)
  return out
}

type Mutation = { at: number; kind: 'delete' | 'replace' | 'stretch' | 'number'; with: Json }

const mutation: fc.Arbitrary<Mutation> = fc.record({
  at: fc.nat(),
  kind: fc.constantFrom('delete', 'replace', 'stretch', 'number'),
  with: fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json>,
})

/** Applies mutations to a copy: deletes a key, puts arbitrary JSON, a long string or an odd number there. */
export function mutate(value: Json, mutations: readonly Mutation[]): Json {
  let root: Json = structuredClone(value)
  for (const m of mutations) {
    const all = paths(root)
    const target = all[m.at % all.length]
    const replacement: Json =
      m.kind === 'stretch'
        ? 'x'.repeat(5000 + (m.at % 20000))
        : m.kind === 'number'
          ? [Number.MAX_SAFE_INTEGER, -1, 1e308, 0.5, -0][m.at % 5]
          : m.with
    if (target.length === 0) {
      if (m.kind !== 'delete') root = replacement
      continue
    }
    let parent = root as { [k: string]: Json } | Json[]
    for (const key of target.slice(0, -1))
      parent = (parent as Record<string | number, Json>)[key] as typeof parent
    const last = target[target.length - 1]
    if (m.kind === 'delete') {
      if (Array.isArray(parent)) parent.splice(Number(last), 1)
      else delete parent[last as string]
    } else (parent as Record<string | number, Json>)[last] = replacement
  }
  return root
}

/** A body's bytes: real shapes (often mutated) or junk. */
export function webhookBody(t: WebhookTargets): fc.Arbitrary<{ kind: string; bytes: Buffer }> {
  const shaped = envelope(t)
  return fc.oneof(
    { weight: 5, arbitrary: shaped.map((v) => ({ kind: 'shape', bytes: Buffer.from(JSON.stringify(v)) })) },
    {
      weight: 4,
      arbitrary: fc
        .tuple(shaped, fc.array(mutation, { minLength: 1, maxLength: 4 }))
        .map(([v, ms]) => ({ kind: 'mutated', bytes: Buffer.from(JSON.stringify(mutate(v, ms))) })),
    },
    {
      weight: 1,
      arbitrary: fc
        .oneof(
          fc.jsonValue().map((v) => Buffer.from(JSON.stringify(v) ?? 'null')),
          fc.string({ maxLength: 300 }).map((s) => Buffer.from(s)),
          fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)),
          shaped.map((v) => {
            const s = JSON.stringify(v)
            return Buffer.from(s.slice(0, Math.max(1, Math.floor(s.length / 2)))) // truncated JSON
          }),
          fc.nat({ max: 3000 }).map((n) => Buffer.from(`${'['.repeat(n)}${']'.repeat(n)}`)), // deep nesting
        )
        .map((bytes) => ({ kind: 'junk', bytes })),
    },
  )
}

export type WebhookDelivery = {
  kind: string
  signing: string
  bytes: Buffer
  headers: Record<string, string>
}

/** A delivery: a body and how it is signed (right secret, wrong secret, malformed, none). */
export function webhookDelivery(t: WebhookTargets): fc.Arbitrary<WebhookDelivery> {
  const sign = (secret: string, bytes: Buffer) =>
    `sha256=${createHmac('sha256', secret).update(bytes).digest('hex')}`
  return fc
    .tuple(
      webhookBody(t),
      fc.oneof(
        { weight: 7, arbitrary: fc.constant('right') },
        { weight: 1, arbitrary: fc.constant('wrong') },
        { weight: 1, arbitrary: fc.constant('none') },
        { weight: 1, arbitrary: fc.constantFrom('malformed', 'sha1', 'empty') },
      ),
      fc.string({ minLength: 1, maxLength: 40 }),
      fc.constantFrom('application/json', 'application/json; charset=utf-8', 'text/plain', ''),
    )
    .map(([body, signing, wrongSecret, contentType]) => {
      const headers: Record<string, string> = contentType ? { 'content-type': contentType } : {}
      if (signing === 'right') headers['x-hub-signature-256'] = sign(t.appSecret, body.bytes)
      if (signing === 'wrong') headers['x-hub-signature-256'] = sign(`${wrongSecret}!`, body.bytes)
      if (signing === 'malformed') headers['x-hub-signature-256'] = `sha256=${wrongSecret}`
      if (signing === 'sha1') headers['x-hub-signature-256'] = `sha1=${'0'.repeat(40)}`
      if (signing === 'empty') headers['x-hub-signature-256'] = ''
      return { kind: body.kind, signing, bytes: body.bytes, headers }
    })
}
