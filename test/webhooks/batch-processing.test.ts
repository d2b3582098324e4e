import assert from 'node:assert/strict'
import { randomBytes, randomUUID } from 'node:crypto'
import { after, before, describe, test } from 'node:test'
import { createVault } from '../../src/channels/vault.ts'
import { createLogger } from '../../src/log.ts'
import { insertEventBatch } from '../../src/webhooks/intake-batcher.ts'
import { createWebhookProcessJob } from '../../src/webhooks/process-job.ts'
import { seedChannel } from '../helpers/channel-fixture.ts'
import { createTestDb, type TestDb, testDbKind } from '../helpers/db.ts'

// The webhook job places the inbound messages of one transaction together (decision 0112):
// contacts and conversations read at once, search docs, conversation activity, reaction links
// and events written together. A batch must leave the inbox exactly as processing its events
// one after the other does: order, duplicates, reopening, opt-outs, reactions before their target.

type Obj = Record<string, unknown>
const pnid = '100000000000009'

describe(`several inbound messages processed in one transaction (${testDbKind})`, () => {
  let h: TestDb
  let channel: Awaited<ReturnType<typeof seedChannel>>
  before(async () => {
    h = await createTestDb()
    channel = await seedChannel(h.db, createVault(randomBytes(32)), {
      appId: '300000000000009',
      appSecret: 'secret',
      verifyToken: 'verify',
      wabaId: '200000000000009',
      accessToken: 'EAAtest',
      graphUrl: 'http://127.0.0.1:9',
      phoneNumberIds: [pnid],
      displayNumbers: ['15550000009'],
    })
  })
  after(async () => {
    await h.drop()
  })

  const body = (waId: string, name: string, message: Obj) =>
    JSON.stringify({
      object: 'whatsapp_business_account',
      entry: [
        {
          id: '200000000000009',
          changes: [
            {
              field: 'messages',
              value: {
                messaging_product: 'whatsapp',
                metadata: { display_phone_number: '15550000009', phone_number_id: pnid },
                contacts: [{ profile: { name }, wa_id: waId }],
                messages: [{ from: waId, ...message }],
              },
            },
          ],
        },
      ],
    })

  test('a batch leaves contacts, conversations, reactions, search docs, opt-outs and events as one-by-one processing does', async () => {
    const now = Date.now()
    const ana = '34611111111'
    const bea = '34622222222'
    // Ana is a known customer whose conversation was resolved; Bea writes for the first time.
    await h.db
      .insertInto('contacts')
      .values({
        id: 'ct_ana',
        tenant_id: channel.tenantId,
        wa_id: ana,
        profile_name: 'Ana',
        created_at: now,
        updated_at: now,
      })
      .execute()
    await h.db
      .insertInto('conversations')
      .values({
        id: 'cv_ana',
        tenant_id: channel.tenantId,
        phone_number_id: channel.numberRowId,
        contact_id: 'ct_ana',
        status: 'resolved',
        unread_count: 0,
        last_inbound_at: now - 3 * 86_400_000,
        last_message_at: now - 3 * 86_400_000,
        last_message_preview: 'old',
        created_at: now,
        updated_at: now,
      })
      .execute()
    const t = Math.floor(now / 1000) - 60
    const text = (id: string, at: number, words: string) => ({
      id,
      timestamp: String(at),
      type: 'text',
      text: { body: words },
    })
    const bodies = [
      // Bea's reaction arrives before the message it reacts to.
      body(bea, 'Bea', {
        id: 'wamid.r1',
        timestamp: String(t),
        type: 'reaction',
        reaction: { message_id: 'wamid.b1', emoji: '👍' },
      }),
      body(ana, 'Ana', text('wamid.a1', t + 1, 'hola, ¿tenéis centeno?')),
      body(bea, 'Bea', text('wamid.b1', t + 2, 'buenos días')),
      body(ana, 'Ana María', text('wamid.a2', t + 3, 'y barra de pan')),
      body(ana, 'Ana María', text('wamid.a3', t + 4, 'STOP')),
      // Meta re-delivers Ana's first message in the same batch.
      body(ana, 'Ana', text('wamid.a1', t + 1, 'hola, ¿tenéis centeno?')),
    ]
    const events = bodies.map((b, n) => ({
      id: `we_${n}_${randomUUID()}`,
      receivedAt: now,
      body: Buffer.from(b),
      headers: {},
      metaAppRowId: channel.appRowId,
    }))
    await insertEventBatch(h.db, events)
    const firstEvent = Number(
      (
        await h.db
          .selectFrom('events')
          .select((eb) => eb.fn.max('id').as('id'))
          .executeTakeFirst()
      )?.id ?? 0,
    )
    const job = createWebhookProcessJob({ db: h.db, caps: h.caps })
    await job(
      { eventIds: events.map((e) => e.id) },
      {
        job: {
          id: 0,
          kind: 'webhook.process',
          payload: { eventIds: [] },
          attempts: 1,
          maxAttempts: 10,
          lane: null,
          runAt: 0,
        },
        signal: new AbortController().signal,
        log: createLogger('warn'),
      },
    )

    const outcomes = await h.db.selectFrom('webhook_events').select('outcome').execute()
    assert.deepEqual(
      outcomes.map((o) => o.outcome),
      events.map(() => 'processed'),
      'every event of the batch is processed in its one transaction',
    )
    const messages = await h.db
      .selectFrom('messages')
      .select(['id', 'wamid', 'contact_id', 'conversation_id'])
      .execute()
    assert.deepEqual(
      messages.map((m) => m.wamid).sort(),
      ['wamid.a1', 'wamid.a2', 'wamid.a3', 'wamid.b1'],
      'each message is stored once, the re-delivery not again, and a reaction is no message',
    )
    const byWamid = new Map(messages.map((m) => [m.wamid, m]))

    const contacts = await h.db.selectFrom('contacts').select(['id', 'wa_id', 'profile_name']).execute()
    const anaRow = contacts.find((c) => c.wa_id === ana)
    const beaRow = contacts.find((c) => c.wa_id === bea)
    assert.equal(contacts.length, 2, 'Bea is created once although she reacted before writing')
    assert.equal(anaRow?.id, 'ct_ana')
    assert.equal(anaRow?.profile_name, 'Ana', 'the last message of the batch names Ana as it came')
    assert.equal(beaRow?.profile_name, 'Bea')

    const conversation = await h.db
      .selectFrom('conversations')
      .selectAll()
      .where('id', '=', 'cv_ana')
      .executeTakeFirstOrThrow()
    assert.equal(conversation.status, 'open', 'a message reopens a resolved conversation')
    assert.equal(conversation.unread_count, 3, 'three new messages from Ana, the re-delivery not counted')
    assert.equal(conversation.last_message_preview, 'STOP', "the preview is Ana's latest message")
    assert.equal(
      Number(conversation.last_inbound_at),
      (t + 4) * 1000,
      'the window runs from her latest message',
    )
    assert.equal(Number(conversation.last_message_at), (t + 4) * 1000)
    const beaConversation = await h.db
      .selectFrom('conversations')
      .selectAll()
      .where('contact_id', '=', beaRow?.id ?? '')
      .executeTakeFirstOrThrow()
    assert.equal(beaConversation.unread_count, 1)
    assert.equal(
      Number(beaConversation.last_inbound_at),
      (t + 2) * 1000,
      "Bea's window opens with her reaction and her message",
    )

    const reaction = await h.db.selectFrom('reactions').selectAll().executeTakeFirstOrThrow()
    assert.equal(
      reaction.message_id,
      byWamid.get('wamid.b1')?.id,
      'a reaction that came before its target is linked to it once the target is stored',
    )

    const docs = await h.db
      .selectFrom('search_docs')
      .select(['message_id'])
      .where('message_id', 'is not', null)
      .orderBy('seq')
      .execute()
    assert.deepEqual(
      docs.map((d) => d.message_id),
      ['wamid.a1', 'wamid.b1', 'wamid.a2', 'wamid.a3'].map((w) => byWamid.get(w)?.id),
      'each message is searchable, indexed in the order it came',
    )

    const suppressed = await h.db.selectFrom('suppressions').select(['wa_id', 'message_id']).execute()
    assert.deepEqual(
      suppressed.map((r) => ({ ...r })),
      [{ wa_id: ana, message_id: byWamid.get('wamid.a3')?.id ?? null }],
    )

    const recorded = await h.db
      .selectFrom('events')
      .select(['kind', 'subject_id'])
      .where('id', '>', firstEvent)
      .orderBy('id')
      .execute()
    assert.deepEqual(
      recorded.map((e) => `${e.kind} ${e.subject_id ?? ''}`.trim()),
      [
        'conversation.status cv_ana',
        `message.received ${byWamid.get('wamid.a1')?.id}`,
        `message.received ${byWamid.get('wamid.b1')?.id}`,
        `message.received ${byWamid.get('wamid.a2')?.id}`,
        `message.received ${byWamid.get('wamid.a3')?.id}`,
        'contact.opted_out',
      ],
      'events are recorded in the order one-by-one processing records them',
    )
  })
})
