import assert from 'node:assert/strict'
import { createHmac } from 'node:crypto'
import { afterEach, describe, test } from 'node:test'
import type { Emulator, EmulatorOptions } from '../../src/emulator/index.ts'
import type { WebhookLedgerEntry } from '../../src/emulator/ledger.ts'
import {
  graphCaller,
  type Receiver,
  startReceiver,
  startTestEmulator,
  template,
  text,
  waitFor,
} from './helpers.ts'

// Webhooks out: Meta's shapes, serialisation and signature, status progression with pricing,
// batching, retries, faults, override routing, inbound messages of every type, auto-reply.

const secret = 'emulator-app-secret'
let emu: Emulator | undefined
const receivers: Receiver[] = []

async function setup(options: EmulatorOptions = {}) {
  const receiver = await startReceiver(secret)
  receivers.push(receiver)
  emu = await startTestEmulator({ webhookUrl: receiver.url, ...options })
  return { emu, receiver, graph: graphCaller(emu), pn: emu.seed.phoneNumberIds[0] }
}

afterEach(async () => {
  await emu?.close()
  emu = undefined
  for (const r of receivers.splice(0)) await r.close()
})

type Status = Record<string, unknown> & { id: string; status: string }
const statusesOf = (r: Receiver) =>
  r.values('messages').flatMap((v) => ((v.statuses as Status[] | undefined) ?? []) as Status[])
const messagesOf = (r: Receiver) =>
  r.values('messages').flatMap((v) => (v.messages as Record<string, unknown>[] | undefined) ?? [])
const wamidOf = (res: { body: Record<string, unknown> }) => (res.body.messages as { id: string }[])[0].id

describe('status webhooks', () => {
  test('a text goes sent → delivered → read, signed, with PMP pricing on sent and delivered', async () => {
    const { receiver, graph, pn } = await setup()
    const wamid = wamidOf(await graph('POST', `${pn}/messages`, text('34612345678', 'hola')))
    await waitFor(
      () => statusesOf(receiver).some((s) => s.id === wamid && s.status === 'read'),
      'read status',
    )
    const mine = statusesOf(receiver).filter((s) => s.id === wamid)
    assert.deepEqual(
      mine.map((s) => s.status),
      ['sent', 'delivered', 'read'],
    )
    assert.ok(receiver.received.every((w) => w.signatureValid))
    const sent = mine[0]
    assert.equal(sent.recipient_id, '34612345678')
    assert.match(String(sent.timestamp), /^\d+$/)
    assert.deepEqual(sent.pricing, {
      billable: false,
      pricing_model: 'PMP',
      type: 'free_customer_service',
      category: 'service',
    })
    // v23: a conversation object with expiration only on `sent`.
    assert.ok((sent.conversation as { expiration_timestamp?: string }).expiration_timestamp)
    assert.equal((mine[1].conversation as { expiration_timestamp?: string }).expiration_timestamp, undefined)
    assert.ok(mine[1].pricing)
    assert.equal(mine[2].pricing, undefined)
    const delivery = receiver.received[0]
    assert.equal(delivery.body.object, 'whatsapp_business_account')
    assert.equal(delivery.body.entry[0].id, emu?.seed.wabaId)
    const value = delivery.body.entry[0].changes[0].value as { metadata: unknown; messaging_product: string }
    assert.equal(value.messaging_product, 'whatsapp')
    assert.deepEqual(value.metadata, { display_phone_number: '15550100001', phone_number_id: pn })
  })

  test('a marketing template is billable; v24 sends carry no conversation object', async () => {
    const { receiver, emu: e, pn } = await setup()
    const res = await fetch(`${e.url}/v24.0/${pn}/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${e.seed.accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify(
        template('16505551234', 'summer_sale', 'en_US', [
          { type: 'header', parameters: [{ type: 'image', image: { link: 'https://example.com/a.jpg' } }] },
          {
            type: 'body',
            parameters: [
              { type: 'text', text: 'Mark' },
              { type: 'text', text: '25%' },
            ],
          },
        ]),
      ),
    })
    const wamid = ((await res.json()) as { messages: { id: string }[] }).messages[0].id
    const sent = await waitFor(
      () => statusesOf(receiver).find((s) => s.id === wamid && s.status === 'sent'),
      'sent',
    )
    assert.deepEqual(sent.pricing, {
      billable: true,
      pricing_model: 'PMP',
      type: 'regular',
      category: 'marketing',
    })
    assert.equal(sent.conversation, undefined)
  })

  test('a utility template inside the window is free; a reaction only gets sent', async () => {
    const { receiver, graph, pn } = await setup()
    const utility = wamidOf(
      await graph('POST', `${pn}/messages`, template('34612345678', 'hello_world', 'en_US')),
    )
    const sent = await waitFor(
      () => statusesOf(receiver).find((s) => s.id === utility && s.status === 'sent'),
      'sent',
    )
    assert.equal((sent.pricing as { type: string }).type, 'free_customer_service')
    assert.equal((sent.pricing as { category: string }).category, 'utility')
    const reaction = wamidOf(
      await graph('POST', `${pn}/messages`, {
        messaging_product: 'whatsapp',
        to: '34612345678',
        type: 'reaction',
        reaction: { message_id: utility, emoji: '👍' },
      }),
    )
    await waitFor(
      () => statusesOf(receiver).some((s) => s.id === reaction && s.status === 'sent'),
      'reaction sent',
    )
    // A later message read proves any delivered/read of the reaction would have arrived by now.
    const marker = wamidOf(await graph('POST', `${pn}/messages`, text('34612345678', 'marker')))
    await waitFor(
      () => statusesOf(receiver).some((s) => s.id === marker && s.status === 'read'),
      'marker read',
    )
    assert.deepEqual(
      statusesOf(receiver)
        .filter((s) => s.id === reaction)
        .map((s) => s.status),
      ['sent'],
    )
  })

  test('biz_opaque_callback_data is echoed; BSUID recipients get recipient_user_id and contacts', async () => {
    const { receiver, graph, pn } = await setup()
    const wamid = wamidOf(
      await graph('POST', `${pn}/messages`, {
        messaging_product: 'whatsapp',
        recipient: 'US.13491208655302741918',
        type: 'text',
        text: { body: 'hola' },
        biz_opaque_callback_data: 'order:1',
      }),
    )
    const sent = await waitFor(
      () => statusesOf(receiver).find((s) => s.id === wamid && s.status === 'sent'),
      'sent',
    )
    assert.equal(sent.biz_opaque_callback_data, 'order:1')
    assert.equal(sent.recipient_user_id, 'US.13491208655302741918')
    assert.equal(sent.recipient_id, undefined)
    const value = receiver
      .values('messages')
      .find((v) => (v.statuses as Status[] | undefined)?.some((s) => s.id === wamid))
    const contacts = (value?.contacts ?? []) as Record<string, unknown>[]
    assert.deepEqual(contacts[0]?.user_id, 'US.13491208655302741918')
  })
})

describe('serialisation and signature', () => {
  test('non-ASCII is escaped as \\uXXXX and the signature covers the exact bytes', async () => {
    const { receiver, emu: e } = await setup()
    e.control.customerSends('34612345678', { type: 'text', text: { body: 'Hola, ¿qué tal? 👍' } })
    await waitFor(() => receiver.received.length > 0, 'a delivery')
    const [w] = receiver.received
    const raw = w.raw.toString('latin1')
    assert.ok(/^[\x20-\x7e]*$/.test(raw), 'body is pure ASCII')
    assert.ok(raw.includes('\\u00bfqu\\u00e9 tal? \\ud83d\\udc4d'))
    assert.ok(raw.includes('Luc\\u00eda Garc\\u00eda'))
    const expected = `sha256=${createHmac('sha256', secret).update(w.raw).digest('hex')}`
    assert.equal(w.headers['x-hub-signature-256'], expected)
    assert.match(String(w.headers['x-hub-signature']), /^sha1=[0-9a-f]{40}$/)
    // A receiver that re-serialises the parsed body gets other bytes and a wrong signature.
    const reserialised = createHmac('sha256', secret).update(JSON.stringify(w.body)).digest('hex')
    assert.notEqual(`sha256=${reserialised}`, expected)
    const text = (w.body.entry[0].changes[0].value.messages as { text: { body: string } }[])[0].text.body
    assert.equal(text, 'Hola, ¿qué tal? 👍')
  })

  test('the app secret can be changed with the webhook URL', async () => {
    const { receiver, emu: e } = await setup()
    e.control.setWebhookUrl(receiver.url, 'rotated-secret')
    e.control.customerSends('34612345678', { type: 'text', text: { body: 'x' } })
    await waitFor(() => receiver.received.length > 0, 'a delivery')
    assert.equal(receiver.received[0].signatureValid, false)
    assert.equal(
      receiver.received[0].headers['x-hub-signature-256'],
      `sha256=${createHmac('sha256', 'rotated-secret').update(receiver.received[0].raw).digest('hex')}`,
    )
  })
})

describe('batching, retries and faults', () => {
  test('several events leave in one delivery; statuses of a number share one value', async () => {
    const { receiver, graph, pn } = await setup({
      batch: { maxItems: 50, windowMs: 50 },
      delays: { readMs: -1 },
    })
    await Promise.all([
      graph('POST', `${pn}/messages`, text('34612345678', 'a')),
      graph('POST', `${pn}/messages`, text('16505551234', 'b')),
      graph('POST', `${pn}/messages`, text('34612345678', 'c')),
    ])
    await waitFor(() => statusesOf(receiver).length >= 6, 'six statuses')
    const withMany = receiver.received.find((w) =>
      w.body.entry.some((e) => e.changes.some((c) => ((c.value.statuses as unknown[]) ?? []).length > 1)),
    )
    assert.ok(withMany, 'one value carries several statuses')
    assert.ok(receiver.received.length < 6)
  })

  test('maxItems 1 sends one event per delivery', async () => {
    const { receiver, graph, pn } = await setup({ batch: { maxItems: 1 }, delays: { readMs: -1 } })
    await graph('POST', `${pn}/messages`, text('34612345678', 'a'))
    await waitFor(() => statusesOf(receiver).length >= 2, 'two statuses')
    assert.ok(receiver.received.every((w) => w.body.entry[0].changes.length === 1))
  })

  test('a delivery answered 500 is retried until 200, each attempt in the ledger', async () => {
    const { receiver, emu: e } = await setup()
    receiver.respondWith.push(500, 503)
    e.control.customerSends('34612345678', { type: 'text', text: { body: 'retry me' } })
    // The ledger records an attempt once the emulator has read its answer, a moment after the
    // receiver answered it: wait on the ledger itself.
    const ledger = () => e.control.ledger({ kind: 'webhook' }) as WebhookLedgerEntry[]
    await waitFor(() => ledger().some((a) => a.statusCode === 200), 'a 200 after retries, in the ledger')
    const attempts = ledger()
    assert.deepEqual(
      attempts.map((a) => [a.attempt, a.statusCode]),
      [
        [1, 500],
        [2, 503],
        [3, 200],
      ],
    )
    assert.equal(new Set(attempts.map((a) => a.deliveryId)).size, 1)
    assert.equal(new Set(receiver.received.map((w) => w.raw.toString())).size, 1, 'same bytes each time')
  })

  test('delivery gives up after maxAttempts and records it', async () => {
    const { receiver, emu: e } = await setup({ webhookRetry: { maxAttempts: 2 } })
    receiver.respondWith.push(500, 500, 500)
    e.control.customerSends('34612345678', { type: 'text', text: { body: 'x' } })
    const last = await waitFor(
      () => (e.control.ledger({ kind: 'webhook' }) as WebhookLedgerEntry[]).find((a) => a.gaveUp),
      'gave up',
    )
    assert.equal(last.attempt, 2)
  })

  test('a refused connection and a timeout are retried', async () => {
    const receiver = await startReceiver(secret)
    receivers.push(receiver)
    emu = await startTestEmulator({
      webhookUrl: 'http://127.0.0.1:1/closed',
      webhookRetry: { timeoutMs: 50 },
    })
    emu.control.customerSends('34612345678', { type: 'text', text: { body: 'x' } })
    await waitFor(
      () =>
        ((emu?.control.ledger({ kind: 'webhook' }) ?? []) as WebhookLedgerEntry[]).filter((a) => a.error)
          .length >= 2,
      'two failed attempts',
    )
    emu.control.setWebhookUrl(receiver.url)
    emu.control.customerSends('34612345678', { type: 'text', text: { body: 'y' } })
    await waitFor(() => receiver.received.length > 0, 'delivered to the new URL')
  })

  test('the drop fault cuts deliveries mid-body and they are retried', async () => {
    const { receiver, emu: e } = await setup()
    e.control.setFaults({ webhooks: { dropRate: 1 } })
    e.control.customerSends('34612345678', { type: 'text', text: { body: 'x' } })
    await waitFor(
      () => (e.control.ledger({ kind: 'webhook' }) as WebhookLedgerEntry[]).length >= 2,
      'two attempts',
    )
    e.control.clearFaults()
    await waitFor(() => receiver.received.length > 0, 'delivered after the fault is cleared')
    const attempts = e.control.ledger({ kind: 'webhook' }) as WebhookLedgerEntry[]
    assert.equal(attempts[0].fault, 'drop')
    assert.equal(attempts[0].statusCode, undefined)
  })

  test('the duplicate fault delivers the same bytes twice', async () => {
    const { receiver, emu: e } = await setup()
    e.control.setFaults({ webhooks: { duplicateRate: 1 } })
    e.control.customerSends('34612345678', { type: 'text', text: { body: 'dup' } })
    await waitFor(() => receiver.received.length >= 2, 'two deliveries')
    assert.equal(receiver.received[0].raw.toString(), receiver.received[1].raw.toString())
    assert.equal(messagesOf(receiver).length, 2)
    assert.equal(new Set(messagesOf(receiver).map((m) => m.id)).size, 1)
  })

  test('the reorder fault delivers statuses last-first', async () => {
    const { receiver, graph, pn, emu: e } = await setup({ batch: { maxItems: 1 } })
    e.control.setFaults({ webhooks: { reorder: true } })
    const wamid = wamidOf(await graph('POST', `${pn}/messages`, text('34612345678', 'x')))
    await waitFor(() => statusesOf(receiver).filter((s) => s.id === wamid).length === 3, 'three statuses')
    assert.deepEqual(
      statusesOf(receiver)
        .filter((s) => s.id === wamid)
        .map((s) => s.status),
      ['read', 'delivered', 'sent'],
    )
  })

  test('the latency fault delays deliveries', async () => {
    const { receiver, emu: e } = await setup()
    e.control.setFaults({ webhooks: { latencyMs: 30 } })
    const started = Date.now()
    e.control.customerSends('34612345678', { type: 'text', text: { body: 'x' } })
    await waitFor(() => receiver.received.length > 0, 'a delivery')
    assert.ok(Date.now() - started >= 30)
  })
})

describe('callback routing', () => {
  test('number override beats WABA override beats the app callback; templates stay on the app', async () => {
    const { receiver: app, graph, pn, emu: e } = await setup()
    const wabaReceiver = await startReceiver(secret, 'waba-token')
    const numberReceiver = await startReceiver(secret, 'number-token')
    receivers.push(wabaReceiver, numberReceiver)
    const sub = await graph('POST', `${e.seed.wabaId}/subscribed_apps`, {
      override_callback_uri: wabaReceiver.url,
      verify_token: 'waba-token',
    })
    assert.deepEqual(sub.body, { success: true })
    e.control.customerSends('34612345678', { type: 'text', text: { body: 'to waba' } }, { phoneNumberId: pn })
    await waitFor(() => wabaReceiver.received.length > 0, 'WABA override delivery')
    const over = await graph('POST', pn, {
      webhook_configuration: { override_callback_uri: numberReceiver.url, verify_token: 'number-token' },
    })
    assert.deepEqual(over.body, { success: true })
    const cfg = await graph('GET', `${pn}?fields=webhook_configuration`)
    assert.deepEqual(cfg.body.webhook_configuration, {
      phone_number: numberReceiver.url,
      whatsapp_business_account: wabaReceiver.url,
      application: app.url,
    })
    e.control.customerSends(
      '34612345678',
      { type: 'text', text: { body: 'to number' } },
      { phoneNumberId: pn },
    )
    await waitFor(() => numberReceiver.received.length > 0, 'number override delivery')
    e.control.setTemplateStatus({ name: 'po_notification', language: 'es', status: 'PAUSED' })
    await waitFor(
      () => app.values('message_template_status_update').length > 0,
      'template update on the app URL',
    )
    assert.equal(numberReceiver.values('message_template_status_update').length, 0)
    // Removing the overrides sends messages back to the app callback.
    await graph('POST', pn, { webhook_configuration: { override_callback_uri: '' } })
    await graph('POST', `${e.seed.wabaId}/subscribed_apps`)
    e.control.customerSends('34612345678', { type: 'text', text: { body: 'to app' } }, { phoneNumberId: pn })
    await waitFor(() => messagesOf(app).length > 0, 'app delivery')
  })

  test('an override whose handshake fails is refused with 2200', async () => {
    const { graph, pn } = await setup()
    const other = await startReceiver(secret, 'expected-token')
    receivers.push(other)
    const res = await graph('POST', pn, {
      webhook_configuration: { override_callback_uri: other.url, verify_token: 'wrong-token' },
    })
    assert.equal(res.status, 400)
    assert.equal(res.body.error?.code, 2200)
    assert.match(res.body.error?.error_data?.details ?? '', /HTTP 403/)
  })

  test('no webhooks while the app is unsubscribed from the WABA', async () => {
    const { receiver, graph, emu: e } = await setup()
    await graph('DELETE', `${e.seed.wabaId}/subscribed_apps`)
    e.control.customerSends('34612345678', { type: 'text', text: { body: 'lost' } })
    await graph('POST', `${e.seed.wabaId}/subscribed_apps`)
    e.control.customerSends('34612345678', { type: 'text', text: { body: 'kept' } })
    await waitFor(() => messagesOf(receiver).length > 0, 'delivery after resubscribing')
    assert.deepEqual(
      messagesOf(receiver).map((m) => (m.text as { body: string }).body),
      ['kept'],
    )
  })
})

describe('inbound messages from simulated customers', () => {
  const kinds: [string, Record<string, unknown>][] = [
    ['text', { type: 'text', text: { body: 'Does it come in another color?' } }],
    ['image', { type: 'image', image: { caption: 'Taj Mahal' } }],
    ['audio', { type: 'audio', audio: { voice: true } }],
    ['video', { type: 'video', video: {} }],
    ['document', { type: 'document', document: { filename: 'receipt.pdf' } }],
    ['sticker', { type: 'sticker', sticker: { animated: true } }],
    ['location', { type: 'location', location: { latitude: 37.44, longitude: -122.16, name: 'Philz' } }],
    [
      'contacts',
      {
        type: 'contacts',
        contacts: [{ name: { formatted_name: 'Lucía Gómez' }, phones: [{ phone: '+1 983' }] }],
      },
    ],
    [
      'button_reply',
      {
        type: 'interactive',
        context: { id: 'wamid.x' },
        interactive: { type: 'button_reply', button_reply: { id: 'yes', title: 'Yes' } },
      },
    ],
    [
      'list_reply',
      { type: 'interactive', interactive: { type: 'list_reply', list_reply: { id: 'r1', title: 'Row' } } },
    ],
    [
      'nfm_reply',
      {
        type: 'interactive',
        interactive: {
          type: 'nfm_reply',
          nfm_reply: { name: 'flow', body: 'Sent', response_json: '{"flow_token":"T"}' },
        },
      },
    ],
    [
      'button',
      { type: 'button', context: { id: 'wamid.x' }, button: { payload: 'STOP', text: 'Stop promotions' } },
    ],
    ['reaction', { type: 'reaction', reaction: { message_id: 'wamid.x', emoji: '❤️' } }],
    ['reaction removal', { type: 'reaction', reaction: { message_id: 'wamid.x' } }],
    [
      'order',
      {
        type: 'order',
        order: {
          catalog_id: '1',
          text: '',
          product_items: [{ product_retailer_id: 'a', quantity: 2, item_price: 30, currency: 'USD' }],
        },
      },
    ],
    ['system', { type: 'system', system: { body: 'User changed number', type: 'user_changed_user_id' } }],
    [
      'referral',
      {
        type: 'text',
        text: { body: 'Hi from the ad' },
        referral: { source_url: 'https://fb.me/x', source_id: '1', source_type: 'ad', ctwa_clid: 'abc' },
      },
    ],
    ['unsupported', { type: 'unsupported', unsupported: { type: 'poll' } }],
    ['request_welcome', { type: 'request_welcome' }],
  ]
  test('every inbound type arrives with Meta fields filled in', async () => {
    const { receiver, emu: e, pn } = await setup()
    const ids: string[] = []
    for (const [, message] of kinds)
      ids.push(e.control.customerSends('34612345678', message, { phoneNumberId: pn }).id)
    await waitFor(() => messagesOf(receiver).length >= kinds.length, 'all inbound messages')
    const byId = new Map(messagesOf(receiver).map((m) => [m.id as string, m]))
    kinds.forEach(([name, sent], i) => {
      const m = byId.get(ids[i])
      assert.ok(m, name)
      assert.equal(m.type, sent.type, name)
      assert.equal(m.from, '34612345678', name)
      assert.match(String(m.timestamp), /^\d+$/, name)
    })
    const image = byId.get(ids[1])?.image as Record<string, string>
    assert.equal(image.mime_type, 'image/jpeg')
    assert.ok(image.id && image.sha256 && image.url)
    const reply = byId.get(ids[8])?.context as Record<string, string>
    assert.deepEqual(reply, { id: 'wamid.x', from: '15550100001' })
    assert.equal((byId.get(ids[13])?.reaction as Record<string, unknown> | undefined)?.emoji, undefined)
    assert.equal((byId.get(ids[17])?.errors as { code: number }[] | undefined)?.[0].code, 131051)
    // system messages carry no contacts; the others do, with the profile name.
    const values = receiver.values('messages').filter((v) => v.messages)
    const systemValue = values.find((v) => (v.messages as { type: string }[])[0].type === 'system')
    assert.equal(systemValue?.contacts, undefined)
    const textValue = values.find((v) => (v.messages as { id: string }[])[0].id === ids[0])
    assert.deepEqual(textValue?.contacts, [{ profile: { name: 'Lucía García' }, wa_id: '34612345678' }])
  })

  test('a username customer arrives without wa_id, with user_id and username', async () => {
    const { receiver, emu: e } = await setup()
    e.control.customerSends('US.13491208655302741918', { type: 'text', text: { body: 'hola' } })
    await waitFor(() => messagesOf(receiver).length > 0, 'message')
    const value = receiver.values('messages')[0]
    const [m] = value.messages as Record<string, unknown>[]
    assert.equal(m.from, undefined)
    assert.equal(m.from_user_id, 'US.13491208655302741918')
    assert.deepEqual(value.contacts, [
      { profile: { name: 'Marta', username: '@marta.dev' }, user_id: 'US.13491208655302741918' },
    ])
  })

  test('contacts can be omitted (omitContactsRate) and profiles hidden per customer', async () => {
    const { receiver, emu: e } = await setup({ omitContactsRate: 1 })
    e.control.customerSends('34612345678', { type: 'text', text: { body: 'x' } })
    e.control.addCustomer({ wa_id: '4478000000', name: 'Hidden', hide_profile: true })
    await waitFor(() => messagesOf(receiver).length > 0, 'message')
    assert.equal(receiver.values('messages')[0].contacts, undefined)
  })

  test('a message from a new customer opens the window and a reply is delivered', async () => {
    const { receiver, emu: e, graph, pn } = await setup()
    const res = await fetch(`${e.url}/_emulator/customers`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ wa_id: '33612345678', name: 'Amélie' }),
    })
    assert.equal(res.status, 201)
    const sent = await fetch(`${e.url}/_emulator/customers/33612345678/messages?phone_number_id=${pn}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'text', text: { body: 'Bonjour' } }),
    })
    const { id } = (await sent.json()) as { id: string }
    assert.match(id, /^wamid\./)
    const reply = wamidOf(
      await graph('POST', `${pn}/messages`, {
        ...text('33612345678', 'Bonjour !'),
        context: { message_id: id },
      }),
    )
    await waitFor(
      () => statusesOf(receiver).some((s) => s.id === reply && s.status === 'delivered'),
      'delivered',
    )
  })

  test('a reply to a Click-to-WhatsApp ad opens a free entry point window', async () => {
    const { receiver, emu: e, graph, pn } = await setup()
    e.control.customerSends(
      '16505551234',
      {
        type: 'text',
        text: { body: 'from ad' },
        referral: { source_type: 'ad', source_id: '1', ctwa_clid: 'c' },
      },
      { phoneNumberId: pn },
    )
    const wamid = wamidOf(await graph('POST', `${pn}/messages`, text('16505551234', 'welcome')))
    const sent = await waitFor(
      () => statusesOf(receiver).find((s) => s.id === wamid && s.status === 'sent'),
      'sent',
    )
    assert.deepEqual(sent.pricing, {
      billable: false,
      pricing_model: 'PMP',
      type: 'free_entry_point',
      category: 'referral_conversion',
    })
  })
})

describe('other webhook fields', () => {
  test('a created template is approved later by message_template_status_update', async () => {
    const { receiver, graph, emu: e } = await setup()
    const res = await graph('POST', `${e.seed.wabaId}/message_templates`, {
      name: 'order_ready',
      language: 'es',
      category: 'UTILITY',
      components: [{ type: 'BODY', text: 'Tu pedido {{1}} está listo', example: { body_text: [['#12']] } }],
    })
    assert.equal(res.body.status, 'PENDING')
    const update = await waitFor(() => receiver.values('message_template_status_update')[0], 'status update')
    assert.equal(update.event, 'APPROVED')
    assert.equal(update.message_template_id, Number(res.body.id))
    assert.equal(update.message_template_name, 'order_ready')
    assert.equal(update.message_template_language, 'es')
    const delivery = receiver.received.find(
      (w) => w.body.entry[0].changes[0].field === 'message_template_status_update',
    )
    assert.equal(typeof delivery?.body.entry[0].time, 'number')
  })

  test('reject, pause and disable from the control API emit their events', async () => {
    const { receiver, emu: e } = await setup()
    for (const status of ['REJECTED', 'PAUSED', 'DISABLED', 'REINSTATED']) {
      const r = await fetch(`${e.url}/_emulator/templates/status`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'low_stock_alert', language: 'es', status }),
      })
      assert.equal(r.status, 200)
    }
    await waitFor(() => receiver.values('message_template_status_update').length >= 4, 'four updates')
    const events = receiver.values('message_template_status_update')
    assert.deepEqual(
      events.map((v) => v.event),
      ['REJECTED', 'PAUSED', 'DISABLED', 'REINSTATED'],
    )
    assert.ok(events[1].other_info)
    assert.ok(events[2].disable_info)
  })

  test('quality and throughput changes emit phone_number_quality_update', async () => {
    const { receiver, emu: e, graph, pn } = await setup()
    const q = await fetch(`${e.url}/_emulator/numbers/${pn}/quality`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ quality_rating: 'RED' }),
    })
    assert.equal(((await q.json()) as { event: string }).event, 'DOWNGRADE')
    e.control.setThroughput(pn, 1000, 'HIGH')
    await waitFor(() => receiver.values('phone_number_quality_update').length >= 2, 'two updates')
    const [down, up] = receiver.values('phone_number_quality_update')
    assert.equal(down.event, 'DOWNGRADE')
    assert.equal(down.display_phone_number, '15550100001')
    assert.equal(up.event, 'THROUGHPUT_UPGRADE')
    assert.equal(up.max_daily_conversations_per_business, 'TIER_UNLIMITED')
    const info = await graph('GET', `${pn}?fields=quality_rating,throughput`)
    assert.equal(info.body.quality_rating, 'RED')
    assert.deepEqual(info.body.throughput, { level: 'HIGH' })
  })

  test('any field can be sent raw through the control API', async () => {
    const { receiver, emu: e } = await setup()
    e.control.emitWebhook({
      field: 'account_update',
      value: { event: 'ACCOUNT_VIOLATION', violation_info: { violation_type: 'SPAM' } },
    })
    const v = await waitFor(() => receiver.values('account_update')[0], 'account update')
    assert.equal(v.event, 'ACCOUNT_VIOLATION')
  })
})

describe('auto-reply mode', () => {
  test('customers answer texts in their language and tap the first button', async () => {
    const { receiver, graph, pn } = await setup({ autoReply: true })
    const wamid = wamidOf(await graph('POST', `${pn}/messages`, text('34612345678', '¿Todo bien?')))
    const answer = await waitFor(
      () => messagesOf(receiver).find((m) => (m.context as { id?: string } | undefined)?.id === wamid),
      'an answer',
    )
    assert.equal(answer.type, 'text')
    assert.match((answer.text as { body: string }).body, /Gracias|Perfecto|abren/)
    const buttons = wamidOf(
      await graph('POST', `${pn}/messages`, {
        messaging_product: 'whatsapp',
        to: '16505551234',
        type: 'interactive',
        interactive: {
          type: 'button',
          body: { text: 'Confirm?' },
          action: { buttons: [{ type: 'reply', reply: { id: 'confirm', title: 'Confirm' } }] },
        },
      }),
    )
    const tap = await waitFor(
      () => messagesOf(receiver).find((m) => (m.context as { id?: string } | undefined)?.id === buttons),
      'a button tap',
    )
    assert.deepEqual(tap.interactive, {
      type: 'button_reply',
      button_reply: { id: 'confirm', title: 'Confirm' },
    })
    const tpl = wamidOf(
      await graph(
        'POST',
        `${pn}/messages`,
        template('16505551234', 'summer_sale', 'en_US', [
          { type: 'header', parameters: [{ type: 'image', image: { link: 'https://x.example/a.jpg' } }] },
          {
            type: 'body',
            parameters: [
              { type: 'text', text: 'A' },
              { type: 'text', text: 'B' },
            ],
          },
        ]),
      ),
    )
    const quick = await waitFor(
      () => messagesOf(receiver).find((m) => (m.context as { id?: string } | undefined)?.id === tpl),
      'a quick reply',
    )
    assert.deepEqual(quick.button, { payload: 'Stop promotions', text: 'Stop promotions' })
  })
})
