import assert from 'node:assert/strict'
import { test } from 'node:test'
import { runWahub } from '../helpers/cli.ts'
import { createTestDb, testDbKind } from '../helpers/db.ts'

test(`wahub events lists unrouted webhooks with their reason and replays them (${testDbKind})`, async () => {
  const db = await createTestDb()
  const env = db.databaseUrl
    ? { DATABASE_URL: db.databaseUrl, WAHUB_DATA_DIR: db.dataDir }
    : { WAHUB_DATA_DIR: db.dataDir }
  try {
    await db.db
      .insertInto('webhook_events')
      .values({
        id: 'evt_parked',
        received_at: Date.now(),
        body: Buffer.from('{"object":"whatsapp_business_account","entry":[]}'),
        signature_ok: 1,
        headers: '{}',
        meta_app_id: null,
        outcome: 'unrouted',
        outcome_reason: 'unknown phone_number_id 123456',
        phone_number_ids: '123456',
        processed_at: Date.now(),
      })
      .execute()
    const list = await runWahub(['events', 'list', '--outcome', 'unrouted', '--json'], { env })
    assert.equal(list.code, 0, list.stderr)
    const events = JSON.parse(list.stdout) as {
      id: string
      outcomeReason: string
      phoneNumberIds: string[]
    }[]
    assert.deepEqual(
      events.map((e) => [e.id, e.phoneNumberIds]),
      [['evt_parked', ['123456']]],
    )
    const text = await runWahub(['events', 'list'], { env })
    assert.match(text.stdout, /evt_parked .* unrouted +- +123456 +unknown phone_number_id 123456/)
    const show = await runWahub(['events', 'show', '--id', 'evt_parked'], { env })
    assert.match(show.stdout, /"object":"whatsapp_business_account"/, 'show prints the raw body')
    const replay = await runWahub(['events', 'replay', '--unrouted', '--json'], { env })
    assert.deepEqual(JSON.parse(replay.stdout), { replayed: ['evt_parked'] })
    const row = await db.db
      .selectFrom('webhook_events')
      .select('outcome')
      .where('id', '=', 'evt_parked')
      .executeTakeFirstOrThrow()
    assert.equal(row.outcome, 'pending', 'the event waits for a worker again')
    const bad = await runWahub(['events', 'replay'], { env })
    assert.equal(bad.code, 1)
    assert.match(bad.stderr, /--unrouted or --id/)
  } finally {
    await db.drop()
  }
})
