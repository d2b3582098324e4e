import assert from 'node:assert/strict'
import { test } from 'node:test'
import { paceMs } from '../../src/webhooks/processor.ts'

// decision 0078: processing keeps max(10%, 1 − busy) of its thread's time, a smooth function of
// how busy the thread that answers Meta is — no threshold to cross.

test('processing does not pause while the answering thread is idle', () => {
  assert.equal(paceMs(20, 0), 0)
})

test('processing pauses as long as it worked when the answering thread is half busy', () => {
  assert.equal(paceMs(20, 0.5), 20)
})

test('a saturated answering thread leaves processing a tenth of its time, never nothing', () => {
  assert.equal(paceMs(20, 1), 180)
  assert.equal(paceMs(20, 5), 180, 'utilisation above 1 (a bad sample) counts as 1')
})

test('the pause grows steadily with the load, without a jump', () => {
  let previous = -1
  for (let busy = 0; busy <= 1.0001; busy += 0.05) {
    const pause = paceMs(100, busy)
    assert.ok(
      pause >= previous,
      `pause at ${busy.toFixed(2)} (${pause} ms) is not below the one before (${previous} ms)`,
    )
    assert.ok(
      previous < 0 || pause - previous <= 400,
      `no jump at ${busy.toFixed(2)}: ${previous} → ${pause} ms`,
    )
    previous = pause
  }
})
