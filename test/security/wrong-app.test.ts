import assert from 'node:assert/strict'
import { createHmac } from 'node:crypto'
import { after, before, describe, test } from 'node:test'
import { doctor, findCheck } from '../diagnostics/helpers.ts'
import { testDbKind } from '../helpers/db.ts'
import { type Harness, type Onboarded, onboardSeed, startHarness } from '../helpers/harness.ts'
import { waitFor } from '../helpers/wait.ts'

// Issue 12, defect 1: any configured app's secret authenticated events for any number. An event
// signed by app B for a number of app A's WABA must be kept as wrong_app, never routed.

const otherAppId = '777000000000001'
const otherSecret = 'other-app-secret-0123456789'

function inbound(phoneNumberId: string, wabaId: string, wamid: string, from: string): Buffer {
  return Buffer.from(
    JSON.stringify({
      object: 'whatsapp_business_account',
      entry: [
        {
          id: wabaId,
          changes: [
            {
              field: 'messages',
              value: {
                messaging_product: 'whatsapp',
                metadata: { display_phone_number: '15550100001', phone_number_id: phoneNumberId },
                contacts: [{ profile: { name: 'Mallory' }, wa_id: from }],
                messages: [
                  {
                    from,
                    id: wamid,
                    timestamp: String(Math.floor(Date.now() / 1000)),
                    type: 'text',
                    text: { body: 'injected' },
                  },
                ],
              },
            },
          ],
        },
      ],
    }),
  )
}

describe(`webhooks are processed only for numbers of the app that signed them (${testDbKind})`, () => {
  let h: Harness
  let seeded: Onboarded
  before(async () => {
    h = await startHarness()
    seeded = await onboardSeed(h)
    const added = await h.api('POST', '/api/v1/admin/apps', {
      key: h.adminKey,
      body: { appId: otherAppId, appSecret: otherSecret },
    })
    assert.equal(added.status, 201, added.text)
  })
  after(async () => {
    await h.close()
  })

  const post = (body: Buffer, secret: string) =>
    fetch(`${h.url}/webhooks/whatsapp`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-hub-signature-256': `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`,
      },
      body,
    })

  test("an inbound message for app A's number signed with app B's secret is kept as wrong_app, not in any inbox", async () => {
    const wamid = 'wamid.WRONGAPP0001'
    const res = await post(
      inbound(seeded.acme.phoneNumberId, seeded.wabaId, wamid, '34600000777'),
      otherSecret,
    )
    assert.equal(
      res.status,
      200,
      'the signature is valid for a configured app, so Meta-style retries are not provoked',
    )
    const event = await waitFor('the event to be processed', async () => {
      const row = await h.db.db
        .selectFrom('webhook_events')
        .selectAll()
        .where('outcome', '!=', 'pending')
        .where('phone_number_ids', '=', seeded.acme.phoneNumberId)
        .orderBy('received_at', 'desc')
        .executeTakeFirst()
      return row?.outcome === 'wrong_app' ? row : undefined
    })
    assert.match(event.outcome_reason ?? '', /does not own/)
    const message = await h.db.db
      .selectFrom('messages')
      .select('id')
      .where('wamid', '=', wamid)
      .executeTakeFirst()
    assert.equal(message, undefined, 'the forged message must not reach the tenant inbox')
    const contact = await h.db.db
      .selectFrom('contacts')
      .select('id')
      .where('wa_id', '=', '34600000777')
      .executeTakeFirst()
    assert.equal(contact, undefined, 'no contact is created for the forged sender')

    // The webhook thread commits the outcome, then tells the main thread, which counts it.
    await waitFor('wahub_webhook_wrong_app_total to count the event', async () =>
      /wahub_webhook_wrong_app_total 1\b/.test(
        await h.wahub.metrics.registry.getSingleMetricAsString('wahub_webhook_wrong_app_total'),
      ),
    )

    const finding = findCheck(await doctor(h, { sections: ['traffic'] }), 'webhooks.wrong_app')
    assert.equal(finding.status, 'fail')
    assert.match(finding.seen, new RegExp(`signed by app ${otherAppId}`))
    assert.match(finding.fix ?? '', new RegExp(`--app-id ${otherAppId}`))
  })

  test("the same message signed with the owning app's secret reaches the tenant", async () => {
    const wamid = 'wamid.RIGHTAPP0001'
    const res = await post(
      inbound(seeded.acme.phoneNumberId, seeded.wabaId, wamid, '34600000778'),
      h.emulator.seed.appSecret,
    )
    assert.equal(res.status, 200)
    const row = await waitFor('the message to be stored', () =>
      h.db.db.selectFrom('messages').select(['tenant_id']).where('wamid', '=', wamid).executeTakeFirst(),
    )
    assert.equal(row.tenant_id, seeded.acme.id)
  })

  test('re-linking the WABA to the app that signed them processes the kept wrong_app events once, and the finding clears', async () => {
    const relinked = await h.api('POST', '/api/v1/admin/wabas', {
      key: h.adminKey,
      body: { wabaId: seeded.wabaId, token: h.emulator.seed.accessToken, appId: otherAppId },
    })
    assert.equal(relinked.status, 200, relinked.text)
    const row = await waitFor('the kept message to reach the tenant after re-linking', () =>
      h.db.db
        .selectFrom('messages')
        .select(['tenant_id'])
        .where('wamid', '=', 'wamid.WRONGAPP0001')
        .executeTakeFirst(),
    )
    assert.equal(row.tenant_id, seeded.acme.id)
    await waitFor('no event left as wrong_app', async () => {
      const left = await h.db.db
        .selectFrom('webhook_events')
        .select('id')
        .where('outcome', 'in', ['wrong_app', 'pending'])
        .executeTakeFirst()
      return left === undefined
    })
    const copies = await h.db.db
      .selectFrom('messages')
      .select('id')
      .where('wamid', '=', 'wamid.WRONGAPP0001')
      .execute()
    assert.equal(copies.length, 1, 'processed once')
    const finding = findCheck(await doctor(h, { sections: ['traffic'] }), 'webhooks.wrong_app')
    assert.equal(finding.status, 'pass', `the doctor finding clears: ${finding.seen}`)
  })
})
