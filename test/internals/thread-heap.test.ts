import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { metricsAuth } from '../helpers/config.ts'
import { testDbKind } from '../helpers/db.ts'
import { type Harness, startHarness } from '../helpers/harness.ts'
import { waitFor } from '../helpers/wait.ts'

// Each thread of `wahub serve` has a V8 heap of its own; together they are most of the process's
// memory. /metrics reports each one, so an operator (and docs/PERFORMANCE.md) can tell which
// thread holds it.

describe(`/metrics reports every thread's V8 heap (${testDbKind})`, () => {
  let h: Harness
  before(async () => {
    h = await startHarness()
  })
  after(async () => {
    await h?.close()
  })

  const heaps = async () => {
    const text = await (await fetch(`${h.url}/metrics`, { headers: metricsAuth })).text()
    const found = new Map<string, number>()
    for (const m of text.matchAll(/^wahub_thread_heap_bytes\{thread="(\w+)",kind="(\w+)"\} (\d+)/gm))
      found.set(`${m[1]}.${m[2]}`, Number(m[3]))
    return found
  }

  test('the main thread, the webhook thread and, on SQLite, the checkpoint thread; no other', async () => {
    const threads = ['main', 'webhooks', ...(testDbKind === 'sqlite' ? ['sqlite_checkpoint'] : [])].sort()
    const found = await waitFor(`/metrics to list the heaps of ${threads.join(', ')}`, async () => {
      const f = await heaps()
      return threads.every((t) => f.has(`${t}.total`)) ? f : undefined
    })
    for (const thread of threads) {
      const used = found.get(`${thread}.used`) ?? 0
      const total = found.get(`${thread}.total`) ?? 0
      assert.ok(
        used > 1_000_000,
        `${thread}: ${used} bytes used; a V8 heap holds at least a megabyte of objects`,
      )
      assert.ok(
        total >= used,
        `${thread}: the heap holds ${total} bytes, less than the ${used} its objects use`,
      )
    }
    // Each thread costs memory (~19 MB for the checkpoint thread, decision 0123): none unlisted.
    assert.deepEqual(
      [...new Set([...found.keys()].map((k) => k.split('.')[0]))].sort(),
      threads,
      `no thread beyond ${threads.join(', ')} runs`,
    )
  })
})
