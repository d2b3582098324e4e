import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { createUser } from '../../src/accounts/users.ts'
import { type ApiRoute, apiRoutes } from '../../src/http/auth.ts'
import { testDbKind } from '../helpers/db.ts'
import {
  type ApiAnswer,
  type Harness,
  type Onboarded,
  onboardSeed,
  startHarness,
} from '../helpers/harness.ts'
import { waitFor } from '../helpers/wait.ts'

// Tenant isolation over EVERY /api/v1 route (SPEC §11). The routes come from the registry of
// src/http/auth.ts, filled as routes are registered: a route added later is walked here without
// anyone editing this file. For each route:
//   - no credentials → 401;
//   - a tenant's key or agent on an admin route → 403;
//   - globex's key and agent, with every id that belongs to acme put into the path → 403 or
//     404, and no answer of globex's ever contains one of acme's ids;
//   - positive control: acme's own key gets 2xx from every GET route with one of its ids, so
//     the 404s above are not just "that id does not exist".

type JsonSchema = {
  type?: string | string[]
  properties?: Record<string, JsonSchema>
  required?: string[]
  items?: JsonSchema
  anyOf?: JsonSchema[]
  oneOf?: JsonSchema[]
  allOf?: JsonSchema[]
  enum?: unknown[]
  const?: unknown
  examples?: unknown[]
  default?: unknown
  minLength?: number
  minimum?: number
  minItems?: number
}

/** A value the schema accepts: its example, default, const, or the smallest of its type. */
function sample(schema: JsonSchema | undefined): unknown {
  if (!schema) return undefined
  if (schema.examples?.length) return schema.examples[0]
  if (schema.default !== undefined) return schema.default
  if (schema.const !== undefined) return schema.const
  if (schema.enum?.length) return schema.enum[0]
  const alternatives = schema.anyOf ?? schema.oneOf
  if (alternatives) return sample(alternatives.find((s) => s.type !== 'null') ?? alternatives[0])
  if (schema.allOf) return Object.assign({}, ...schema.allOf.map((s) => sample(s)))
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type
  switch (type) {
    case 'object': {
      const out: Record<string, unknown> = {}
      for (const key of schema.required ?? []) out[key] = sample(schema.properties?.[key])
      return out
    }
    case 'array':
      return schema.minItems ? Array.from({ length: schema.minItems }, () => sample(schema.items)) : []
    case 'string':
      return 'x'.repeat(Math.max(1, schema.minLength ?? 1))
    case 'integer':
    case 'number':
      return schema.minimum ?? 1
    case 'boolean':
      return false
    case 'null':
      return null
    default:
      return {}
  }
}

function paramNames(url: string): string[] {
  return [...url.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => m[1])
}

function fill(url: string, value: string): string {
  return url.replace(/:([A-Za-z0-9_]+)/g, () => encodeURIComponent(value))
}

const hasBody = (method: string) => !['GET', 'HEAD', 'DELETE'].includes(method)
const isAdmin = (r: ApiRoute) => 'scope' in r.access && r.access.scope === 'admin'
const isPublic = (r: ApiRoute) => 'public' in r.access
// Session routes (me, logout, password) act on the signed-in user themselves: no tenant data.
const isSession = (r: ApiRoute) => 'session' in r.access

type Caller = { name: string; headers: Record<string, string> }

describe(`tenant isolation over every /api/v1 route (${testDbKind})`, () => {
  let h: Harness
  let seed: Onboarded
  let routes: readonly ApiRoute[]
  /** Every id of acme's (tenant-owned rows, Meta ids of its numbers, wamids, wa_ids). */
  let acmeIds: string[]
  let globexCallers: Caller[]
  let acmeCallers: Caller[]

  async function call(route: ApiRoute, url: string, caller?: Caller): Promise<ApiAnswer> {
    const body = hasBody(route.method) ? (sample(route.schema?.body as JsonSchema) ?? {}) : undefined
    return h.api(route.method, url, { headers: caller?.headers, body })
  }

  async function agent(email: string, tenant: string): Promise<Caller> {
    await createUser(h.db.db, { email, role: 'agent', tenant, password: 'agent password 123' }, 'test')
    const res = await h.api('POST', '/api/v1/auth/login', { body: { email, password: 'agent password 123' } })
    assert.equal(res.status, 200, res.text)
    const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0]
    return {
      name: `${tenant}'s agent`,
      headers: { cookie, 'x-csrf-token': (res.body as { csrfToken: string }).csrfToken },
    }
  }

  before(async () => {
    h = await startHarness()
    seed = await onboardSeed(h)
    // Give both tenants inbox data: each customer writes to one tenant only.
    const [lucia, sheena] = h.emulator.seed.customers.map((c) => c.wa_id)
    h.emulator.control.customerSends(
      lucia,
      { type: 'text', text: { body: 'hola acme' } },
      { phoneNumberId: seed.acme.phoneNumberId },
    )
    h.emulator.control.customerSends(
      lucia,
      { type: 'image', image: { mime_type: 'image/jpeg', caption: 'pan' } },
      { phoneNumberId: seed.acme.phoneNumberId },
    )
    h.emulator.control.customerSends(
      sheena,
      { type: 'text', text: { body: 'hi globex' } },
      { phoneNumberId: seed.globex.phoneNumberId },
    )
    await waitFor('the inbound messages stored for both tenants', async () => {
      const rows = await h.db.db.selectFrom('messages').select('tenant_id').execute()
      return (
        rows.filter((r) => r.tenant_id === seed.acme.id).length >= 2 &&
        rows.some((r) => r.tenant_id === seed.globex.id)
      )
    })

    // And team-inbox data (labels, canned replies, a note with a mention, activity lines), so
    // the walk below proves globex never sees acme's.
    const acmeKey = { authorization: `Bearer ${seed.acme.key}` }
    const acmeConversation = await h.db.db
      .selectFrom('conversations')
      .select('id')
      .where('tenant_id', '=', seed.acme.id)
      .executeTakeFirstOrThrow()
    const acmeAgent = await createUser(
      h.db.db,
      { email: 'mentioned@acme.example', role: 'agent', tenant: 'acme', password: 'agent password 123' },
      'test',
    )
    for (const [method, url, body] of [
      ['POST', '/api/v1/labels', { name: 'acme-vip', color: '#aa0000' }],
      ['POST', '/api/v1/canned-replies', { shortcut: 'acmehours', body: 'Hi {{contact.name}}' }],
      ['POST', '/api/v1/webhook-subscriptions', { url: 'http://127.0.0.1:9/acme-hook', events: ['*'] }],
      ['PUT', `/api/v1/conversations/${acmeConversation.id}/labels`, { labels: ['acme-vip'] }],
      ['POST', `/api/v1/conversations/${acmeConversation.id}/notes`, { body: 'acme secret note @mentioned' }],
      ['POST', `/api/v1/conversations/${acmeConversation.id}/assignee`, { assignee: acmeAgent.user.id }],
      ['POST', `/api/v1/conversations/${acmeConversation.id}/status`, { status: 'pending' }],
      ['POST', '/api/v1/suppressions', { phones: ['+34611999001'] }],
      [
        'POST',
        '/api/v1/audiences',
        { name: 'acme audience', recipients: [{ phone: '+34611999002', attributes: { name: 'Ana' } }] },
      ],
    ] as const) {
      const res = await h.api(method, url, { headers: acmeKey, body })
      assert.ok(res.status < 300, `acme's setup ${method} ${url}: ${res.status} ${res.text}`)
    }

    // And a campaign (a draft) on that audience.
    const acmeAudience = await h.db.db
      .selectFrom('audiences')
      .select('id')
      .where('tenant_id', '=', seed.acme.id)
      .executeTakeFirstOrThrow()
    const campaign = await h.api('POST', '/api/v1/campaigns', {
      headers: acmeKey,
      body: {
        name: 'acme campaign',
        audienceId: acmeAudience.id,
        template: { name: 'appointment_reminder', language: 'en_US' },
        parameters: [
          { name: 'customer_name', attribute: 'name' },
          { name: 'date', text: 'Friday' },
        ],
      },
    })
    assert.equal(campaign.status, 201, `acme's campaign: ${campaign.text}`)

    // An Embedded Signup attempt of acme's (issue 21), as the signup route records one.
    await h.db.db
      .insertInto('signup_attempts')
      .values({
        id: 'su_isolation_acme_0001',
        tenant_id: seed.acme.id,
        actor: 'test',
        status: 'failed',
        waba_id: '100000000000009',
        phone_number_id: '110000000000009',
        token_enc: null,
        steps: JSON.stringify({ exchange: { state: 'failed', at: Date.now() } }),
        created_at: Date.now(),
        updated_at: Date.now(),
      })
      .execute()
    const ids = new Set<string>([seed.acme.id, seed.acme.keyId, seed.acme.numberId, seed.acme.phoneNumberId])
    const db = h.db.db
    for (const table of await db.introspection.getTables()) {
      const columns = table.columns.map((c) => c.name)
      if (!columns.includes('tenant_id')) continue
      for (const column of ['id', 'wamid', 'wa_id'].filter((c) => columns.includes(c))) {
        const rows = await db
          .selectFrom(table.name as 'messages')
          .select(column as 'id')
          .where('tenant_id', '=', seed.acme.id)
          .execute()
        for (const r of rows) if (r.id !== null && r.id !== undefined) ids.add(String(r.id))
      }
    }
    acmeIds = [...ids]
    globexCallers = [
      { name: "globex's key", headers: { authorization: `Bearer ${seed.globex.key}` } },
      await agent('agent@globex.example', 'globex'),
    ]
    acmeCallers = [
      { name: "acme's key", headers: { authorization: `Bearer ${seed.acme.key}` } },
      await agent('agent@acme.example', 'acme'),
    ]
    routes = apiRoutes(h.wahub.app)
  })
  after(async () => {
    await h.close()
  })

  test('the route table is collected from the app', () => {
    assert.ok(routes.length >= 40, `only ${routes.length} routes in the registry`)
    assert.ok(routes.some((r) => r.url === '/api/v1/admin/tenants' && r.method === 'GET'))
    assert.ok(routes.some((r) => r.url === '/api/v1/numbers/:id'))
    assert.ok(acmeIds.length >= 8, `acme's ids: ${acmeIds.join(', ')}`)
  })

  test('every route but the public ones answers 401 without credentials', async (t) => {
    for (const route of routes.filter((r) => !isPublic(r))) {
      await t.test(`${route.method} ${route.url}`, async () => {
        const res = await call(route, fill(route.url, acmeIds[0]))
        assert.equal(res.status, 401, res.text)
        assert.equal((res.body as { error: { code: string } }).error.code, 'unauthorized')
      })
    }
  })

  test("a tenant's key or agent on any admin route is answered 403", async (t) => {
    for (const route of routes.filter(isAdmin)) {
      await t.test(`${route.method} ${route.url}`, async () => {
        for (const caller of [...acmeCallers, ...globexCallers]) {
          const res = await call(route, fill(route.url, seed.acme.id), caller)
          assert.equal(res.status, 403, `${caller.name}: ${res.text}`)
        }
      })
    }
  })

  test("another tenant's key or agent, given acme's ids, gets 403 or 404 and never sees acme's data", async (t) => {
    for (const route of routes.filter((r) => !isAdmin(r) && !isPublic(r) && !isSession(r))) {
      await t.test(`${route.method} ${route.url}`, async () => {
        const urls = paramNames(route.url).length > 0 ? acmeIds.map((id) => fill(route.url, id)) : [route.url]
        for (const caller of globexCallers) {
          for (const url of urls) {
            const res = await call(route, url, caller)
            if (url !== route.url) {
              assert.ok(
                [403, 404].includes(res.status),
                `${caller.name} ${route.method} ${url}: ${res.status} ${res.text}`,
              )
            } else {
              assert.ok(res.status < 500, `${caller.name} ${route.method} ${url}: ${res.status} ${res.text}`)
            }
            for (const id of acmeIds.filter((x) => x.length >= 8)) {
              if (url.includes(encodeURIComponent(id))) continue // the id we sent may be echoed in "no such …"
              assert.ok(
                !res.text.includes(id),
                `${caller.name} ${route.method} ${url} answered acme's ${id}: ${res.text}`,
              )
            }
          }
        }
      })
    }
  })

  test("acme's own key reads every GET route with one of its ids (the 404s above are meaningful)", async (t) => {
    for (const route of routes.filter(
      (r) => r.method === 'GET' && !isAdmin(r) && !isPublic(r) && paramNames(r.url).length > 0,
    )) {
      await t.test(`${route.method} ${route.url}`, async () => {
        const statuses: number[] = []
        for (const id of acmeIds) {
          const res = await call(route, fill(route.url, id), acmeCallers[0])
          statuses.push(res.status)
          if (res.status >= 200 && res.status < 300) return
        }
        assert.fail(
          `no id of acme's gave acme's key a 2xx (${statuses.join(',')}): give acme a resource of this kind in this test's setup`,
        )
      })
    }
  })
})
