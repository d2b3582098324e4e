import assert from 'node:assert/strict'
import { test } from 'node:test'
import { newId } from '../../src/ids.ts'

// Decision 0132: ids sort in creation order, also within one millisecond — a thread is ordered by
// message id, and one processing transaction stores several messages in the same millisecond.

test('ids made in the same millisecond sort in the order they were made', () => {
  const at = Date.now()
  const ids = Array.from({ length: 5_000 }, () => newId('msg', at))
  const sorted = [...ids].sort()
  const firstOut = ids.findIndex((id, i) => id !== sorted[i])
  assert.equal(firstOut, -1, `id ${firstOut} of 5,000 made at one time sorts out of creation order`)
  assert.equal(new Set(ids).size, ids.length, 'every id is distinct')
  for (const id of ids) assert.match(id, /^msg_[0-9a-hjkmnp-tv-z]{24}$/, 'an id keeps its shape')
})

test('a later millisecond sorts after, and an id for an earlier time carries that time', () => {
  const at = Date.now() + 1_000
  const now = newId('msg', at)
  const later = newId('msg', at + 1)
  assert.ok(later > now, `an id a millisecond later (${later}) sorts before ${now}`)
  const earlier = newId('act', at - 60_000)
  assert.equal(
    earlier.slice(4, 14),
    newId('act', at - 60_000).slice(4, 14),
    'an id made for an earlier time keeps that time in its first ten characters',
  )
  assert.ok(earlier.slice(4, 14) < now.slice(4, 14), 'an earlier time sorts before')
  const after = newId('msg', at + 1)
  assert.ok(
    after > later,
    `an id made for an earlier time in between broke the order of the newest millisecond: ${after} sorts before ${later}`,
  )
})
