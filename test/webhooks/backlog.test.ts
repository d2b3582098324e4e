import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { backlogCheck } from '../../src/diagnostics/checks/backlog.ts'
import { newId } from '../../src/ids.ts'
import { webhookBacklog } from '../../src/webhooks/events-repo.ts'
import { metricsAuth } from '../helpers/config.ts'
import { testDbKind } from '../helpers/db.ts'
import { type Harness, startHarness } from '../helpers/harness.ts'

// Processing runs at the workers' pace after Meta got its 200: the backlog must be visible — a
// Prometheus gauge of waiting events and of the oldest one's age, and a doctor warning when the
// oldest has waited a minute or more.

describe(`the webhook backlog is visible (${testDbKind})`, () => {
  let h: Harness
  before(async () => {
    // No workers: what is stored stays pending, as when processing falls behind.
    h = await startHarness({ workers: false })
  })
  after(async () => {
    await h.close()
  })

  const store = async (receivedAt: number) => {
    await h.db.db
      .insertInto('webhook_events')
      .values({
        id: newId('wh'),
        received_at: receivedAt,
        body: Buffer.from('{}'),
        signature_ok: 1,
        headers: null,
        meta_app_id: null,
        outcome: 'pending',
        outcome_reason: null,
        phone_number_ids: null,
        processed_at: null,
        attempts: 0,
      })
      .execute()
  }
  const metric = async (name: string) => {
    const res = await fetch(`${h.url}/metrics`, { headers: metricsAuth })
    const line = (await res.text()).split('\n').find((l) => l.startsWith(`${name} `))
    assert.ok(line, `/metrics has ${name}`)
    return Number(line.split(' ')[1])
  }

  test('nothing waiting: gauges at 0 and the doctor check passes', async () => {
    assert.equal(await metric('wahub_webhook_backlog_events'), 0)
    assert.equal(await metric('wahub_webhook_processing_lag_seconds'), 0)
    const c = backlogCheck(await webhookBacklog(h.db.db), Date.now())
    assert.equal(c.status, 'pass')
  })

  test('a few seconds behind is normal; a minute behind is a warning naming the count, the age and the fix', async () => {
    const now = Date.now()
    await store(now - 5_000)
    await store(now - 1_000)
    assert.equal(await metric('wahub_webhook_backlog_events'), 2)
    const lag = await metric('wahub_webhook_processing_lag_seconds')
    assert.ok(lag >= 5 && lag < 60, `lag ${lag} s`)
    assert.equal(backlogCheck(await webhookBacklog(h.db.db), Date.now()).status, 'pass')

    await store(now - 90_000)
    assert.ok((await metric('wahub_webhook_processing_lag_seconds')) >= 90)
    const c = backlogCheck(await webhookBacklog(h.db.db), Date.now())
    assert.equal(c.status, 'warn')
    assert.match(c.seen, /3 webhooks received but not processed yet; the oldest arrived \d+ min ago/)
    assert.match(c.fix ?? '', /wahub serve.*job workers/)
    const report = await h.api('GET', '/api/v1/admin/diagnostics', { key: h.adminKey })
    const found = (report.body as { checks: { id: string; status: string }[] }).checks.find(
      (x) => x.id === 'webhooks.backlog',
    )
    assert.equal(found?.status, 'warn', 'the diagnostics API reports it too')
  })
})
