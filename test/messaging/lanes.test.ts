import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { createRateLanes } from '../../src/messaging/rate-lanes.ts'
import { createSendWorker, type SendWorker } from '../../src/messaging/send-worker.ts'
import { startWahub, type Wahub } from '../../src/wahub.ts'
import { burnCore } from '../helpers/burn-core.ts'
import { testDbKind } from '../helpers/db.ts'
import { waitFor } from '../helpers/wait.ts'
import {
  customerWrites,
  graphSends,
  lucia,
  runJobsNow,
  type SendWorld,
  send,
  settled,
  startSendWorld,
  waitStatus,
} from './helpers.ts'

// Rate lanes hold cluster-wide (SPEC §6, decision 0015) and messages to one recipient leave in
// order. Two workers share the database: on PostgreSQL a second Wahub instance with its own
// connection pool; on SQLite (one process owns the file) a second send worker with its own
// process-local lane state. The emulator enforces the number's cap with a one-second token
// bucket and answers 130429 above it: none may be seen, and the accepted sends in any second
// stay within the cap (from the emulator's ledger timestamps).

describe(`rate lanes and order per recipient with two workers (${testDbKind})`, () => {
  let w: SendWorld
  let second: Wahub | undefined
  let extra: SendWorker | undefined
  const cap = 40

  before(async () => {
    w = await startSendWorld()
    if (w.h.db.databaseUrl) {
      const handle = await w.h.db.connectAgain()
      second = await startWahub(w.h.wahub.config, { log: w.h.wahub.log, handle, listen: false })
    } else {
      const lanes = createRateLanes(w.h.db.db, w.h.wahub.log)
      extra = createSendWorker({
        handle: w.h.db,
        ctx: {
          db: w.h.db.db,
          vault: w.h.wahub.vault,
          graph: w.h.wahub.graph,
          config: w.h.wahub.config,
          log: w.h.wahub.log,
        },
        lanes,
        pollMs: 20,
      })
      extra.start()
    }
    await customerWrites(w, lucia)
  })
  after(async () => {
    await extra?.stop()
    if (second) {
      await second.close()
      await second.handle.close()
    }
    await w.h.close()
  })

  async function sendAtTheCap() {
    w.h.emulator.control.setThroughput(w.pnid, cap)
    await w.h.db.db
      .updateTable('phone_numbers')
      .set({ throughput_mps: cap })
      .where('id', '=', w.numberId)
      .execute()
    w.h.emulator.control.clearLedger()
    const total = 6 * cap
    const ids: string[] = []
    for (let i = 0; i < total; i += 20) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(20, total - i) }, (_, k) =>
          send(w, {
            to: `3465${String(i + k).padStart(7, '0')}`,
            type: 'template',
            template: { name: 'hello_world', language: 'en_US' },
          }),
        ),
      )
      for (const res of batch) {
        assert.equal(res.status, 202, res.text)
        ids.push((res.body as { id: string }).id)
      }
    }
    await settled(w, 60_000)
    const sends = graphSends(w, w.pnid)
    assert.deepEqual(sends.filter((e) => e.errorCode === 130429).length, 0, 'Meta never answered 130429')
    const accepted = sends
      .filter((e) => e.status === 200)
      .map((e) => e.at)
      .sort((a, b) => a - b)
    assert.equal(accepted.length, total)
    // Replays the ledger through Meta's token bucket (one second deep at the cap) from the
    // answer times the emulator recorded: it never runs dry.
    const depth = cap
    let tokens = depth
    let last = accepted[0]
    let dry = 0
    for (const at of accepted) {
      tokens = Math.min(depth, tokens + ((at - last) / 1000) * cap)
      last = at
      if (tokens < 1) dry++
      else tokens -= 1
    }
    assert.equal(dry, 0, 'a one-second bucket at the cap never ran dry')
    let worst = 0
    for (let i = 0, j = 0; i < accepted.length; i++) {
      while (accepted[i] - accepted[j] >= 2000) j++
      worst = Math.max(worst, i - j + 1)
    }
    // Meta's own bound (FACTS §4): a full one-second bucket plus two seconds of refill. The replay
    // above is the exact rule; this names the burst a person would see if it broke. (It used to
    // ask for 2.5 × cap, stricter than Meta: a lane catching up after a stall within Meta's bucket
    // — zero 130429, bucket never dry — failed it at load 4.)
    assert.ok(
      worst <= cap * 3,
      `at most ${3 * cap} in any 2 s (a full bucket of ${cap} plus 2 s at ${cap}/s), saw ${worst}`,
    )
    const seconds = (accepted[accepted.length - 1] - accepted[0]) / 1000
    assert.ok(
      seconds >= (total - cap) / cap - 0.1,
      `paced at the cap: ${total} sends over ${seconds.toFixed(2)} s`,
    )
    // Both workers sent.
    const workers = await w.h.db.db
      .selectFrom('message_transitions')
      .select('detail')
      .where('status', '=', 'sent')
      .where('message_id', 'in', ids)
      .execute()
    const by = new Map<string, number>()
    for (const r of workers) {
      const worker = (JSON.parse(r.detail ?? '{}') as { worker?: string }).worker ?? '?'
      by.set(worker, (by.get(worker) ?? 0) + 1)
    }
    // Both took part: the lane held across two workers (their shares depend on scheduling: on a
    // busy machine one may send most of them, which is fine — the cap is what Meta enforces).
    assert.ok(by.size >= 2, `both workers sent: ${JSON.stringify([...by])}`)
    w.h.emulator.control.setThroughput(w.pnid, 80)
    await w.h.db.db
      .updateTable('phone_numbers')
      .set({ throughput_mps: 80 })
      .where('id', '=', w.numberId)
      .execute()
  }

  test(`two workers on one database never exceed the number's cap (${cap}/s): zero 130429`, sendAtTheCap)

  // Issue 13: a busy machine stalls the process at random; the senders that piled up must still
  // leave at the cap (rate-lanes.ts shapeSend, decision 0079). It failed before, letting ~100
  // messages through in a 2 s window at a 40/s cap.
  test('with a core burnt beside it (CPU starvation, stalls): still zero 130429 and the cap held', async () => {
    const burner = burnCore()
    try {
      await sendAtTheCap()
    } finally {
      await burner.stop()
    }
  })

  test('messages to one recipient leave in the order they were queued, through retries and two workers', async () => {
    await settled(w)
    w.h.emulator.control.clearLedger()
    w.h.emulator.control.setFaults({ graph: { errorRate: 0.3 } })
    const count = 12
    const ids: string[] = []
    for (let i = 0; i < count; i++) {
      const res = await send(w, { to: lucia, type: 'text', text: { body: `paso ${i}` } })
      assert.equal(res.status, 202, res.text)
      ids.push((res.body as { id: string }).id)
    }
    await waitFor(
      'every message to be accepted',
      async () => {
        await runJobsNow(w) // backoff delays brought forward
        const accepted = graphSends(w, w.pnid).filter((e) => e.status === 200)
        return accepted.length >= count
      },
      { timeoutMs: 60_000, intervalMs: 100 },
    )
    w.h.emulator.control.clearFaults()
    const order = graphSends(w, w.pnid)
      .filter((e) => e.status === 200)
      .map((e) => (e.body as { text: { body: string } }).text.body)
    assert.deepEqual(
      order,
      Array.from({ length: count }, (_, i) => `paso ${i}`),
    )
    assert.ok(
      graphSends(w, w.pnid).some((e) => e.status !== 200),
      'some attempts failed and were retried',
    )
    for (const id of ids) await waitStatus(w, id, ['sent', 'delivered', 'read'])
  })
})
