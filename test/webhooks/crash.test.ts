import assert from 'node:assert/strict'
import { test } from 'node:test'
import { runCrash } from '../helpers/crash-run.ts'

// SPEC §5: "an event answered 200 is never lost, even on kill -9 the next instant". The full
// 10,000-event version with figures is `npm run bench -- crash`; this one runs on every CI.
test('kill -9 in the middle of a burst: every webhook answered 200 is stored, retries fill the rest, no duplicates', async () => {
  const result = await runCrash(2000, 800)
  assert.ok(
    result.storedBeforeKill >= 800 && result.storedBeforeKill < 2000,
    `killed mid-burst (${result.storedBeforeKill} stored)`,
  )
  assert.equal(
    result.answered200Missing,
    0,
    `${result.answered200Missing} webhooks were answered 200 but are not in the database`,
  )
  assert.equal(result.deliveriesGivenUp, 0, 'the emulator gave up on some deliveries')
  assert.equal(result.messagesStored, 2000, 'every message sent by a customer is in the inbox')
  assert.equal(result.duplicateMessages, 0, 'no message is stored twice')
  assert.ok(result.failedAttempts > 0, 'the kill should have made some deliveries fail and be retried')
})
