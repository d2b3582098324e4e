import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { Emulator } from '../../src/emulator/index.ts'
import { bodyParams, graphCaller, startTestEmulator, template } from './helpers.ts'

// POST /{pnid}/messages: every outbound type accepted with Meta's success shape, and Meta's
// validation answering 100 with the field named.

let emu: Emulator
let graph: ReturnType<typeof graphCaller>
let pn: string
const lucia = '34612345678'

before(async () => {
  emu = await startTestEmulator({ pairRateLimit: false })
  graph = graphCaller(emu)
  pn = emu.seed.phoneNumberIds[0]
})
after(() => emu.close())

const send = (body: unknown) => graph('POST', `${pn}/messages`, body)
const msg = (type: string, content: unknown, extra: Record<string, unknown> = {}) => ({
  messaging_product: 'whatsapp',
  recipient_type: 'individual',
  to: `+${lucia}`,
  type,
  [type]: content,
  ...extra,
})

async function uploadImage(): Promise<string> {
  const form = new FormData()
  form.set('messaging_product', 'whatsapp')
  form.set('type', 'image/jpeg')
  form.set('file', new Blob([Buffer.from([0xff, 0xd8, 0xff, 1, 2, 3])], { type: 'image/jpeg' }), 'a.jpg')
  const res = await fetch(`${emu.url}/v23.0/${pn}/media`, {
    method: 'POST',
    headers: { authorization: `Bearer ${emu.seed.accessToken}` },
    body: form,
  })
  return ((await res.json()) as { id: string }).id
}

describe('a valid send of each type is accepted with a wamid', () => {
  const cases: [string, unknown, Record<string, unknown>?][] = [
    ['text', { body: 'Visit https://example.com', preview_url: true }],
    ['image', { link: 'https://example.com/a.jpg', caption: 'A photo' }],
    ['audio', { link: 'https://example.com/a.ogg' }],
    ['video', { link: 'https://example.com/a.mp4', caption: 'clip' }],
    ['document', { link: 'https://example.com/a.pdf', filename: 'invoice.pdf', caption: 'Invoice' }],
    ['sticker', { link: 'https://example.com/a.webp' }],
    ['location', { latitude: 37.758056, longitude: '-122.425332', name: 'META HQ', address: '1 Hacker Way' }],
    [
      'contacts',
      [{ name: { formatted_name: 'John Smith', first_name: 'John' }, phones: [{ phone: '+16505551234' }] }],
    ],
    ['reaction', { message_id: 'wamid.HBgLabc', emoji: '😀' }],
    ['reaction', { message_id: 'wamid.HBgLabc', emoji: '' }],
    [
      'interactive',
      {
        type: 'button',
        header: { type: 'text', text: 'Order' },
        body: { text: 'Confirm?' },
        footer: { text: 'Bakery' },
        action: {
          buttons: [
            { type: 'reply', reply: { id: 'yes', title: 'Yes' } },
            { type: 'reply', reply: { id: 'no', title: 'No' } },
          ],
        },
      },
    ],
    [
      'interactive',
      {
        type: 'list',
        body: { text: 'Pick a delivery' },
        action: {
          button: 'Choose',
          sections: [
            { title: 'Fast', rows: [{ id: 'express', title: 'Express', description: 'Next day' }] },
            { title: 'Slow', rows: [{ id: 'normal', title: 'Normal' }] },
          ],
        },
      },
    ],
    [
      'interactive',
      {
        type: 'cta_url',
        header: { type: 'image', image: { link: 'https://example.com/h.jpg' } },
        body: { text: 'See dates' },
        action: { name: 'cta_url', parameters: { display_text: 'See Dates', url: 'https://example.com' } },
      },
    ],
    [
      'interactive',
      {
        type: 'flow',
        body: { text: 'Book' },
        action: {
          name: 'flow',
          parameters: {
            flow_message_version: '3',
            flow_id: '123',
            flow_cta: 'Open',
            flow_token: 'T',
            flow_action: 'navigate',
            flow_action_payload: { screen: 'A' },
          },
        },
      },
    ],
    ['text', { body: 'a reply' }, { context: { message_id: 'wamid.HBgLprevious' } }],
    ['text', { body: 'with callback data' }, { biz_opaque_callback_data: 'order:860198' }],
  ]
  for (const [type, content, extra] of cases) {
    test(`${type} ${JSON.stringify(content).slice(0, 60)}`, async () => {
      const res = await send(msg(type, content, extra))
      assert.equal(res.status, 200, JSON.stringify(res.body))
      assert.equal(res.body.messaging_product, 'whatsapp')
      assert.deepEqual(res.body.contacts, [{ input: `+${lucia}`, wa_id: lucia }])
      const [m] = res.body.messages as { id: string }[]
      assert.match(m.id, /^wamid\./)
    })
  }

  test('media by uploaded id is accepted for image, and as a document', async () => {
    const id = await uploadImage()
    assert.equal((await send(msg('image', { id, caption: 'x' }))).status, 200)
    assert.equal((await send(msg('document', { id, filename: 'photo.jpg' }))).status, 200)
  })

  test('type defaults to text when omitted', async () => {
    const res = await send({ messaging_product: 'whatsapp', to: lucia, text: { body: 'hi' } })
    assert.equal(res.status, 200)
  })

  test('a template with all parameter kinds is accepted with message_status accepted', async () => {
    const res = await send(
      template('16505551234', 'summer_sale', 'en_US', [
        { type: 'header', parameters: [{ type: 'image', image: { link: 'https://example.com/s.jpg' } }] },
        {
          type: 'body',
          parameters: [
            { type: 'text', text: 'Mark' },
            { type: 'currency', currency: { fallback_value: '$25', code: 'USD', amount_1000: 25000 } },
          ],
        },
        {
          type: 'button',
          sub_type: 'quick_reply',
          index: '0',
          parameters: [{ type: 'payload', payload: 'STOP' }],
        },
      ]),
    )
    assert.equal(res.status, 200, JSON.stringify(res.body))
    assert.equal((res.body.messages as { message_status: string }[])[0].message_status, 'accepted')
  })

  test('a template with a dynamic URL button and a named template are accepted', async () => {
    const url = await send(
      template(lucia, 'order_update', 'en_US', [
        bodyParams('Mark', '#1042', 'Friday'),
        { type: 'button', sub_type: 'url', index: '0', parameters: [{ type: 'text', text: '1042' }] },
      ]),
    )
    assert.equal(url.status, 200, JSON.stringify(url.body))
    const named = await send(
      template(lucia, 'appointment_reminder', 'en_US', [
        {
          type: 'body',
          parameters: [
            { type: 'text', parameter_name: 'customer_name', text: 'Sarah' },
            { type: 'text', parameter_name: 'date', text: 'May 1' },
          ],
        },
      ]),
    )
    assert.equal(named.status, 200, JSON.stringify(named.body))
  })

  test('a Brazilian 13-digit number resolves to the 12-digit wa_id', async () => {
    const res = await send(template('+55 11 98765-4321', 'hello_world', 'en_US'))
    assert.equal(res.status, 200)
    assert.deepEqual(res.body.contacts, [{ input: '+55 11 98765-4321', wa_id: '551187654321' }])
  })

  test('a username-only customer is reached by business-scoped user id', async () => {
    const res = await send({
      messaging_product: 'whatsapp',
      recipient: 'US.13491208655302741918',
      type: 'text',
      text: { body: 'hola Marta' },
    })
    assert.equal(res.status, 200, JSON.stringify(res.body))
    assert.deepEqual(res.body.contacts, [
      { input: 'US.13491208655302741918', user_id: 'US.13491208655302741918' },
    ])
  })
})

describe('invalid sends are refused with 100 naming the field', () => {
  const long = (n: number) => 'x'.repeat(n)
  const button = (id: string, title: string) => ({ type: 'reply', reply: { id, title } })
  const cases: [string, unknown, RegExp][] = [
    ['no messaging_product', { to: lucia, type: 'text', text: { body: 'x' } }, /messaging_product/],
    ['no recipient', { messaging_product: 'whatsapp', type: 'text', text: { body: 'x' } }, /\bto\b/],
    ['bad phone', { messaging_product: 'whatsapp', to: 'abc', text: { body: 'x' } }, /\bto\b/],
    ['unknown type', msg('carrier_pigeon', {}), /type/],
    ['text missing', msg('text', undefined), /text/],
    ['text body over 4096', msg('text', { body: long(4097) }), /text\['body'\].*4096/],
    ['preview_url not boolean', msg('text', { body: 'x', preview_url: 'yes' }), /preview_url/],
    ['media with id and link', msg('image', { id: '1', link: 'https://x/y.jpg' }), /image/],
    ['media link not http', msg('image', { link: 'ftp://x/y.jpg' }), /image\['link'\]/],
    ['unknown media id', msg('image', { id: '999' }), /image\['id'\]/],
    ['caption on audio', msg('audio', { link: 'https://x/a.ogg', caption: 'no' }), /audio\['caption'\]/],
    ['caption over 1024', msg('image', { link: 'https://x/a.jpg', caption: long(1025) }), /caption/],
    ['latitude missing', msg('location', { longitude: 1 }), /location\['latitude'\]/],
    ['contact without formatted_name', msg('contacts', [{ name: {} }]), /formatted_name/],
    ['reaction without message_id', msg('reaction', { emoji: '👍' }), /reaction\['message_id'\]/],
    [
      'four reply buttons',
      msg('interactive', {
        type: 'button',
        body: { text: 'x' },
        action: { buttons: [button('a', 'A'), button('b', 'B'), button('c', 'C'), button('d', 'D')] },
      }),
      /buttons/,
    ],
    [
      'button title over 20',
      msg('interactive', {
        type: 'button',
        body: { text: 'x' },
        action: { buttons: [button('a', long(21))] },
      }),
      /\['reply'\]\['title'\].*20/,
    ],
    [
      'duplicate button ids',
      msg('interactive', {
        type: 'button',
        body: { text: 'x' },
        action: { buttons: [button('a', 'A'), button('a', 'B')] },
      }),
      /unique/,
    ],
    [
      'header text over 60',
      msg('interactive', {
        type: 'button',
        header: { type: 'text', text: long(61) },
        body: { text: 'x' },
        action: { buttons: [button('a', 'A')] },
      }),
      /header.*60/,
    ],
    [
      'footer over 60',
      msg('interactive', {
        type: 'button',
        body: { text: 'x' },
        footer: { text: long(61) },
        action: { buttons: [button('a', 'A')] },
      }),
      /footer.*60/,
    ],
    [
      'interactive body missing',
      msg('interactive', { type: 'button', action: { buttons: [button('a', 'A')] } }),
      /interactive\['body'\]/,
    ],
    [
      'list with 11 rows in total',
      msg('interactive', {
        type: 'list',
        body: { text: 'x' },
        action: {
          button: 'Pick',
          sections: [
            { title: 'A', rows: Array.from({ length: 6 }, (_, i) => ({ id: `a${i}`, title: `A${i}` })) },
            { title: 'B', rows: Array.from({ length: 5 }, (_, i) => ({ id: `b${i}`, title: `B${i}` })) },
          ],
        },
      }),
      /10 rows/,
    ],
    [
      'list section title missing with two sections',
      msg('interactive', {
        type: 'list',
        body: { text: 'x' },
        action: {
          button: 'Pick',
          sections: [{ rows: [{ id: 'a', title: 'A' }] }, { rows: [{ id: 'b', title: 'B' }] }],
        },
      }),
      /sections'\]\[0\]\['title'\]/,
    ],
    [
      'list row title over 24',
      msg('interactive', {
        type: 'list',
        body: { text: 'x' },
        action: { button: 'Pick', sections: [{ rows: [{ id: 'a', title: long(25) }] }] },
      }),
      /rows'\]\[0\]\['title'\].*24/,
    ],
    [
      'list row description over 72',
      msg('interactive', {
        type: 'list',
        body: { text: 'x' },
        action: { button: 'Pick', sections: [{ rows: [{ id: 'a', title: 'A', description: long(73) }] }] },
      }),
      /description.*72/,
    ],
    [
      'list button over 20',
      msg('interactive', {
        type: 'list',
        body: { text: 'x' },
        action: { button: long(21), sections: [{ rows: [{ id: 'a', title: 'A' }] }] },
      }),
      /\['action'\]\['button'\]/,
    ],
    [
      'eleven sections',
      msg('interactive', {
        type: 'list',
        body: { text: 'x' },
        action: {
          button: 'Pick',
          sections: Array.from({ length: 11 }, (_, i) => ({
            title: `S${i}`,
            rows: [{ id: `r${i}`, title: 'R' }],
          })),
        },
      }),
      /sections/,
    ],
    [
      'cta_url display_text over 20',
      msg('interactive', {
        type: 'cta_url',
        body: { text: 'x' },
        action: { name: 'cta_url', parameters: { display_text: long(21), url: 'https://x' } },
      }),
      /display_text/,
    ],
    [
      'flow without id or name',
      msg('interactive', {
        type: 'flow',
        body: { text: 'x' },
        action: { name: 'flow', parameters: { flow_message_version: '3', flow_cta: 'Go' } },
      }),
      /flow_id/,
    ],
    ['context without message_id', msg('text', { body: 'x' }, { context: {} }), /context\['message_id'\]/],
    ['template without name', msg('template', { language: { code: 'es' } }), /template\['name'\]/],
    [
      'template without language code',
      msg('template', { name: 'po_notification', language: {} }),
      /language/,
    ],
  ]
  for (const [name, body, field] of cases) {
    test(name, async () => {
      const res = await send(body)
      assert.equal(res.status, 400, JSON.stringify(res.body))
      assert.equal(res.body.error?.code, 100)
      assert.equal(res.body.error?.type, 'OAuthException')
      assert.match(res.body.error?.error_data?.details ?? '', field)
      assert.equal(res.body.error?.error_data?.messaging_product, 'whatsapp')
      assert.ok(res.body.error?.fbtrace_id)
    })
  }
})

describe('mark as read and typing indicator', () => {
  test('an inbound message can be marked read, with a typing indicator', async () => {
    const { id } = emu.control.customerSends(
      lucia,
      { type: 'text', text: { body: 'hola' } },
      { phoneNumberId: pn },
    )
    const res = await send({ messaging_product: 'whatsapp', status: 'read', message_id: id })
    assert.deepEqual(res.body, { success: true })
    const typing = await send({
      messaging_product: 'whatsapp',
      status: 'read',
      message_id: id,
      typing_indicator: { type: 'text' },
    })
    assert.deepEqual(typing.body, { success: true })
    const state = emu.control.state() as { messages: { inbound: { id: string; read: boolean }[] } }
    assert.equal(state.messages.inbound.find((m) => m.id === id)?.read, true)
  })

  test('an unknown message_id or a bad typing indicator is 100', async () => {
    const unknown = await send({ messaging_product: 'whatsapp', status: 'read', message_id: 'wamid.nope' })
    assert.equal(unknown.body.error?.code, 100)
    const { id } = emu.control.customerSends(
      lucia,
      { type: 'text', text: { body: 'x' } },
      { phoneNumberId: pn },
    )
    const bad = await send({
      messaging_product: 'whatsapp',
      status: 'read',
      message_id: id,
      typing_indicator: { type: 'audio' },
    })
    assert.match(bad.body.error?.error_data?.details ?? '', /typing_indicator/)
  })
})
