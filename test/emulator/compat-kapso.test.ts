import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { GraphApiError, WhatsAppClient } from '@kapso/whatsapp-cloud-api'
import { verifySignature } from '@kapso/whatsapp-cloud-api/server'
import type { Emulator } from '../../src/emulator/index.ts'
import { type Receiver, startReceiver, startTestEmulator, waitFor } from './helpers.ts'

// SPEC §9: an independent, widely used Cloud API SDK works against the emulator unchanged,
// pointed at it by base URL only. @kapso/whatsapp-cloud-api (npm, ~15k downloads/month) takes
// `baseUrl` and `graphVersion` and ships its own webhook signature verifier.

let emu: Emulator
let receiver: Receiver
let client: WhatsAppClient
let pn: string
let waba: string
const to = '+34612345678'

before(async () => {
  receiver = await startReceiver('emulator-app-secret')
  emu = await startTestEmulator({ webhookUrl: receiver.url, pairRateLimit: false })
  client = new WhatsAppClient({ accessToken: emu.seed.accessToken, baseUrl: emu.url, graphVersion: 'v23.0' })
  pn = emu.seed.phoneNumberIds[0]
  waba = emu.seed.wabaId
})
after(async () => {
  await emu.close()
  await receiver.close()
})

const wamid = (res: { messages: { id: string }[] }) => res.messages[0].id

test('the SDK sends text, template, media and interactive messages', async () => {
  const textRes = await client.messages.sendText({
    phoneNumberId: pn,
    to,
    body: 'Hola desde Kapso',
    previewUrl: false,
  })
  assert.match(wamid(textRes), /^wamid\./)
  assert.equal(textRes.contacts[0].waId, '34612345678')

  const tpl = await client.messages.sendTemplate({
    phoneNumberId: pn,
    to,
    template: {
      name: 'po_notification',
      language: { code: 'es' },
      components: [
        {
          type: 'body',
          parameters: [
            { type: 'text', text: 'Panadería Sol' },
            { type: 'text', text: 'PO-1042' },
            { type: 'text', text: '245,00 €' },
          ],
        },
      ],
    },
  })
  assert.match(wamid(tpl), /^wamid\./)

  const upload = await client.media.upload({
    phoneNumberId: pn,
    type: 'image/png',
    file: new Blob([Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3])], { type: 'image/png' }),
    fileName: 'logo.png',
  })
  assert.match(upload.id, /^\d+$/)
  const image = await client.messages.sendImage({
    phoneNumberId: pn,
    to,
    image: { id: upload.id, caption: 'Logo' },
  })
  assert.match(wamid(image), /^wamid\./)
  const meta = await client.media.get({ mediaId: upload.id })
  assert.equal(meta.mimeType, 'image/png')
  const bytes = Buffer.from(
    (await client.media.download({ mediaId: upload.id, auth: 'always' })) as ArrayBuffer,
  )
  assert.equal(bytes[0], 0x89)
  await client.media.delete({ mediaId: upload.id })

  const doc = await client.messages.sendDocument({
    phoneNumberId: pn,
    to,
    document: { link: 'https://example.com/invoice.pdf', filename: 'invoice.pdf', caption: 'Factura' },
  })
  assert.match(wamid(doc), /^wamid\./)

  const buttons = await client.messages.sendInteractiveButtons({
    phoneNumberId: pn,
    to,
    bodyText: '¿Confirmas el pedido?',
    footerText: 'Panadería Sol',
    buttons: [
      { id: 'yes', title: 'Sí' },
      { id: 'no', title: 'No' },
    ],
  })
  assert.match(wamid(buttons), /^wamid\./)

  const list = await client.messages.sendInteractiveList({
    phoneNumberId: pn,
    to,
    bodyText: 'Elige la entrega',
    buttonText: 'Opciones',
    sections: [{ title: 'Entrega', rows: [{ id: 'express', title: 'Exprés', description: 'Mañana' }] }],
  })
  assert.match(wamid(list), /^wamid\./)

  const loc = await client.messages.sendLocation({
    phoneNumberId: pn,
    to,
    location: { latitude: 40.4168, longitude: -3.7038, name: 'Madrid', address: 'Sol' },
  })
  assert.match(wamid(loc), /^wamid\./)
})

test('the SDK marks an inbound message read with a typing indicator', async () => {
  const { id } = emu.control.customerSends(
    '34612345678',
    { type: 'text', text: { body: 'hola' } },
    { phoneNumberId: pn },
  )
  const res = await client.messages.markRead({
    phoneNumberId: pn,
    messageId: id,
    typingIndicator: { type: 'text' },
  })
  assert.deepEqual(res, { success: true })
})

test('the SDK surfaces Meta errors as GraphApiError with the code', async () => {
  await assert.rejects(
    client.messages.sendTemplate({
      phoneNumberId: pn,
      to,
      template: { name: 'no_such_template', language: { code: 'es' } },
    }),
    (err: unknown) => err instanceof GraphApiError && err.code === 132001 && err.httpStatus === 404,
  )
})

test('the SDK manages templates: list, create (approved later), delete', async () => {
  const listed = await client.templates.list({ businessAccountId: waba, limit: 100 })
  assert.ok(listed.data.some((t: { name: string }) => t.name === 'low_stock_alert'))
  const created = await client.templates.create({
    businessAccountId: waba,
    name: 'pedido_listo',
    language: 'es',
    category: 'UTILITY',
    components: [{ type: 'BODY', text: 'Tu pedido {{1}} está listo', example: { body_text: [['#7']] } }],
  })
  assert.equal(created.status, 'PENDING')
  await waitFor(async () => {
    const found = await client.templates.list({ businessAccountId: waba, name: 'pedido_listo' })
    return found.data[0]?.status === 'APPROVED'
  }, 'approval')
  const one = await client.templates.get({ businessAccountId: waba, templateId: created.id })
  assert.equal(one.name, 'pedido_listo')
  const deleted = await client.templates.delete({ businessAccountId: waba, name: 'pedido_listo' })
  assert.equal(deleted.success, true)
})

test("the SDK's webhook verifier accepts the emulator's signed webhooks", async () => {
  emu.control.customerSends(
    '34612345678',
    { type: 'text', text: { body: 'Gracias, ¡perfecto! 🥐' } },
    { phoneNumberId: pn },
  )
  await waitFor(() => receiver.received.length >= 3, 'several deliveries')
  for (const w of receiver.received) {
    assert.equal(
      verifySignature({
        appSecret: 'emulator-app-secret',
        rawBody: w.raw,
        signatureHeader: String(w.headers['x-hub-signature-256']),
      }),
      true,
    )
  }
  const tampered = Buffer.from(receiver.received[0].raw.toString().replace('whatsapp', 'whatsapq'))
  assert.equal(
    verifySignature({
      appSecret: 'emulator-app-secret',
      rawBody: tampered,
      signatureHeader: String(receiver.received[0].headers['x-hub-signature-256']),
    }),
    false,
  )
})
