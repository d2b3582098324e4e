import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { qualityWatchEveryMs, watchQuality } from '../../src/diagnostics/quality-watch.ts'
import { listEventsAfter } from '../../src/events/events-repo.ts'
import { enqueueJob } from '../../src/jobs/jobs-repo.ts'
import { testDbKind } from '../helpers/db.ts'
import { type Harness, startHarness } from '../helpers/harness.ts'
import { waitFor } from '../helpers/wait.ts'
import { assertCheck, doctor, onboard } from './helpers.ts'

// The quality watch: a number whose quality drops to YELLOW or RED, a paused template, a token
// expiring within 7 days — each records one event when it starts, and doctor warns about it.

type Payload = Record<string, unknown>

describe(`quality watch (${testDbKind})`, () => {
  let h: Harness
  before(async () => {
    h = await startHarness()
    await onboard(h, [h.emulator.seed.wabaId], [h.emulator.seed.phoneNumberIds[0]])
  })
  after(async () => {
    await h.close()
  })
  const ctx = () => ({ db: h.db.db, vault: h.wahub.vault, graph: h.wahub.graph, config: h.wahub.config })
  const watchEvents = async (kind: string) =>
    (await listEventsAfter(h.db.db, { tenantId: null, kinds: [kind], limit: 1000 })).filter(
      (e) => (e.payload as Payload).source === 'quality_watch',
    )

  test('a paused template records one template.status event, once', async () => {
    const started = await watchQuality(ctx())
    assert.ok(started.some((a) => a.key.startsWith('template.paused:100000000000001:spring_promo:en_US')))
    await watchQuality(ctx())
    const events = await watchEvents('template.status')
    assert.equal(events.length, 1, 'the same paused template alerts once')
    assert.deepEqual(
      { name: (events[0].payload as Payload).name, status: (events[0].payload as Payload).status },
      { name: 'spring_promo', status: 'PAUSED' },
    )
  })

  test('a quality drop to YELLOW records a number.quality event and doctor warns; a new drop after recovery alerts again', async () => {
    const pnid = h.emulator.seed.phoneNumberIds[0]
    h.emulator.control.setQuality(pnid, 'YELLOW')
    await watchQuality(ctx())
    await watchQuality(ctx())
    let events = await watchEvents('number.quality')
    assert.equal(events.length, 1)
    assert.equal((events[0].payload as Payload).qualityRating, 'YELLOW')
    assert.equal(events[0].tenantId !== null, true, "the number's tenant sees it")
    assertCheck(await doctor(h), 'number.quality', 'warn', { subject: pnid, seen: /Quality YELLOW/ })

    h.emulator.control.setQuality(pnid, 'GREEN')
    await watchQuality(ctx())
    h.emulator.control.setQuality(pnid, 'RED')
    await watchQuality(ctx())
    events = await watchEvents('number.quality')
    assert.deepEqual(
      events.map((e) => (e.payload as Payload).qualityRating),
      ['YELLOW', 'RED'],
    )
    h.emulator.control.setQuality(pnid, 'GREEN')
  })

  test('a token expiring within 7 days records a token.expiring event; doctor warns with the expiry', async () => {
    const { token } = h.emulator.control.addToken({ type: 'USER', expires_in: 2 * 86400 }) as {
      token: string
    }
    const res = await h.api('PUT', `/api/v1/admin/wabas/${h.emulator.seed.wabaId}/token`, {
      key: h.adminKey,
      body: { token, acceptTemporary: true },
    })
    assert.equal(res.status, 200, res.text)
    await watchQuality(ctx())
    const events = await watchEvents('token.expiring')
    assert.equal(events.length, 1)
    assert.equal((events[0].payload as Payload).wabaId, h.emulator.seed.wabaId)
    assertCheck(await doctor(h), 'token', 'warn', { seen: /expires at .*\(in 2 days\)/ })
    await h.api('PUT', `/api/v1/admin/wabas/${h.emulator.seed.wabaId}/token`, {
      key: h.adminKey,
      body: { token: h.emulator.seed.accessToken },
    })
  })

  test('the quality.watch job runs the watch and schedules its next run an hour later', async () => {
    h.emulator.control.setQuality(h.emulator.seed.phoneNumberIds[0], 'YELLOW')
    const before = (await watchEvents('number.quality')).length
    await h.db.db.deleteFrom('jobs').where('kind', '=', 'quality.watch').execute()
    const id = await enqueueJob(h.db.db, 'quality.watch', {}, { maxAttempts: 3 })
    h.wahub.runner.nudge()
    await waitFor('the watch job to alert', async () => (await watchEvents('number.quality')).length > before)
    const next = await waitFor('the next run to be scheduled', () =>
      h.db.db
        .selectFrom('jobs')
        .select(['id', 'run_at'])
        .where('kind', '=', 'quality.watch')
        .where('id', '!=', id)
        .executeTakeFirst(),
    )
    assert.ok(Number(next.run_at) > Date.now() + qualityWatchEveryMs - 60_000, 'about an hour from now')
    h.emulator.control.setQuality(h.emulator.seed.phoneNumberIds[0], 'GREEN')
  })
})
