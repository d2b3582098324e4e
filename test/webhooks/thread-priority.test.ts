import assert from 'node:assert/strict'
import fs from 'node:fs'
import { after, before, describe, test } from 'node:test'
import { testDbKind } from '../helpers/db.ts'
import { type Harness, startHarness } from '../helpers/harness.ts'
import { waitFor } from '../helpers/wait.ts'

// Decision 0133: the webhook thread (processing, the fold, SQLite's intake commits) runs at a lower
// scheduling priority than the thread that answers Meta, so on a busy machine an answer never
// waits in the run queue behind catch-up work.

/** This process's threads by name (/proc/self/task/<tid>/comm) with their nice values. */
function threads(): { tid: number; name: string; nice: number }[] {
  return fs.readdirSync('/proc/self/task').flatMap((tid) => {
    try {
      const name = fs.readFileSync(`/proc/self/task/${tid}/comm`, 'utf8').trim()
      const stat = fs.readFileSync(`/proc/self/task/${tid}/stat`, 'utf8')
      // Fields after the name's closing parenthesis start at field 3 (state); nice is field 19.
      const nice = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16])
      return [{ tid: Number(tid), name, nice }]
    } catch {
      return [] // a thread that ended meanwhile
    }
  })
}

describe(`the webhook thread's priority (${testDbKind})`, { skip: process.platform !== 'linux' }, () => {
  let h: Harness
  before(async () => {
    h = await startHarness()
  })
  after(async () => {
    await h?.close()
  })

  test('the webhook thread runs 10 nice steps below the thread that answers Meta', async () => {
    const main = threads().find((t) => t.tid === process.pid)
    assert.ok(main, 'the main thread is listed')
    // The thread lowers its own priority as it starts.
    const webhooks = await waitFor(
      `the thread named wahub-webhooks to run at a lower priority than nice ${main.nice}`,
      () => threads().find((t) => t.name === 'wahub-webhooks' && t.nice > main.nice),
    )
    assert.equal(
      webhooks.nice,
      Math.min(19, main.nice + 10),
      `the webhook thread runs at nice ${webhooks.nice}, the answering thread at ${main.nice}`,
    )
  })
})
