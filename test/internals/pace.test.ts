import assert from 'node:assert/strict'
import { test } from 'node:test'
import { foldYieldMs, paceMs } from '../../src/webhooks/processor.ts'

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

// decision 0124: while a webhook job is in progress, the analytics fold keeps a share
// lag / (lag + 2 s) of the thread (a twentieth at least), lag being how long its round has run.

test('a fold whose round just began leaves processing nineteen parts in twenty', () => {
  assert.equal(foldYieldMs(10, 0), 190)
  assert.equal(foldYieldMs(10, -500), 190, 'a clock step back counts as no lag')
})

test('a fold two seconds into its round takes half the thread; far behind, nearly all of it', () => {
  assert.equal(foldYieldMs(10, 2000), 10)
  assert.ok(foldYieldMs(10, 60_000) <= 1, 'a minute behind, the fold hardly pauses: its lag stays bounded')
})

test('the share of the thread the fold keeps rises with its lag, without a jump', () => {
  let previous = 0
  for (let lag = 0; lag <= 30_000; lag += 250) {
    const share = 100 / (100 + foldYieldMs(100, lag))
    assert.ok(share >= previous, `share at ${lag} ms of lag (${share.toFixed(3)}) is below the one before`)
    assert.ok(
      share - previous <= 0.1,
      `no jump at ${lag} ms of lag: ${previous.toFixed(3)} → ${share.toFixed(3)}`,
    )
    previous = share
  }
})
