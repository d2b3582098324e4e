import fc from 'fast-check'
import { sampleSendBody } from '../../src/sandbox/welcome.ts'
import { mutate } from './webhook-arbitraries.ts'

// Generated API calls (issue 12's fuzz suite): sends of every type as a tenant integration
// would write them — valid ones, mutated ones, junk — and admin calls with an operator key.

type Json = unknown

export type ApiCall = { kind: string; method: string; path: string; body?: string; contentType?: string }

const text = fc.oneof(
  fc.string({ maxLength: 80 }),
  fc.constantFrom('', 'Hola', '😀', '%zz', '\u0000', 'x'.repeat(5000)),
)

function validSend(recipients: readonly string[], from: string): fc.Arbitrary<Json> {
  const to = fc.oneof(fc.constantFrom(...recipients), fc.constantFrom('+34 612 34 56 78', '0', 'abc', ''))
  const message: fc.Arbitrary<Json> = fc.oneof(
    fc.record({ type: fc.constant('text'), text: fc.record({ body: text, preview_url: fc.boolean() }) }),
    fc.constant({ type: 'template', template: sampleSendBody('').template }), // the Sandbox's curl
    ...(['image', 'video', 'audio', 'document', 'sticker'] as const).map((t) =>
      fc.record({
        type: fc.constant(t),
        [t]: fc.oneof(
          fc.record({
            link: fc.constantFrom('https://example.com/a.jpg', 'http://127.0.0.1:1/x', 'javascript:1'),
          }),
          fc.record({ id: fc.string({ maxLength: 30 }) }),
        ),
      }),
    ),
    fc.record({
      type: fc.constant('location'),
      location: fc.record({
        latitude: fc.double({ noNaN: true }),
        longitude: fc.double({ noNaN: true }),
        name: text,
      }),
    }),
    fc.record({
      type: fc.constant('contacts'),
      contacts: fc.constant([
        { name: { formatted_name: 'Ana', first_name: 'Ana' }, phones: [{ phone: '+34600000000' }] },
      ]),
    }),
    fc.record({
      type: fc.constant('interactive'),
      interactive: fc.record({
        type: fc.constant('button'),
        body: fc.record({ text }),
        action: fc.record({
          buttons: fc.array(
            fc.record({ type: fc.constant('reply'), reply: fc.record({ id: text, title: text }) }),
            {
              maxLength: 4,
            },
          ),
        }),
      }),
    }),
    fc.record({ type: fc.constant('reaction'), reaction: fc.record({ message_id: text, emoji: text }) }),
    fc.record({ type: fc.string({ maxLength: 12 }) }),
  )
  const sender = fc.oneof(
    { weight: 8, arbitrary: fc.constant({ from }) },
    fc.constant({}),
    fc.constant({ from: 'nope' }),
  )
  return fc
    .tuple(to, message, sender)
    .map(([t, m, f]) => ({ messaging_product: 'whatsapp', to: t, ...f, ...(m as object) }))
}

const mutation = fc.record({
  at: fc.nat(),
  kind: fc.constantFrom('delete', 'replace', 'stretch', 'number') as fc.Arbitrary<
    'delete' | 'replace' | 'stretch' | 'number'
  >,
  with: fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>,
})

const junkBody = fc.oneof(
  fc.jsonValue().map((v) => JSON.stringify(v) ?? 'null'),
  fc.string({ maxLength: 200 }),
  fc.constantFrom(
    '{',
    '{"to":',
    '[]',
    'null',
    '',
    '{"__proto__":{"admin":true}}',
    '{"constructor":{"prototype":{}}}',
  ),
)

const contentTypes = fc.oneof(
  { weight: 8, arbitrary: fc.constant('application/json') },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      'text/plain',
      'application/x-www-form-urlencoded',
      'application/json; charset=latin1',
    ),
  },
)

/** POST /api/v1/messages bodies: valid, mutated, junk; sometimes with odd query strings. */
export function sendCall(recipients: readonly string[], from: string): fc.Arbitrary<ApiCall> {
  const valid = validSend(recipients, from)
  const body = fc.oneof(
    { weight: 3, arbitrary: valid.map((v) => ({ kind: 'send', body: JSON.stringify(v) })) },
    {
      weight: 5,
      arbitrary: fc
        .tuple(valid, fc.array(mutation, { minLength: 1, maxLength: 3 }))
        .map(([v, ms]) => ({ kind: 'send-mutated', body: JSON.stringify(mutate(v, ms)) })),
    },
    { weight: 2, arbitrary: junkBody.map((b) => ({ kind: 'send-junk', body: b })) },
  )
  const query = fc.oneof(
    { weight: 8, arbitrary: fc.constant('') },
    fc.constantFrom('?wait=1', '?wait=-1', '?wait=abc', '?wait=%zz', '?x[]=1'),
  )
  return fc.tuple(body, query, contentTypes).map(([b, q, ct]) => ({
    kind: b.kind,
    method: 'POST',
    path: `/api/v1/messages${q}`,
    body: b.body,
    contentType: ct,
  }))
}

/** Admin calls with an operator key: creations and changes with valid, mutated and junk bodies. */
export function adminCall(ids: {
  tenantId: string
  numberRowId: string
  wabaRowId: string
}): fc.Arbitrary<ApiCall> {
  const id = fc.oneof(
    fc.constantFrom(ids.tenantId, ids.numberRowId, ids.wabaRowId),
    fc.string({ maxLength: 30 }).map(encodeURIComponent),
    fc.constantFrom('%zz', '..%2F..', `usr_${'a'.repeat(200)}`, 'a%00b'),
  )
  const email = fc.oneof(fc.emailAddress(), text)
  const shapes: fc.Arbitrary<{ method: string; path: fc.Arbitrary<string>; body: fc.Arbitrary<Json> }>[] = [
    fc.constant({
      method: 'POST',
      path: fc.constant('/api/v1/admin/tenants'),
      body: fc.record(
        { name: text, defaultCountry: fc.constantFrom('ES', 'TH', 'XX', '') },
        { requiredKeys: ['name'] },
      ),
    }),
    fc.constant({
      method: 'PATCH',
      path: id.map((i) => `/api/v1/admin/tenants/${i}`),
      body: fc.record({ defaultCountry: fc.constantFrom('ES', 'BR', 'ZZ') }, { requiredKeys: [] }),
    }),
    fc.constant({
      method: 'POST',
      path: fc.constant('/api/v1/admin/users'),
      body: fc.record(
        {
          email,
          role: fc.constantFrom('admin', 'agent', 'root'),
          tenantId: fc.constantFrom(ids.tenantId, 'nope'),
        },
        { requiredKeys: ['email', 'role'] },
      ),
    }),
    fc.constant({
      method: 'PATCH',
      path: id.map((i) => `/api/v1/admin/users/${i}`),
      body: fc.record({ disabled: fc.boolean() }),
    }),
    fc.constant({
      method: 'POST',
      path: fc.constant('/api/v1/admin/api-keys'),
      body: fc.record(
        {
          tenantId: fc.constantFrom(ids.tenantId, 'nope'),
          scopes: fc.subarray(['send', 'read', 'admin', 'root']),
          name: text,
        },
        { requiredKeys: [] },
      ),
    }),
    fc.constant({
      method: 'POST',
      path: fc.constant('/api/v1/admin/apps'),
      body: fc.record({
        appId: fc.stringMatching(/^[0-9]{3,30}$/),
        appSecret: text,
        verifyToken: text,
        name: text,
      }),
    }),
    fc.constant({
      method: 'POST',
      path: fc.constant('/api/v1/admin/events/replay'),
      body: fc.record(
        { ids: fc.array(fc.string({ maxLength: 30 }), { maxLength: 5 }) },
        { requiredKeys: [] },
      ),
    }),
    fc.constant({
      method: 'GET',
      path: fc
        .tuple(
          fc.constantFrom(
            '/api/v1/admin/events',
            '/api/v1/admin/audit',
            '/api/v1/admin/users',
            '/api/v1/admin/numbers',
          ),
          fc.constantFrom(
            '',
            '?limit=-1',
            '?limit=abc',
            '?outcome=%zz',
            '?outcome=%00',
            '?before=9999999999999999999',
            '?tenant=x&tenant=y',
          ),
        )
        .map(([p, q]) => `${p}${q}`),
      body: fc.constant(null),
    }),
  ]
  return fc.oneof(...shapes).chain((s) =>
    fc
      .tuple(
        s.path,
        fc.oneof(
          { weight: 3, arbitrary: s.body.map((b) => ({ kind: 'admin', body: JSON.stringify(b) })) },
          {
            weight: 5,
            arbitrary: fc
              .tuple(s.body, fc.array(mutation, { minLength: 1, maxLength: 3 }))
              .map(([b, ms]) => ({ kind: 'admin-mutated', body: JSON.stringify(mutate(b, ms)) })),
          },
          { weight: 2, arbitrary: junkBody.map((b) => ({ kind: 'admin-junk', body: b })) },
        ),
        contentTypes,
      )
      .map(([path, b, ct]) =>
        s.method === 'GET'
          ? { kind: 'admin', method: 'GET', path }
          : { kind: b.kind, method: s.method, path, body: b.body, contentType: ct },
      ),
  )
}
