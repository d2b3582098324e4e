import assert from 'node:assert/strict'
import { test } from 'node:test'
import { graphCaller, startTestEmulator, template } from './helpers.ts'

// M-THR: 80 messages/s per number by default; over it, 130429. A burst of 400 gets one second's
// worth (the bucket) plus what refills while the burst lasts. Counts, not timings, are asserted.

async function burst(throughput: number, n: number) {
  const emu = await startTestEmulator({ throughput, pairRateLimit: false })
  try {
    const graph = graphCaller(emu)
    const pn = emu.seed.phoneNumberIds[0]
    const started = performance.now()
    const results = await Promise.all(
      Array.from({ length: n }, (_, i) =>
        graph(
          'POST',
          `${pn}/messages`,
          template(`3460000${String(i).padStart(4, '0')}`, 'hello_world', 'en_US'),
        ),
      ),
    )
    const seconds = (performance.now() - started) / 1000
    const accepted = results.filter((r) => r.status === 200).length
    const limited = results.filter((r) => r.body.error?.code === 130429)
    return { accepted, limited, seconds, total: results.length }
  } finally {
    await emu.close()
  }
}

test('at 80 msg/s a burst of 400 gets one second of the cap plus what refills while it lasts', async () => {
  const { accepted, limited, seconds, total } = await burst(80, 400)
  assert.ok(accepted >= 80, `accepted ${accepted}`)
  // The bucket holds one second (80); refill during the burst adds 80 per second elapsed. On a busy
  // machine the burst itself may last five seconds, and then every send is rightly accepted.
  assert.ok(accepted <= 80 + Math.ceil(seconds * 80) + 1, `accepted ${accepted} in ${seconds.toFixed(2)} s`)
  assert.equal(accepted + limited.length, total, 'every other send is answered 130429')
})

test("over the cap the answer is Meta's 130429, word for word", async () => {
  // 2 msg/s: a burst of 40 outruns the bucket unless it lasts 19 s, however busy the machine.
  const { accepted, limited, seconds, total } = await burst(2, 40)
  assert.ok(limited.length > 0, `some sends were refused (${accepted} accepted in ${seconds.toFixed(2)} s)`)
  assert.equal(accepted + limited.length, total)
  const [first] = limited
  assert.equal(first.status, 400)
  assert.equal(first.body.error?.message, '(#130429) Rate limit hit')
  assert.equal(first.body.error?.error_data?.details, 'Cloud API message throughput has been reached.')
})

test('at unlimited throughput every send of the burst is accepted', async () => {
  const { accepted, total } = await burst(0, 400)
  assert.equal(accepted, total)
})
