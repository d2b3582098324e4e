import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { createLogger } from '../../src/log.ts'
import { createRateLanes } from '../../src/messaging/rate-lanes.ts'
import { createTestDb, type TestDb, testDbKind } from '../helpers/db.ts'

// A stalled process (GC, CPU starvation) must not turn the slots that fell into the past into a
// burst: every message leaves within `lateMs` of a slot of the schedule, or books a new slot.
// The stall here is the event loop blocked on purpose, so the test does not depend on the load.

function blockEventLoop(ms: number): void {
  const until = Date.now() + ms
  while (Date.now() < until) {
    // spin: no timer can fire meanwhile
  }
}

describe(`a number's rate lane after a stall (${testDbKind})`, () => {
  let db: TestDb
  before(async () => {
    db = await createTestDb()
  })
  after(async () => {
    await db.drop()
  })

  test('senders that wake after their slot book a fresh one instead of firing together', async () => {
    const lateMs = 100
    // No phone_numbers row: the lane runs at the default 80 msg/s (one slot every 12.5 ms).
    const lanes = createRateLanes(db.db, createLogger('silent'), { lateMs, horizonMs: 1000 })
    const fired: { at: number; slotUs: number }[] = []
    const senders = Array.from({ length: 40 }, async () => {
      const grant = await lanes.takeNumber('pn_stalled')
      assert.ok(grant.ok, 'within the horizon: every sender gets a slot')
      fired.push({ at: Date.now(), slotUs: grant.slotUs ?? 0 })
    })
    await new Promise((resolve) => setTimeout(resolve, 60))
    blockEventLoop(600) // most of the 40 slots (500 ms of them) fall into the stall
    await Promise.all(senders)

    assert.equal(fired.length, 40)
    const late = fired.map((f) => f.at - f.slotUs / 1000).filter((ms) => ms > lateMs + 30)
    assert.deepEqual(late, [], 'no message left more than lateMs after its slot')
    // Re-booked after the stall, the senders leave paced again: never more than the stall's
    // tolerance worth of them at one instant.
    const times = fired.map((f) => f.at).sort((a, b) => a - b)
    let worst = 0
    for (let i = 0, j = 0; i < times.length; i++) {
      while (times[i] - times[j] > 5) j++
      worst = Math.max(worst, i - j + 1)
    }
    assert.ok(
      worst <= Math.ceil(lateMs / 12.5) + 2,
      `at most a tolerance's worth at once, saw ${worst} within 5 ms`,
    )
  })
})
