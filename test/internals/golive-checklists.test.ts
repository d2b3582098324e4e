import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { goliveStepTitles } from '../../src/diagnostics/golive-types.ts'
import { seed001Done, seed002Production } from './golive-checklists.ts'

// Issue 21: the go-live guide covers seed 001's "you're done when" checklist and seed 002's
// production checklist, item by item (the items are copied into golive-checklists.ts).

describe('the go-live guide covers the seeds’ checklists', () => {
  for (const [name, list, size] of [
    ["seed 001's 13-item checklist", seed001Done, 13],
    ["seed 002's production checklist", seed002Production, 11],
  ] as const) {
    test(`${name}: every item maps to a step of the guide`, () => {
      assert.equal(list.length, size, `${name} has ${size} items copied`)
      for (const { item, steps } of list) {
        assert.ok(steps.length > 0, `"${item}" maps to at least one step`)
        for (const s of steps)
          assert.ok(s in goliveStepTitles, `"${item}" maps to ${s}, which is a step of the guide`)
      }
    })
  }
})
