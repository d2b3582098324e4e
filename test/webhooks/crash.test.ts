import assert from 'node:assert/strict'
import path from 'node:path'
import { test } from 'node:test'
import { sql } from 'kysely'
import { openData, prepareDataDir, startWahubServe } from '../../bench/lib.ts'
import { benchChannel, inboundBody, sign } from '../../bench/traffic.ts'
import { journalSegments, readSegment } from '../../src/webhooks/intake-journal.ts'
import { runCrash } from '../helpers/crash-run.ts'
import { testDbKind } from '../helpers/db.ts'
import { waitFor } from '../helpers/wait.ts'

// SPEC §5: "an event answered 200 is never lost, even on kill -9 the next instant". The full
// 10,000-event version with figures is `npm run bench -- crash`; this one runs on every CI.
test('kill -9 in the middle of a burst: every webhook answered 200 is stored, retries fill the rest, no duplicates', async () => {
  const result = await runCrash(2000, 800)
  assert.ok(
    result.answeredBeforeKill >= 800 && result.answeredBeforeKill < 2000,
    `killed mid-burst (${result.answeredBeforeKill} of 2000 deliveries answered 200 at the kill)`,
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

// SQLite answers once the intake journal holds the batch (decision 0129). Here the webhook thread
// cannot commit at all (a trigger refuses every insert), so the answered webhooks exist only in
// the journal when the server is killed; the next start commits them, once each.
test('kill -9 while the webhook thread cannot commit: the answered webhooks are in the intake journal and the next start commits and processes them', {
  skip: testDbKind !== 'sqlite',
}, async () => {
  const prepared = await prepareDataDir(benchChannel, 'sqlite')
  const dbFile = path.join(prepared.dataDir, 'wahub.db')
  const exec = async (statement: string) => {
    const handle = await openData(prepared)
    try {
      await sql.raw(statement).execute(handle.db)
    } finally {
      await handle.close()
    }
  }
  await exec(
    `create trigger journal_test_block before insert on webhook_events begin select raise(abort, 'refused by the test'); end`,
  )
  let server = await startWahubServe(prepared.env)
  try {
    const bodies = [inboundBody(), inboundBody(), inboundBody()]
    for (const body of bodies) {
      const res = await fetch(`${server.url}/webhooks/whatsapp`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-hub-signature-256': sign(body) },
        body,
      })
      assert.equal(res.status, 200, 'a webhook in the journal is answered 200')
    }
    const journaled = journalSegments(dbFile).flatMap((s) => readSegment(s.file))
    assert.equal(
      journaled.flatMap((b) => JSON.parse(b.rows) as unknown[]).length,
      3,
      'the three answered webhooks are in the journal',
    )
    server.child.kill('SIGKILL')
    await new Promise((resolve) => server.child.once('exit', resolve))
    await exec('drop trigger journal_test_block')
    server = await startWahubServe(prepared.env)
    const handle = await openData(prepared)
    try {
      const messages = await waitFor('the three messages to be processed into the inbox', async () => {
        const rows = await handle.db
          .selectFrom('messages')
          .select('wamid')
          .where('direction', '=', 'in')
          .execute()
        return rows.length >= 3 ? rows : undefined
      })
      assert.deepEqual(
        messages.map((m) => m.wamid).sort(),
        bodies.map((b) => /"id":"(wamid[^"]+)"/.exec(b)?.[1]).sort(),
        'each answered webhook became its message, once',
      )
      const events = await handle.db.selectFrom('webhook_events').select('body').execute()
      assert.deepEqual(
        events.map((e) => Buffer.from(e.body).toString()).sort(),
        [...bodies].sort(),
        'each answered webhook is stored once, byte for byte',
      )
      assert.deepEqual(journalSegments(dbFile), [], 'the recovered journal is deleted')
    } finally {
      await handle.close()
    }
  } finally {
    await server.stop('SIGKILL')
    await prepared.remove()
  }
})
