// The Graph client against a canned real HTTP server (protocol only). End-to-end behaviour
// (send → status webhooks, templates approval, media round trips) is tested through the emulator.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { createGraphClient, type GraphTarget } from '../../src/cloud-api/graph-client.ts'
import {
  bodyJson,
  type CannedGraph,
  type RecordedRequest,
  sendJson,
  startCannedGraph,
} from './canned-graph-server.ts'

const token = 'EAAG-canned-token-abc123'
let graph: CannedGraph
let target: GraphTarget
const client = createGraphClient({ timeoutMs: 2000, userAgent: 'wahub-test' })

before(async () => {
  graph = await startCannedGraph()
  target = { baseUrl: graph.url, version: 'v23.0', token }
})
after(() => graph.close())

function lastRequest(): RecordedRequest {
  const req = graph.requests.at(-1)
  assert.ok(req, 'the server received no request')
  return req
}

const success = { success: true }

test('sendMessage posts the body as JSON with the bearer token and returns the wamid', async () => {
  // FACTS §2 success response.
  graph.routes.set('POST /v23.0/106540352242922/messages', (_req, res) =>
    sendJson(res, 200, {
      messaging_product: 'whatsapp',
      contacts: [{ input: '+16505551234', wa_id: '16505551234' }],
      messages: [
        { id: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBJDQjZCMzlEQUE4OTJBMTE4RTUA', message_status: 'accepted' },
      ],
    }),
  )
  const answer = await client.sendMessage(target, '106540352242922', {
    messaging_product: 'whatsapp',
    to: '+16505551234',
    type: 'text',
    text: { body: 'Visit https://example.com', preview_url: true },
  })
  assert.equal(answer.messages[0].id, 'wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBJDQjZCMzlEQUE4OTJBMTE4RTUA')
  assert.equal(answer.messages[0].message_status, 'accepted')
  assert.equal(answer.contacts[0].wa_id, '16505551234')
  const req = lastRequest()
  assert.equal(req.headers.authorization, `Bearer ${token}`, 'token must be sent as a bearer header')
  assert.equal(req.headers['content-type'], 'application/json')
  assert.equal(req.headers['user-agent'], 'wahub-test')
  assert.deepEqual(bodyJson(req), {
    messaging_product: 'whatsapp',
    to: '+16505551234',
    type: 'text',
    text: { body: 'Visit https://example.com', preview_url: true },
  })
})

test('markRead marks a message read and can show a typing indicator', async () => {
  graph.routes.set('POST /v23.0/PNID/messages', (_req, res) => sendJson(res, 200, success))
  assert.deepEqual(await client.markRead(target, 'PNID', 'wamid.A'), success)
  assert.deepEqual(bodyJson(lastRequest()), {
    messaging_product: 'whatsapp',
    status: 'read',
    message_id: 'wamid.A',
  })
  await client.markRead(target, 'PNID', 'wamid.B', { typing: true })
  assert.deepEqual(bodyJson(lastRequest()), {
    messaging_product: 'whatsapp',
    status: 'read',
    message_id: 'wamid.B',
    typing_indicator: { type: 'text' },
  })
})

test('getPhoneNumber asks for the requested fields as one comma list', async () => {
  graph.routes.set('GET /v23.0/106540352242922', (_req, res) =>
    sendJson(res, 200, {
      id: '106540352242922',
      display_phone_number: '+1 631-555-5555',
      verified_name: "Jasper's Market",
      quality_rating: 'GREEN',
      throughput: { level: 'STANDARD' },
    }),
  )
  const number = await client.getPhoneNumber(target, '106540352242922', ['verified_name', 'throughput'])
  assert.equal(number.throughput?.level, 'STANDARD')
  assert.equal(lastRequest().url.searchParams.get('fields'), 'verified_name,throughput')
  await client.getPhoneNumber(target, '106540352242922')
  assert.equal(lastRequest().url.searchParams.has('fields'), false, 'no fields → Meta defaults')
})

test('listPhoneNumbers follows paging to the last page', async () => {
  graph.routes.set('GET /v23.0/WABA1/phone_numbers', (req, res) => {
    const after = req.url.searchParams.get('after')
    if (!after) {
      sendJson(res, 200, {
        data: [{ id: '1' }, { id: '2' }],
        paging: {
          cursors: { before: 'MAZDZD', after: 'MjQZD' },
          next: `${graph.url}/v23.0/WABA1/phone_numbers?after=MjQZD`,
        },
      })
    } else if (after === 'MjQZD')
      sendJson(res, 200, { data: [{ id: '3' }], paging: { cursors: { before: 'MjQZD' } } })
    else sendJson(res, 200, { data: [] })
  })
  const before = graph.requests.length
  const numbers = await client.listPhoneNumbers(target, 'WABA1', ['display_phone_number'])
  assert.deepEqual(
    numbers.map((n) => n.id),
    ['1', '2', '3'],
  )
  const calls = graph.requests.slice(before)
  assert.equal(calls.length, 2, 'one request per page')
  assert.equal(calls[1].url.searchParams.get('fields'), 'display_phone_number', 'fields kept on later pages')
})

test('listTemplates pages with cursors only (as in OAS examples) and stops on a repeated cursor', async () => {
  graph.routes.set('GET /v23.0/WABA1/message_templates', (req, res) => {
    const after = req.url.searchParams.get('after')
    const template = (name: string) => ({
      name,
      components: [{ type: 'BODY', text: 'Hi {{1}}' }],
      language: 'en_US',
      status: 'APPROVED',
      category: 'UTILITY',
      id: `id-${name}`,
    })
    if (!after)
      sendJson(res, 200, { data: [template('a')], paging: { cursors: { before: 'X', after: 'P2' } } })
    else sendJson(res, 200, { data: [template('b')], paging: { cursors: { before: 'P2', after: 'P2' } } })
  })
  const templates = await client.listTemplates(target, 'WABA1', { status: 'APPROVED' })
  assert.deepEqual(
    templates.map((t) => t.name),
    ['a', 'b'],
  )
  assert.equal(lastRequest().url.searchParams.get('status'), 'APPROVED')
  assert.equal(lastRequest().url.searchParams.has('name'), false, 'undefined filters are not sent')
})

test('createTemplate and deleteTemplate use the message_templates edge', async () => {
  graph.routes.set('POST /v23.0/WABA1/message_templates', (_req, res) =>
    sendJson(res, 200, { id: '1689556908129832', status: 'PENDING', category: 'UTILITY' }),
  )
  graph.routes.set('DELETE /v23.0/WABA1/message_templates', (_req, res) => sendJson(res, 200, success))
  const created = await client.createTemplate(target, 'WABA1', {
    name: 'order_update',
    language: 'en_US',
    category: 'UTILITY',
    components: [{ type: 'BODY', text: 'Order {{1}} shipped', example: { body_text: [['#123']] } }],
  })
  assert.equal(created.status, 'PENDING')
  assert.equal((bodyJson(lastRequest()) as { name: string }).name, 'order_update')
  await client.deleteTemplate(target, 'WABA1', 'order_update', '1689556908129832')
  assert.equal(lastRequest().url.searchParams.get('name'), 'order_update')
  assert.equal(lastRequest().url.searchParams.get('hsm_id'), '1689556908129832')
  await client.deleteTemplate(target, 'WABA1', 'order_update')
  assert.equal(lastRequest().url.searchParams.has('hsm_id'), false, 'by name alone deletes every language')
})

test('registerPhone sends the PIN and deregisterPhone posts to deregister', async () => {
  graph.routes.set('POST /v23.0/PNID/register', (_req, res) => sendJson(res, 200, success))
  graph.routes.set('POST /v23.0/PNID/deregister', (_req, res) => sendJson(res, 200, success))
  assert.deepEqual(await client.registerPhone(target, 'PNID', '123456'), success)
  assert.deepEqual(bodyJson(lastRequest()), { messaging_product: 'whatsapp', pin: '123456' })
  assert.deepEqual(await client.deregisterPhone(target, 'PNID'), success)
  assert.equal(lastRequest().url.pathname, '/v23.0/PNID/deregister')
})

test('subscribed_apps: list, subscribe with and without an override, unsubscribe', async () => {
  graph.routes.set('GET /v23.0/WABA1/subscribed_apps', (_req, res) =>
    sendJson(res, 200, {
      data: [
        {
          whatsapp_business_api_data: {
            id: '67',
            link: 'https://www.facebook.com/games/?app_id=67',
            name: 'Lucky Shrub',
          },
          override_callback_uri: 'https://elsewhere.example/hook',
        },
      ],
    }),
  )
  graph.routes.set('POST /v23.0/WABA1/subscribed_apps', (_req, res) => sendJson(res, 200, success))
  graph.routes.set('DELETE /v23.0/WABA1/subscribed_apps', (_req, res) => sendJson(res, 200, success))
  const apps = await client.getSubscribedApps(target, 'WABA1')
  assert.equal(apps[0].override_callback_uri, 'https://elsewhere.example/hook')
  await client.subscribeApp(target, 'WABA1')
  assert.equal(lastRequest().body.length, 0, 'plain subscribe sends no body (it also clears a WABA override)')
  const override = { override_callback_uri: 'https://wahub.example/webhooks/whatsapp', verify_token: 'vt' }
  await client.subscribeApp(target, 'WABA1', override)
  assert.deepEqual(bodyJson(lastRequest()), override)
  await client.unsubscribeApp(target, 'WABA1')
  assert.equal(lastRequest().method, 'DELETE')
})

test('setNumberWebhook sets the number-level callback override', async () => {
  graph.routes.set('POST /v23.0/PNID', (_req, res) => sendJson(res, 200, success))
  await client.setNumberWebhook(target, 'PNID', { override_callback_uri: '', verify_token: 'vt' })
  assert.deepEqual(bodyJson(lastRequest()), {
    webhook_configuration: { override_callback_uri: '', verify_token: 'vt' },
  })
})

test('uploadMedia sends multipart with messaging_product, type and the file', async () => {
  let form: FormData | undefined
  graph.routes.set('POST /v23.0/PNID/media', async (req, res) => {
    form = await new Response(new Uint8Array(req.body), {
      headers: { 'content-type': String(req.headers['content-type']) },
    }).formData()
    sendJson(res, 200, { id: '1003383421387256' })
  })
  const bytes = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3])
  const answer = await client.uploadMedia(target, 'PNID', {
    bytes,
    mimeType: 'image/jpeg',
    filename: 'a.jpg',
  })
  assert.equal(answer.id, '1003383421387256')
  assert.ok(form, 'the server could not parse a multipart body')
  assert.equal(form.get('messaging_product'), 'whatsapp')
  assert.equal(form.get('type'), 'image/jpeg')
  const file = form.get('file')
  assert.ok(file instanceof File, 'file field is not a file')
  assert.equal(file.name, 'a.jpg')
  assert.equal(file.type, 'image/jpeg')
  assert.deepEqual(new Uint8Array(await file.arrayBuffer()), bytes)
})

test('getMedia then downloadMedia fetches the bytes with the bearer token', async () => {
  const image = new Uint8Array(1000).map((_, i) => i % 251)
  graph.routes.set('GET /v23.0/MEDIA1', (_req, res) =>
    sendJson(res, 200, {
      messaging_product: 'whatsapp',
      url: `${graph.url}/lookaside/MEDIA1?ext=1`,
      mime_type: 'image/jpeg',
      sha256: 'abc',
      file_size: '1000',
      id: 'MEDIA1',
    }),
  )
  graph.routes.set('GET /lookaside/MEDIA1', (req, res) => {
    if (req.headers.authorization !== `Bearer ${token}`) return sendJson(res, 401, {})
    res.writeHead(200, { 'content-type': 'image/jpeg' })
    res.end(image)
  })
  const info = await client.getMedia(target, 'MEDIA1', { phoneNumberId: 'PNID' })
  assert.equal(lastRequest().url.searchParams.get('phone_number_id'), 'PNID')
  assert.equal(info.file_size, '1000')
  const bytes = await client.downloadMedia(target, info.url, { maxBytes: 5 * 1024 * 1024 })
  assert.deepEqual(bytes, image)
})

test('deleteMedia deletes by media id', async () => {
  graph.routes.set('DELETE /v23.0/MEDIA1', (_req, res) => sendJson(res, 200, success))
  assert.deepEqual(await client.deleteMedia(target, 'MEDIA1'), success)
})

test('debugToken passes the inspected token and returns its data', async () => {
  graph.routes.set('GET /v23.0/debug_token', (_req, res) =>
    sendJson(res, 200, {
      data: {
        app_id: '67',
        type: 'SYSTEM_USER',
        application: 'My App',
        data_access_expires_at: 0,
        expires_at: 0,
        is_valid: true,
        issued_at: 1700000000,
        scopes: ['whatsapp_business_management', 'whatsapp_business_messaging', 'business_management'],
        granular_scopes: [{ scope: 'whatsapp_business_messaging', target_ids: ['WABA1'] }],
        user_id: '42',
      },
    }),
  )
  const debug = await client.debugToken(target, 'EAAG-other')
  assert.equal(debug.data.is_valid, true)
  assert.equal(debug.data.expires_at, 0)
  assert.equal(lastRequest().url.searchParams.get('input_token'), 'EAAG-other')
})

test('business profile: read the first data item and update with messaging_product', async () => {
  graph.routes.set('GET /v23.0/PNID/whatsapp_business_profile', (_req, res) =>
    sendJson(res, 200, {
      data: [
        { about: 'Fresh bread', messaging_product: 'whatsapp', vertical: 'RETAIL', websites: ['https://x'] },
      ],
    }),
  )
  graph.routes.set('POST /v23.0/PNID/whatsapp_business_profile', (_req, res) => sendJson(res, 200, success))
  const profile = await client.getBusinessProfile(target, 'PNID')
  assert.equal(profile.about, 'Fresh bread')
  assert.match(lastRequest().url.searchParams.get('fields') ?? '', /^about,address,description,email/)
  await client.updateBusinessProfile(target, 'PNID', { about: 'Fresh bread daily' })
  assert.deepEqual(bodyJson(lastRequest()), { messaging_product: 'whatsapp', about: 'Fresh bread daily' })
})

test('request reaches any path; a trailing slash in baseUrl or an empty version is handled', async () => {
  graph.routes.set('GET /v23.0/WABA1', (_req, res) => sendJson(res, 200, { id: 'WABA1', name: 'Bakery' }))
  graph.routes.set('GET /WABA1', (_req, res) => sendJson(res, 200, { id: 'WABA1', unversioned: true }))
  const waba = await client.request<{ id: string }>({ ...target, baseUrl: `${graph.url}/` }, 'GET', '/WABA1')
  assert.equal(waba.id, 'WABA1')
  assert.equal(lastRequest().url.pathname, '/v23.0/WABA1')
  const bare = await client.request<{ unversioned: boolean }>({ ...target, version: '' }, 'GET', 'WABA1')
  assert.equal(bare.unversioned, true)
})
