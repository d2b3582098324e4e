import assert from 'node:assert/strict'
import { test } from 'node:test'
import { nudgeWhenDue } from '../../src/webhooks/processor.ts'

// Decision 0131: the job runner is woken when a lingering job is due — not before (it could not
// claim it), and once for every job due at the same moment.

test('the runner is woken once a job is due, once for jobs due together, again for a later one', (t) => {
  t.mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 1_000_000 })
  let nudges = 0
  const queued = nudgeWhenDue(() => nudges++)
  queued(1_000_020)
  queued(1_000_020)
  t.mock.timers.tick(20)
  assert.equal(nudges, 0, 'woken before the job was due: its claim would find nothing')
  t.mock.timers.tick(1)
  assert.equal(nudges, 1, 'two jobs due at the same moment should wake the runner once')
  queued(1_000_041)
  t.mock.timers.tick(21)
  assert.equal(nudges, 2, 'a job queued later should wake the runner again when it is due')
})
