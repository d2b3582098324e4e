import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { DbHandle } from '../../src/db/connect.ts'
import { createLogger } from '../../src/log.ts'
import { startWahub, type Wahub } from '../../src/wahub.ts'
import { signBody } from '../../src/webhooks/signature.ts'
import { seedChannel } from '../helpers/channel-fixture.ts'
import { testConfig } from '../helpers/config.ts'
import { createTestDb, type TestDb, testDbKind } from '../helpers/db.ts'
import { waitFor } from '../helpers/wait.ts'

// SPEC §2 / §18: several instances on one PostgreSQL process webhooks at the same time. Batches
// that touch the same customers in different orders used to deadlock (`deadlock detected` in
// upsertContact / recordInbound) and fall minutes behind. Three instances here, each with its
// own job runner, receive signed webhooks round-robin; every webhook carries messages of several
// customers in a shuffled order, so concurrent batches overlap on contacts and conversations.

const instances = 3
const customers = 20
const perCustomer = 10
const perWebhook = 5
const appSecret = 'concurrent-workers-secret'
const phoneNumberId = '100000000000001'

function shuffled<T>(items: T[], seed: number): T[] {
  const out = [...items]
  let s = seed
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2 ** 31
    const j = s % (i + 1)
    ;[out[i], out[j]] = [out[j], out[i]]
  }
  return out
}

describe(`webhook processing by ${instances} instances on one database (${testDbKind})`, {
  skip:
    testDbKind !== 'postgres' && 'several instances share only PostgreSQL (SQLite has one writer process)',
}, () => {
  let db: TestDb
  const handles: DbHandle[] = []
  const wahubs: Wahub[] = []
  before(async () => {
    db = await createTestDb()
    const config = testConfig({ WAHUB_DATA_DIR: db.dataDir, WAHUB_SANDBOX: 'off' })
    for (let i = 0; i < instances; i++) {
      const handle = await db.connectAgain()
      handles.push(handle)
      wahubs.push(await startWahub(config, { log: createLogger('silent'), handle }))
    }
    await seedChannel(db.db, wahubs[0].vault, {
      appId: '900000000000001',
      appSecret,
      verifyToken: 'verify',
      wabaId: '200000000000001',
      accessToken: 'EAAtoken0000',
      graphUrl: 'http://127.0.0.1:9',
      phoneNumberIds: [phoneNumberId],
      displayNumbers: ['15550000001'],
    })
    for (const w of wahubs) w.secrets.invalidate()
  })
  after(async () => {
    for (const w of wahubs) await w.close()
    for (const h of handles) await h.close()
    await db?.drop()
  })

  test('interleaved customers: no deadlock, and every message is visible within seconds', async () => {
    const waIds = Array.from({ length: customers }, (_, i) => `3460000${String(i).padStart(4, '0')}`)
    const messages = waIds.flatMap((waId, c) =>
      Array.from({ length: perCustomer }, (_, n) => ({
        waId,
        // The profile name changes now and then, so contact rows are updated (row locks) too.
        name: `Customer ${c} v${Math.floor(n / 7)}`,
        wamid: `wamid.CW${String(c).padStart(3, '0')}N${String(n).padStart(3, '0')}`,
        n,
      })),
    )
    const order = shuffled(messages, 7)
    const bodies: Buffer[] = []
    for (let i = 0; i < order.length; i += perWebhook) {
      const group = order.slice(i, i + perWebhook)
      bodies.push(
        Buffer.from(
          JSON.stringify({
            object: 'whatsapp_business_account',
            entry: [
              {
                id: '200000000000001',
                changes: group.map((m) => ({
                  field: 'messages',
                  value: {
                    messaging_product: 'whatsapp',
                    metadata: { display_phone_number: '15550000001', phone_number_id: phoneNumberId },
                    contacts: [{ profile: { name: m.name }, wa_id: m.waId }],
                    messages: [
                      {
                        from: m.waId,
                        id: m.wamid,
                        timestamp: String(1_780_000_000 + m.n),
                        type: 'text',
                        text: { body: `message ${m.n} from ${m.waId}` },
                      },
                    ],
                  },
                })),
              },
            ],
          }),
        ),
      )
    }

    let next = 0
    const post = async () => {
      while (next < bodies.length) {
        const i = next++
        const body = bodies[i]
        const res = await fetch(`${wahubs[i % instances].url}/webhooks/whatsapp`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-hub-signature-256': signBody(appSecret, body) },
          body,
        })
        assert.equal(res.status, 200, `webhook ${i} was answered ${res.status}`)
      }
    }
    await Promise.all(Array.from({ length: 12 }, post))

    const deadlocksSoFar = async () =>
      Promise.all(
        wahubs.map(async (w) => (await w.metrics.dbDeadlocks.get()).values.reduce((a, v) => a + v.value, 0)),
      )
    const visible = async () => {
      const row = await db.db
        .selectFrom('messages')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('direction', '=', 'in')
        .executeTakeFirstOrThrow()
      return Number(row.n)
    }
    await waitFor(
      `all ${messages.length} messages to be visible`,
      async () => (await visible()) === messages.length,
      {
        timeoutMs: 20_000,
      },
    ).catch(async (err) => {
      throw new Error(
        `${(err as Error).message}: ${await visible()} visible; deadlocks per instance ${JSON.stringify(await deadlocksSoFar())}`,
      )
    })

    assert.deepEqual(
      await deadlocksSoFar(),
      [0, 0, 0],
      'no instance met a deadlock (wahub_db_deadlocks_total)',
    )

    const conversations = await db.db
      .selectFrom('conversations')
      .select(['unread_count', 'last_message_preview'])
      .execute()
    assert.equal(conversations.length, customers, 'one conversation per customer')
    for (const c of conversations)
      assert.equal(c.unread_count, perCustomer, 'every message counted unread exactly once')
    const contacts = await db.db.selectFrom('contacts').select('id').execute()
    assert.equal(contacts.length, customers, 'one contact per customer, never two')
  })
})
