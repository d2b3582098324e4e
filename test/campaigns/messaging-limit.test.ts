import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { testDbKind } from '../helpers/db.ts'
import { onboardSeed, startHarness } from '../helpers/harness.ts'
import { waitFor } from '../helpers/wait.ts'
import { acceptedSends, api, ok, people, type World, waitStatus } from './helpers.ts'

// Meta's messaging limit (issue 18): a number at the 1K tier reaches at most 1,000 new unique
// users in a moving 24 hours. The campaign stops at 1,000, paused with the reason and the time
// it resumes; when the window rolls (the campaigns' clock moved a day on) it resumes by itself
// and sends the rest. The tier comes from the emulator's phone_number_quality_update webhook.

describe(`a campaign within the messaging limit (${testDbKind})`, () => {
  const w = {} as World
  let offset = 0
  before(async () => {
    w.h = await startHarness({
      logLevel: 'info',
      campaignClock: { now: () => Date.now() + offset, recheckMs: 100 },
    })
    w.seed = await onboardSeed(w.h)
  })
  after(async () => {
    await w.h.close()
  })

  // 1,000 real sends through the emulator: more than the runner's default 120 s on a loaded machine.
  test('a 1K-tier number stops at 1,000 new unique users and resumes when the window rolls', {
    timeout: 400_000,
  }, async () => {
    const pnid = w.seed.acme.phoneNumberId
    // 1,000 msg/s so the test is quick (Meta's upgrade sets the tier to unlimited), then the tier.
    w.h.emulator.control.setThroughput(pnid, 1000, 'HIGH')
    await waitFor('the throughput upgrade applied', async () => {
      const n = await w.h.db.db
        .selectFrom('phone_numbers')
        .select('throughput_mps')
        .where('phone_number_id', '=', pnid)
        .executeTakeFirst()
      return n?.throughput_mps === 1000
    })
    w.h.emulator.control.setMessagingLimit(pnid, 'TIER_1K')
    await waitFor('the 1K tier applied from the webhook', async () => {
      const n = await w.h.db.db
        .selectFrom('phone_numbers')
        .select('messaging_limit_tier')
        .where('phone_number_id', '=', pnid)
        .executeTakeFirst()
      return n?.messaging_limit_tier === 'TIER_1K'
    })

    const everyone = people(1003, 34_650_000_000)
    const audience = await ok<{ id: string; size: number }>(
      api(w, 'POST', '/api/v1/audiences', { name: 'big', recipients: everyone }),
      'audience',
    )
    assert.equal(audience.size, 1003)
    const c = await ok<{ id: string }>(
      api(w, 'POST', '/api/v1/campaigns', {
        name: 'over the limit',
        audienceId: audience.id,
        template: { name: 'appointment_reminder', language: 'en_US' },
        parameters: [
          { name: 'customer_name', attribute: 'name' },
          { name: 'date', text: 'Friday' },
        ],
      }),
      'campaign',
    )
    const dry = await ok<{
      wouldSend: number
      skipped: { overLimit: number }
      messagingLimit: { cap: number }
    }>(api(w, 'POST', `/api/v1/campaigns/${c.id}/dry-run`), 'dry run')
    assert.equal(dry.messagingLimit.cap, 1000)
    assert.equal(dry.wouldSend, 1000, 'the dry run says 1,000 today')
    assert.equal(dry.skipped.overLimit, 3, 'and 3 over the limit')

    await ok(api(w, 'POST', `/api/v1/campaigns/${c.id}/launch`, {}), 'launch')
    const paused = await waitStatus(w, c.id, 'paused', 180_000)
    assert.equal(paused.campaign.pausedBy, 'messaging_limit', JSON.stringify(paused.campaign))
    assert.match(paused.campaign.reason ?? '', /TIER_1K/)
    assert.ok(paused.campaign.resumeAt, 'it says when it resumes')
    await waitFor(
      'the 1,000 accepted by Meta',
      () => {
        const sends = acceptedSends(w, pnid)
        return everyone.filter((p) => sends.has(p.phone.slice(1))).length === 1000
      },
      { timeoutMs: 180_000 },
    )
    const before = acceptedSends(w, pnid)
    assert.equal(
      everyone.filter((p) => before.has(p.phone.slice(1))).length,
      1000,
      'exactly 1,000 new users reached',
    )
    assert.equal(paused.progress.pending, 3, 'three wait for the window to roll')

    offset = 24 * 60 * 60 * 1000 + 60_000 // a day and a minute later
    const done = await waitStatus(w, c.id, 'completed', 20_000).catch(async (err) => {
      const jobs = await w.h.db.db.selectFrom('jobs').selectAll().where('kind', '=', 'campaign.run').execute()
      const lines = w.h
        .logLines()
        .filter((l) => l.includes('campaign'))
        .slice(-5)
      throw new Error(`${(err as Error).message}\njobs: ${JSON.stringify(jobs)}\nlogs: ${lines.join('\n')}`)
    })
    assert.equal(done.progress.pending, 0)
    const sends = acceptedSends(w, pnid)
    for (const p of everyone) assert.equal(sends.get(p.phone.slice(1)), 1, `${p.phone} exactly once`)
    const events = await w.h.db.db
      .selectFrom('events')
      .select('payload')
      .where('kind', '=', 'campaign.paused')
      .where('subject_id', '=', c.id)
      .execute()
    assert.equal(events.length, 1, 'the pause was announced once')
  })
})
