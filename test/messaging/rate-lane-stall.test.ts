import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { createLogger } from '../../src/log.ts'
import { createRateLanes } from '../../src/messaging/rate-lanes.ts'
import { createTestDb, type TestDb, testDbKind } from '../helpers/db.ts'

// A stalled process (GC, CPU starvation) must not turn the slots that fell into the past into a
// burst: a sender late for its slot books a fresh one (decision 0021), and the dispatch bucket
// right before the request releases whoever piled up at the cap (decision 0079).
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

  test('senders that wake after a stall leave paced at the cap, never together', async () => {
    const lateMs = 100
    // No phone_numbers row: the lane runs at the default 80 msg/s (one slot every 12.5 ms).
    const lanes = createRateLanes(db.db, createLogger('silent'), { lateMs, horizonMs: 1000 })
    const fired: number[] = []
    const senders = Array.from({ length: 40 }, async () => {
      const grant = await lanes.takeNumber('pn_stalled')
      assert.ok(grant.ok, 'within the horizon: every sender gets a slot')
      // The last step before the request: a stall after the slot cannot make a burst either.
      await lanes.dispatch('pn_stalled')
      fired.push(performance.now())
    })
    await new Promise((resolve) => setTimeout(resolve, 60))
    blockEventLoop(600) // most of the 40 slots (500 ms of them) fall into the stall
    await Promise.all(senders)
    assert.equal(fired.length, 40)
    // After the stall the senders leave paced again: at most the dispatch bucket (a tenth of a
    // second at 80/s: 8) at one instant, and never more than that plus the cap in any second —
    // within Meta's one-second bucket, whatever the machine's load made the timers do.
    const times = fired.sort((a, b) => a - b)
    const most = (windowMs: number) => {
      let worst = 0
      for (let i = 0, j = 0; i < times.length; i++) {
        while (times[i] - times[j] > windowMs) j++
        worst = Math.max(worst, i - j + 1)
      }
      return worst
    }
    assert.ok(most(5) <= 9, `at most the dispatch bucket (8) within 5 ms, saw ${most(5)}`)
    assert.ok(most(1000) <= 88, `at most 8 + 80 in any second, saw ${most(1000)}`)
  })
})
