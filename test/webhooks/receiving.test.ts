import assert from 'node:assert/strict'
import { createHmac } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { after, before, describe, test } from 'node:test'
import { replayEvents } from '../../src/webhooks/events-repo.ts'
import { testDbKind } from '../helpers/db.ts'
import { type ReceivingSetup, startReceiving } from '../helpers/receiving.ts'
import { waitFor } from '../helpers/wait.ts'

type Obj = Record<string, unknown>

describe(`receiving through the emulator (${testDbKind})`, () => {
  let h: ReceivingSetup
  let customer: string
  before(async () => {
    h = await startReceiving()
    customer =
      h.emulator.seed.customers.find((c) => c.wa_id.startsWith('34'))?.wa_id ??
      h.emulator.seed.customers[0].wa_id
  })
  after(async () => {
    await h.close()
  })

  const sends = (message: Obj, who = customer, phoneNumberId = h.emulator.seed.phoneNumberIds[0]) =>
    h.emulator.control.customerSends(who, message, { phoneNumberId }).id
  const loggedLine = (pattern: RegExp) =>
    waitFor(`a log line matching ${pattern}`, () => pattern.test(h.logs()) || undefined)
  const message = (wamid: string) =>
    waitFor(`message ${wamid} to be stored`, () =>
      h.db.db.selectFrom('messages').selectAll().where('wamid', '=', wamid).executeTakeFirst(),
    )

  test('a text from a customer lands in the tenant inbox with its contact, conversation and open window', async () => {
    const wamid = sends({ type: 'text', text: { body: '¿Tienen pan de centeno?' } })
    const row = await message(wamid)
    assert.equal(row.tenant_id, h.tenantId)
    assert.equal(row.direction, 'in')
    assert.equal(row.type, 'text')
    assert.equal((JSON.parse(row.content) as { text: { body: string } }).text.body, '¿Tienen pan de centeno?')
    const contact = await h.db.db
      .selectFrom('contacts')
      .selectAll()
      .where('id', '=', row.contact_id)
      .executeTakeFirstOrThrow()
    assert.equal(contact.wa_id, customer)
    assert.ok(contact.profile_name, 'the profile name from contacts[] is kept')
    const conversation = await h.db.db
      .selectFrom('conversations')
      .selectAll()
      .where('id', '=', row.conversation_id)
      .executeTakeFirstOrThrow()
    assert.ok(
      conversation.last_inbound_at && Date.now() - conversation.last_inbound_at < 120_000,
      'the window is open',
    )
    assert.ok(conversation.unread_count >= 1)
    // The webhook thread's lines reach the main logger just after its commit (decision 0078).
    await loggedLine(new RegExp(`"messageId":"${row.id}".*"msg":"inbound message"`))
  })

  const everyType: [string, Obj][] = [
    ['image', { type: 'image', image: { caption: 'Mi pedido' } }],
    ['audio', { type: 'audio', audio: { voice: true } }],
    ['video', { type: 'video', video: { caption: 'vid' } }],
    ['document', { type: 'document', document: { filename: 'factura.pdf' } }],
    ['sticker', { type: 'sticker', sticker: {} }],
    ['location', { type: 'location', location: { latitude: 40.4168, longitude: -3.7038, name: 'Sol' } }],
    [
      'contacts',
      {
        type: 'contacts',
        contacts: [{ name: { formatted_name: 'Lucía Gómez' }, phones: [{ phone: '+34600000001' }] }],
      },
    ],
    [
      'interactive',
      {
        type: 'interactive',
        interactive: { type: 'button_reply', button_reply: { id: 'yes', title: 'Sí' } },
      },
    ],
    [
      'interactive',
      {
        type: 'interactive',
        interactive: { type: 'list_reply', list_reply: { id: 'r1', title: 'Express' } },
      },
    ],
    [
      'interactive',
      {
        type: 'interactive',
        interactive: {
          type: 'nfm_reply',
          nfm_reply: { name: 'flow', body: 'Sent', response_json: '{"a":1}' },
        },
      },
    ],
    ['button', { type: 'button', button: { payload: 'STOP', text: 'Stop promotions' } }],
    [
      'order',
      {
        type: 'order',
        order: {
          catalog_id: '1',
          product_items: [{ product_retailer_id: 'x', quantity: 2, item_price: 3, currency: 'EUR' }],
        },
      },
    ],
    ['unsupported', { type: 'unsupported', unsupported: { type: 'poll' } }],
    ['brand_new_type', { type: 'brand_new_type', brand_new_type: { something: true } }],
    [
      'text',
      {
        type: 'text',
        text: { body: 'from an ad' },
        referral: {
          source_type: 'ad',
          source_id: '1',
          source_url: 'https://fb.me/x',
          headline: 'Pan',
          body: 'Oferta',
        },
      },
    ],
  ]
  for (const [type, payload] of everyType) {
    const sub = (payload.interactive as Obj | undefined)?.type
    test(`an inbound ${type}${sub ? ` (${sub})` : ''} message is stored with its content`, async () => {
      const wamid = sends(payload)
      const row = await message(wamid)
      assert.equal(row.type, type)
      const content = JSON.parse(row.content) as Obj
      assert.ok(content[type] !== undefined, `the ${type} object is kept in the content`)
      assert.equal(content.id, wamid)
      if (payload.referral) assert.equal((content.referral as Obj).source_id, '1', 'referral data is kept')
      if (type === 'unsupported')
        assert.equal(row.error_code, 131051, 'the unsupported type keeps its error code')
    })
  }

  test('an inbound image is visible at once and its media is downloaded, checked and stored', async () => {
    const wamid = sends({ type: 'image', image: { caption: 'croissant' } })
    const row = await message(wamid)
    const media = await waitFor('the media to be ready', () =>
      h.db.db
        .selectFrom('media')
        .selectAll()
        .where('message_id', '=', row.id)
        .where('state', '=', 'ready')
        .executeTakeFirst(),
    )
    const file = path.join(h.db.dataDir, media.storage_path ?? '')
    assert.ok(fs.existsSync(file), `the media file ${file} exists`)
    assert.equal(fs.statSync(file).size, media.size_bytes)
    // Issue 12: a customer's file is readable by Wahub's user only.
    assert.equal(fs.statSync(file).mode & 0o777, 0o600, 'the media file is 0600')
    assert.equal(fs.statSync(path.dirname(file)).mode & 0o777, 0o700, 'its directory is 0700')
  })

  test('a media download that fails is retried and then succeeds', async () => {
    h.emulator.control.setFaults({ graph: { errorRate: 1 } })
    const wamid = sends({ type: 'document', document: { filename: 'albaran.pdf' } })
    const row = await message(wamid)
    const failing = await waitFor('a failed download attempt', () =>
      h.db.db
        .selectFrom('media')
        .selectAll()
        .where('message_id', '=', row.id)
        .where('attempts', '>=', 1)
        .executeTakeFirst(),
    )
    assert.equal(failing.state, 'pending', 'after a failed attempt the media waits for a retry')
    assert.ok(failing.error, 'the failure reason is recorded')
    h.emulator.control.clearFaults()
    const ready = await waitFor(
      'the retried download to succeed',
      () =>
        h.db.db
          .selectFrom('media')
          .selectAll()
          .where('id', '=', failing.id)
          .where('state', '=', 'ready')
          .executeTakeFirst(),
      { timeoutMs: 20_000 },
    )
    assert.ok(ready.attempts >= 2)
  })

  test('a reply keeps its context, and a reaction attaches to its target and can be removed', async () => {
    const first = sends({ type: 'text', text: { body: 'first' } })
    const target = await message(first)
    const reply = sends({ type: 'text', text: { body: 'reply' }, context: { id: first } })
    assert.equal((await message(reply)).context_wamid, first)
    sends({ type: 'reaction', reaction: { message_id: first, emoji: '👍' } })
    const reaction = await waitFor('the reaction', () =>
      h.db.db
        .selectFrom('reactions')
        .selectAll()
        .where('message_id', '=', target.id)
        .where('emoji', '=', '👍')
        .executeTakeFirst(),
    )
    assert.equal(reaction.direction, 'in')
    sends({ type: 'reaction', reaction: { message_id: first } }) // Meta omits emoji on removal
    await waitFor('the reaction to be removed', async () => {
      const row = await h.db.db
        .selectFrom('reactions')
        .selectAll()
        .where('id', '=', reaction.id)
        .executeTakeFirst()
      return row?.emoji === ''
    })
    const asMessage = await h.db.db
      .selectFrom('messages')
      .select('id')
      .where('type', '=', 'reaction')
      .execute()
    assert.equal(asMessage.length, 0, 'a reaction is not a message of its own')
  })

  test('a customer without a phone number (username user) is kept by business-scoped user id', async () => {
    const username = h.emulator.seed.customers.find((c) => c.user_id && !c.wa_id)
    assert.ok(username, 'the emulator seeds a username-only customer')
    const wamid = sends({ type: 'text', text: { body: 'hi from a username' } }, username.user_id)
    const row = await message(wamid)
    const contact = await h.db.db
      .selectFrom('contacts')
      .selectAll()
      .where('id', '=', row.contact_id)
      .executeTakeFirstOrThrow()
    assert.equal(contact.wa_id, null)
    assert.equal(contact.user_id, username.user_id)
  })

  test('a batch of messages in quick succession is stored completely, each once', async () => {
    const wamids = Array.from({ length: 20 }, (_, i) => sends({ type: 'text', text: { body: `batch ${i}` } }))
    await waitFor('all 20 messages', async () => {
      const rows = await h.db.db.selectFrom('messages').select('wamid').where('wamid', 'in', wamids).execute()
      return rows.length === 20
    })
    // The ledger records a delivery once Wahub's answer is read: wait for all 20 to be there.
    type Delivery = {
      statusCode?: number
      payload?: { entry?: { changes?: { value?: { messages?: { id: string }[] } }[] }[] }
    }
    const perDelivery = await waitFor('the ledger to show the 20 deliveries answered', () => {
      const counts = (h.emulator.control.ledger({ kind: 'webhook' }) as Delivery[])
        .filter((e) => e.statusCode === 200)
        .map(
          (e) =>
            (e.payload?.entry ?? [])
              .flatMap((en) => en.changes ?? [])
              .flatMap((c) => c.value?.messages ?? [])
              .filter((m) => wamids.includes(m.id)).length,
        )
        .filter((n) => n > 0)
      return counts.reduce((a, b) => a + b, 0) >= 20 ? counts : undefined
    })
    assert.ok(
      perDelivery.some((n) => n > 1),
      `several messages should share one delivery (saw ${perDelivery.join(',')})`,
    )
  })

  test('duplicate and re-delivered webhooks change nothing', async () => {
    h.emulator.control.setFaults({ webhooks: { duplicateRate: 1 } })
    try {
      const wamid = sends({ type: 'text', text: { body: 'say it twice' } })
      await message(wamid)
      await waitFor('both deliveries to be processed', async () => {
        const pending = await h.db.db
          .selectFrom('webhook_events')
          .select('id')
          .where('outcome', '=', 'pending')
          .execute()
        return pending.length === 0 && h.emulator.control.pendingWebhooks() === 0
      })
      const rows = await h.db.db.selectFrom('messages').select('id').where('wamid', '=', wamid).execute()
      assert.equal(rows.length, 1, 'the duplicate delivery created a second message')
      const conv = await h.db.db
        .selectFrom('messages')
        .select('conversation_id')
        .where('wamid', '=', wamid)
        .executeTakeFirstOrThrow()
      const replayed = await replayEvents(h.db.db, {
        ids: (
          await h.db.db.selectFrom('webhook_events').select('id').orderBy('id', 'desc').limit(5).execute()
        ).map((r) => r.id),
      })
      assert.ok(replayed.length > 0)
      const unreadBefore = (
        await h.db.db
          .selectFrom('conversations')
          .select('unread_count')
          .where('id', '=', conv.conversation_id)
          .executeTakeFirstOrThrow()
      ).unread_count
      h.wahub.runner.nudge()
      await waitFor('the replays to finish', async () => {
        const pending = await h.db.db
          .selectFrom('webhook_events')
          .select('id')
          .where('outcome', '=', 'pending')
          .execute()
        return pending.length === 0
      })
      const unreadAfter = (
        await h.db.db
          .selectFrom('conversations')
          .select('unread_count')
          .where('id', '=', conv.conversation_id)
          .executeTakeFirstOrThrow()
      ).unread_count
      assert.equal(unreadAfter, unreadBefore, 'replaying processed events must not count messages again')
    } finally {
      h.emulator.control.clearFaults()
    }
  })

  test('a message for an unknown phone_number_id is parked as unrouted, logged, and processed once the number is added', async () => {
    const other = h.emulator.seed.phoneNumberIds[1]
    const wamid = sends({ type: 'text', text: { body: 'to the other number' } }, customer, other)
    const event = await waitFor('the unrouted event', () =>
      h.db.db
        .selectFrom('webhook_events')
        .selectAll()
        .where('outcome', '=', 'unrouted')
        .where('phone_number_ids', 'like', `%${other}%`)
        .executeTakeFirst(),
    )
    assert.match(event.outcome_reason ?? '', new RegExp(`unknown phone_number_id ${other}`))
    await loggedLine(
      new RegExp(
        `"unknownPhoneNumberIds":\\["${other}"\\].*"knownPhoneNumberIds":\\[.*"${h.emulator.seed.phoneNumberIds[0]}".*"msg":"webhook unrouted"`,
      ),
    )
    assert.equal(
      (await h.db.db.selectFrom('messages').select('id').where('wamid', '=', wamid).execute()).length,
      0,
    )
    await h.addNumber(other)
    await replayEvents(h.db.db, { unrouted: true })
    h.wahub.runner.nudge()
    const row = await message(wamid)
    assert.equal(row.tenant_id, h.tenantId)
  })

  test('statuses only move forward, keep their history, and a failure records the explanation', async () => {
    const secret = h.emulator.seed.appSecret
    const pnid = h.emulator.seed.phoneNumberIds[0]
    const wamid = `wamid.out-${Date.now()}`
    const now = Date.now()
    const inbound = await h.db.db
      .selectFrom('messages')
      .selectAll()
      .where('direction', '=', 'in')
      .limit(1)
      .executeTakeFirstOrThrow()
    await h.db.db
      .insertInto('messages')
      .values({
        ...inbound,
        id: `msg_out_${now}`,
        direction: 'out',
        type: 'text',
        content: '{"type":"text","text":{"body":"hola"}}',
        wamid,
        status: 'sent',
        status_at: now,
        source: 'api',
      })
      .execute()
    const post = async (statuses: Obj[]) => {
      const body = JSON.stringify({
        object: 'whatsapp_business_account',
        entry: [
          {
            id: h.emulator.seed.wabaId,
            changes: [
              {
                field: 'messages',
                value: {
                  messaging_product: 'whatsapp',
                  metadata: { display_phone_number: '1', phone_number_id: pnid },
                  statuses,
                },
              },
            ],
          },
        ],
      })
      const res = await fetch(`${h.wahub.url}/webhooks/whatsapp`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-hub-signature-256': `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`,
        },
        body,
      })
      assert.equal(res.status, 200)
    }
    const t = Math.floor(now / 1000)
    await post([
      { id: wamid, status: 'read', timestamp: String(t + 2), recipient_id: customer },
      {
        id: wamid,
        status: 'delivered',
        timestamp: String(t + 1),
        recipient_id: customer,
        pricing: {
          billable: false,
          pricing_model: 'PMP',
          type: 'free_customer_service',
          category: 'service',
        },
      },
    ])
    const history = await waitFor('both statuses in the history', async () => {
      const rows = await h.db.db
        .selectFrom('message_status_events')
        .selectAll()
        .where('wamid', '=', wamid)
        .execute()
      return rows.length === 2 ? rows : undefined
    })
    assert.deepEqual(history.map((r) => r.status).sort(), ['delivered', 'read'])
    const row = await h.db.db
      .selectFrom('messages')
      .selectAll()
      .where('wamid', '=', wamid)
      .executeTakeFirstOrThrow()
    assert.equal(row.status, 'read', 'a late delivered must not move a read message back')
    assert.equal(row.pricing_model, 'PMP')
    assert.equal(row.pricing_category, 'service')

    const failedWamid = `wamid.fail-${now}`
    await h.db.db
      .insertInto('messages')
      .values({ ...row, id: `msg_fail_${now}`, wamid: failedWamid, status: 'sent' })
      .execute()
    await post([
      {
        id: failedWamid,
        status: 'failed',
        timestamp: String(t + 3),
        recipient_id: customer,
        errors: [
          {
            code: 131047,
            title: 'Re-engagement message',
            message: 'Re-engagement message',
            error_data: { details: 'More than 24 hours' },
          },
        ],
      },
    ])
    const failed = await waitFor('the failed status', () =>
      h.db.db
        .selectFrom('messages')
        .selectAll()
        .where('wamid', '=', failedWamid)
        .where('status', '=', 'failed')
        .executeTakeFirst(),
    )
    assert.equal(failed.error_code, 131047)
    assert.equal(failed.error_title, 'Re-engagement message')
    assert.equal(failed.error_details, 'More than 24 hours')
    assert.match(failed.error_explanation ?? '', /24 hours/i, 'our explanation says it is the 24-hour window')
    await loggedLine(/"code":131047.*"msg":"send failed"/)

    const strange = `wamid.never-sent-${now}`
    await post([{ id: strange, status: 'delivered', timestamp: String(t), recipient_id: customer }])
    const kept = await waitFor('the status of an unknown wamid', () =>
      h.db.db.selectFrom('message_status_events').selectAll().where('wamid', '=', strange).executeTakeFirst(),
    )
    assert.equal(kept.message_id, null, 'statuses of wamids Wahub did not send are kept')
  })

  test('template status and number quality webhooks update their records and are listed as events', async () => {
    await h.db.db
      .insertInto('templates')
      .values({
        id: 'tpl_po',
        waba_id: h.wabaRowId,
        name: 'po_notification',
        language: 'es',
        status: 'APPROVED',
        components: '[]',
        updated_at: Date.now(),
      })
      .execute()
    h.emulator.control.setTemplateStatus({ name: 'po_notification', language: 'es', status: 'PAUSED' })
    await waitFor('the template to be paused', async () => {
      const row = await h.db.db
        .selectFrom('templates')
        .select('status')
        .where('id', '=', 'tpl_po')
        .executeTakeFirst()
      return row?.status === 'PAUSED'
    })
    h.emulator.control.setThroughput(h.emulator.seed.phoneNumberIds[0], 1000, 'HIGH')
    await waitFor('the number to show high throughput', async () => {
      const row = await h.db.db
        .selectFrom('phone_numbers')
        .select('throughput_level')
        .where('id', '=', h.numberRowId)
        .executeTakeFirst()
      return row?.throughput_level === 'HIGH'
    })
    const kinds = (await h.db.db.selectFrom('events').select('kind').execute()).map((e) => e.kind)
    assert.ok(kinds.includes('template.status'), 'template status change listed as an event')
    assert.ok(kinds.includes('number.quality'), 'number quality change listed as an event')
  })
})
