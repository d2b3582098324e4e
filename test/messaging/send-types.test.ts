import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { testDbKind } from '../helpers/db.ts'
import { waitFor } from '../helpers/wait.ts'
import {
  customerWrites,
  getMessage,
  graphSends,
  ledgerEntry,
  lucia,
  minimalJpeg,
  type SendWorld,
  sendOk,
  sheena,
  startSendWorld,
  upload,
  waitStatus,
} from './helpers.ts'

// Every message type of SPEC §6, end to end: POST /api/v1/messages → outbox → worker → the
// emulator (Meta's validation) → status webhooks back → GET /api/v1/messages/:id. Each case
// checks the body Meta received and that the message was accepted (a wamid, then Meta's statuses).

type Obj = Record<string, unknown>

describe(`sending every message type through the emulator (${testDbKind})`, () => {
  let w: SendWorld
  let inboundWamid: string

  before(async () => {
    w = await startSendWorld()
    await customerWrites(w, lucia)
    await customerWrites(w, sheena)
    inboundWamid = (
      await w.h.db.db
        .selectFrom('messages')
        .select('wamid')
        .where('direction', '=', 'in')
        .where('tenant_id', '=', w.seed.acme.id)
        .orderBy('created_at')
        .executeTakeFirstOrThrow()
    ).wamid as string
  })
  after(async () => {
    await w.h.close()
  })

  /** Sends, waits until Meta accepted it, returns the body the emulator received. */
  async function delivered(body: Obj, status: string[] = ['sent', 'delivered', 'read']): Promise<Obj> {
    const sent = await sendOk(w, body)
    assert.equal(sent.status, 'queued')
    const d = await waitStatus(w, sent.id, status)
    assert.ok(d.wamid?.startsWith('wamid.'), `a wamid for ${sent.id}`)
    return ledgerEntry(w, d.wamid as string).body as Obj
  }

  test('a text with preview_url goes out in Meta’s form, the recipient normalised', async () => {
    const sent = await sendOk(w, {
      to: '+34 612-345-678',
      type: 'text',
      text: { body: 'Su pedido está listo https://x.example', preview_url: true },
    })
    assert.equal(sent.to, lucia)
    assert.equal(sent.from, w.pnid)
    const d = await waitStatus(w, sent.id, 'read')
    const body = ledgerEntry(w, d.wamid as string).body as Obj
    assert.equal(body.to, lucia)
    assert.equal(body.messaging_product, 'whatsapp')
    assert.deepEqual(body.text, { body: 'Su pedido está listo https://x.example', preview_url: true })
    // History: Wahub's steps, then Meta's statuses, in order.
    const statuses = d.history.map((h) => `${h.source}:${h.status}`)
    assert.deepEqual(statuses.slice(0, 2), ['wahub:queued', 'wahub:sent'])
    for (const s of ['meta:sent', 'meta:delivered', 'meta:read'])
      assert.ok(statuses.includes(s), `${s} in ${statuses}`)
    assert.ok(d.history.every((h, i) => i === 0 || h.at >= d.history[i - 1].at - 1000))
  })

  test('templates: positional body, image header by link, quick reply payload, currency and date_time, URL button, named parameters', async () => {
    const sale = await delivered({
      to: sheena,
      type: 'template',
      template: {
        name: 'summer_sale',
        language: { code: 'en_US' },
        components: [
          {
            type: 'header',
            parameters: [{ type: 'image', image: { link: 'https://cdn.example.com/sale.jpg' } }],
          },
          {
            type: 'body',
            parameters: [
              { type: 'text', text: 'Mark' },
              { type: 'text', text: '25%' },
            ],
          },
          {
            type: 'button',
            sub_type: 'quick_reply',
            index: 0,
            parameters: [{ type: 'payload', payload: 'STOP-42' }],
          },
        ],
      },
    })
    const template = sale.template as Obj
    assert.deepEqual(template.language, { code: 'en_US' })
    assert.equal(((template.components as Obj[])[2] as Obj).index, '0')

    const order = await delivered({
      to: sheena,
      type: 'template',
      template: {
        name: 'order_update',
        language: 'en_US',
        components: [
          {
            type: 'body',
            parameters: [
              { type: 'text', text: 'Mark' },
              { type: 'currency', currency: { fallback_value: '$100.99', code: 'USD', amount_1000: 100990 } },
              { type: 'date_time', date_time: { fallback_value: 'February 25, 1977' } },
            ],
          },
          { type: 'button', sub_type: 'url', index: '0', parameters: [{ type: 'text', text: '1042' }] },
        ],
      },
    })
    assert.equal((order.template as Obj).name, 'order_update')

    const named = await delivered({
      to: sheena,
      type: 'template',
      template: {
        name: 'appointment_reminder',
        language: 'en_US',
        components: [
          {
            type: 'body',
            parameters: [
              { type: 'text', parameter_name: 'date', text: 'May 1' },
              { type: 'text', parameter_name: 'customer_name', text: 'Sarah' },
            ],
          },
        ],
      },
    })
    assert.equal((named.template as Obj).name, 'appointment_reminder')

    // A template with no parameters, to a customer who never wrote (templates need no window).
    const hello = await delivered({
      to: '+44 7700 900456',
      type: 'template',
      template: { name: 'hello_world', language: 'en_US' },
    })
    assert.equal(hello.to, '447700900456')
  })

  test('media by link and by an id uploaded through POST /api/v1/media: image, audio, video, document, sticker', async () => {
    const image = await delivered({
      to: lucia,
      type: 'image',
      image: { link: 'https://cdn.example.com/pan.jpg', caption: 'Pan' },
    })
    assert.deepEqual(image.image, { link: 'https://cdn.example.com/pan.jpg', caption: 'Pan' })

    const up = await upload(w, { bytes: minimalJpeg, mime: 'image/jpeg', filename: 'pan.jpg' })
    assert.equal(up.status, 201, up.text)
    const media = up.body as { id: string; kind: string; size: number; from: string }
    assert.equal(media.kind, 'image')
    assert.equal(media.from, w.pnid)
    const byId = await delivered({ to: lucia, type: 'image', image: { id: media.id } })
    assert.deepEqual(byId.image, { id: media.id })
    const uploads = (
      w.h.emulator.control.ledger({ kind: 'graph' }) as { method: string; path: string }[]
    ).filter((e) => e.method === 'POST' && e.path.endsWith(`/${w.pnid}/media`))
    assert.equal(uploads.length, 1, 'the file went to Meta through the number')

    const voice = await upload(w, {
      bytes: new Uint8Array(2048).fill(7),
      mime: 'audio/ogg',
      filename: 'voice.ogg',
    })
    assert.equal(voice.status, 201, voice.text)
    const audio = await delivered({
      to: lucia,
      type: 'audio',
      audio: { id: (voice.body as { id: string }).id },
    })
    assert.ok((audio.audio as Obj).id)

    const video = await delivered({
      to: lucia,
      type: 'video',
      video: { link: 'https://cdn.example.com/v.mp4', caption: 'Horno' },
    })
    assert.equal((video.video as Obj).caption, 'Horno')

    const doc = await delivered({
      to: lucia,
      type: 'document',
      document: { link: 'https://cdn.example.com/factura.pdf', filename: 'factura.pdf', caption: 'Factura' },
    })
    assert.equal((doc.document as Obj).filename, 'factura.pdf')

    const webp = await upload(w, {
      bytes: new Uint8Array(1024).fill(1),
      mime: 'image/webp',
      filename: 's.webp',
    })
    assert.equal(webp.status, 201, webp.text)
    assert.equal((webp.body as { kind: string }).kind, 'sticker')
    const sticker = await delivered({
      to: lucia,
      type: 'sticker',
      sticker: { id: (webp.body as { id: string }).id },
    })
    assert.ok((sticker.sticker as Obj).id)
  })

  test('location and contacts', async () => {
    const location = await delivered({
      to: lucia,
      type: 'location',
      location: {
        latitude: 40.4168,
        longitude: -3.7038,
        name: 'Panadería Sol',
        address: 'Puerta del Sol, Madrid',
      },
    })
    assert.equal((location.location as Obj).name, 'Panadería Sol')
    const contacts = await delivered({
      to: lucia,
      type: 'contacts',
      contacts: [
        {
          name: { formatted_name: 'Juan García', first_name: 'Juan' },
          phones: [{ phone: '+34 600 100 002', type: 'WORK', wa_id: '34600100002' }],
          emails: [{ email: 'juan@example.com', type: 'WORK' }],
        },
      ],
    })
    assert.equal(((contacts.contacts as Obj[])[0].name as Obj).formatted_name, 'Juan García')
  })

  test('interactive reply buttons (with an image header), list and cta_url', async () => {
    const buttons = await delivered({
      to: lucia,
      type: 'interactive',
      interactive: {
        type: 'button',
        header: { type: 'image', image: { link: 'https://cdn.example.com/h.jpg' } },
        body: { text: '¿Confirmas el pedido?' },
        footer: { text: 'Panadería Sol' },
        action: {
          buttons: [
            { type: 'reply', reply: { id: 'yes', title: 'Sí' } },
            { type: 'reply', reply: { id: 'no', title: 'No' } },
          ],
        },
      },
    })
    assert.equal((buttons.interactive as Obj).type, 'button')
    const list = await delivered({
      to: lucia,
      type: 'interactive',
      interactive: {
        type: 'list',
        header: { type: 'text', text: 'Entrega' },
        body: { text: 'Elige el envío' },
        action: {
          button: 'Opciones',
          sections: [
            { title: 'Rápido', rows: [{ id: 'express', title: 'Express', description: 'Mañana' }] },
            { title: 'Normal', rows: [{ id: 'std', title: 'Estándar' }] },
          ],
        },
      },
    })
    assert.equal((list.interactive as Obj).type, 'list')
    const cta = await delivered({
      to: lucia,
      type: 'interactive',
      interactive: {
        type: 'cta_url',
        body: { text: 'Sigue tu pedido' },
        action: {
          name: 'cta_url',
          parameters: { display_text: 'Seguir', url: 'https://shop.example.com/t/1' },
        },
      },
    })
    assert.equal((cta.interactive as Obj).type, 'cta_url')
  })

  test('a reply (context by wamid or by Wahub id) and a reaction and its removal', async () => {
    const reply = await delivered({
      to: lucia,
      type: 'text',
      text: { body: 'Claro que sí' },
      context: { message_id: inboundWamid },
    })
    assert.deepEqual(reply.context, { message_id: inboundWamid })
    const inbound = await w.h.db.db
      .selectFrom('messages')
      .select('id')
      .where('wamid', '=', inboundWamid)
      .executeTakeFirstOrThrow()
    const byId = await delivered({
      to: lucia,
      type: 'text',
      text: { body: 'Y otra cosa' },
      context: { message_id: inbound.id },
    })
    assert.deepEqual(byId.context, { message_id: inboundWamid }, 'a Wahub id is sent as the wamid Meta knows')

    // Meta sends only a `sent` status for reactions.
    const like = await delivered(
      { to: lucia, type: 'reaction', reaction: { message_id: inboundWamid, emoji: '👍' } },
      ['sent'],
    )
    assert.deepEqual(like.reaction, { message_id: inboundWamid, emoji: '👍' })
    const thread = await getMessage(w, inbound.id)
    assert.ok(thread, 'the reacted message is readable')
    await waitFor('the outbound reaction shown on the inbound message', async () => {
      const m = (await w.h.api('GET', `/api/v1/messages/${inbound.id}`, { key: w.key })).body as {
        reactions: { emoji: string; direction: string }[]
      }
      return m.reactions.some((r) => r.emoji === '👍' && r.direction === 'out')
    })
    const removal = await delivered(
      { to: lucia, type: 'reaction', reaction: { message_id: inboundWamid, emoji: '' } },
      ['sent'],
    )
    assert.equal((removal.reaction as Obj).emoji, '')
  })

  test('a business-scoped user id (username user) is sent as `recipient`', async () => {
    const marta = 'US.13491208655302741918'
    w.h.emulator.control.customerSends(
      marta,
      { type: 'text', text: { body: 'hola' } },
      { phoneNumberId: w.pnid },
    )
    await waitFor('Marta in the inbox', () =>
      w.h.db.db.selectFrom('contacts').select('id').where('user_id', '=', marta).executeTakeFirst(),
    )
    const body = await delivered({ to: marta, type: 'text', text: { body: 'Hola Marta' } })
    assert.equal(body.recipient, marta)
    assert.equal(body.to, undefined)
  })

  test('mark as read, with a typing indicator', async () => {
    const res = await w.h.api('POST', `/api/v1/messages/${encodeURIComponent(inboundWamid)}/read`, {
      key: w.key,
      body: { typing: true },
    })
    assert.equal(res.status, 200, res.text)
    assert.deepEqual(res.body, { success: true, wamid: inboundWamid, typing: true })
    const call = (w.h.emulator.control.ledger({ kind: 'graph' }) as { body: Obj; status: number }[]).find(
      (e) => e.body?.status === 'read' && e.body?.message_id === inboundWamid,
    )
    assert.ok(call, 'Meta was asked to mark it read')
    assert.equal(call.status, 200)
    assert.deepEqual(call.body.typing_indicator, { type: 'text' })
    // An outbound message cannot be marked read.
    const out = await sendOk(w, { to: lucia, type: 'text', text: { body: 'x' } })
    const mine = await waitStatus(w, out.id, ['sent', 'delivered', 'read'])
    const refused = await w.h.api('POST', `/api/v1/messages/${mine.wamid}/read`, { key: w.key })
    assert.equal(refused.status, 400, refused.text)
  })

  test('every message above was accepted by Meta once: no duplicates, no errors', () => {
    const sends = graphSends(w)
    const errors = sends.filter((e) => e.status !== 200)
    assert.deepEqual(
      errors.map((e) => [e.errorCode, e.body]),
      [],
    )
    const wamids = sends.map((e) => e.wamid)
    assert.equal(new Set(wamids).size, wamids.length)
  })
})
