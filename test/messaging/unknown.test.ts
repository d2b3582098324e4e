import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { type Server, startWahubServe } from '../../bench/lib.ts'
import { testDbKind } from '../helpers/db.ts'
import { waitFor } from '../helpers/wait.ts'
import {
  errorOf,
  graphSends,
  runJobsNow,
  type SendWorld,
  sendOk,
  settled,
  startSendWorld,
  waitStatus,
} from './helpers.ts'

// The unknown outcome (SPEC §6, decision 0006): a send interrupted after its request may have
// reached Meta — the connection dropped after Meta processed it, or the worker killed while
// waiting for the answer — becomes `unknown`, is reported, is never resent by itself, and
// POST /api/v1/messages/:id/retry sends it again deliberately.

const hello = (to: string) => ({ to, type: 'template', template: { name: 'hello_world', language: 'en_US' } })
const sendsTo = (w: SendWorld, to: string) =>
  graphSends(w).filter((e) => (e.body as { to?: string } | null)?.to === to)

describe(`unknown outcomes and the deliberate retry (${testDbKind})`, () => {
  let w: SendWorld

  before(async () => {
    w = await startSendWorld()
    // The template cache is filled first: the faults below would also cut the auto-sync.
    const sync = await w.h.api('POST', `/api/v1/admin/wabas/${w.seed.wabaRowId}/templates/sync`, {
      key: w.h.adminKey,
    })
    assert.equal(sync.status, 200, sync.text)
  })
  after(async () => {
    await w.h.close()
  })

  test('a connection dropped after Meta processed the send: unknown, reported, not resent; retry sends it again', async () => {
    w.h.emulator.control.setFaults({ graph: { dropRate: 1, dropWhen: 'after' } })
    const to = '34600000401'
    const sent = await sendOk(w, hello(to))
    const unknown = await waitStatus(w, sent.id, 'unknown')
    w.h.emulator.control.clearFaults()
    assert.equal(unknown.wamid, null)
    assert.equal(unknown.error, null)
    assert.match(String(unknown.statusReason), /may have sent it/)
    assert.deepEqual(
      unknown.actions.map((a) => [a.name, a.href]),
      [['retry', `/api/v1/messages/${sent.id}/retry`]],
    )
    const step = unknown.history.find((h) => h.status === 'unknown')
    assert.equal(step?.detail?.kind, 'connection')
    assert.equal(sendsTo(w, to).length, 1, 'Meta got it once (and really sent it)')
    // Nothing resends it by itself: no job is left, and a nudge changes nothing.
    await settled(w)
    await runJobsNow(w)
    assert.equal(sendsTo(w, to).length, 1)
    const line = w.h
      .logLines()
      .map((l) => JSON.parse(l) as { msg: string; messageId?: string; title?: string })
      .find((l) => l.msg === 'send failed' && l.messageId === sent.id)
    assert.equal(line?.title, 'outcome unknown')

    // The deliberate retry.
    const retried = await w.h.api('POST', `/api/v1/messages/${sent.id}/retry`, { key: w.key })
    assert.equal(retried.status, 202, retried.text)
    assert.equal((retried.body as { status: string }).status, 'queued')
    const d = await waitStatus(w, sent.id, ['sent', 'delivered', 'read'])
    assert.equal(sendsTo(w, to).length, 2)
    const steps = d.history.filter((h) => h.source === 'wahub').map((h) => h.status)
    assert.deepEqual(steps, ['queued', 'unknown', 'requeued', 'sent'])
  })

  test('retry is refused for a message that is not unknown or failed, and for another tenant’s', async () => {
    const ok = await sendOk(w, hello('34600000402'))
    await waitStatus(w, ok.id, ['sent', 'delivered', 'read'])
    const res = await w.h.api('POST', `/api/v1/messages/${ok.id}/retry`, { key: w.key })
    assert.equal(res.status, 409, res.text)
    assert.equal(errorOf(res).code, 'not_retryable')
    const other = await w.h.api('POST', `/api/v1/messages/${ok.id}/retry`, { key: w.seed.globex.key })
    assert.equal(other.status, 404, other.text)
  })

  test('a worker killed while Meta is answering leaves the message unknown; no other worker resends it', async () => {
    await settled(w)
    // Only a separate `wahub serve` sends: this instance's send worker is stopped.
    await w.h.wahub.sendWorker.stop()
    const env: Record<string, string> = {
      WAHUB_DATA_DIR: w.h.db.dataDir,
      WAHUB_GRAPH_URL: w.h.emulator.url,
      WAHUB_SANDBOX: 'off',
      LOG_LEVEL: 'silent',
      ...(w.h.db.databaseUrl ? { DATABASE_URL: w.h.db.databaseUrl } : {}),
    }
    let server: Server | undefined
    try {
      // The server process itself (not the `wahub` launcher, which cannot pass SIGKILL on).
      server = await startWahubServe(env)
      // Meta takes 3 s to answer: the worker is waiting for it when it dies.
      w.h.emulator.control.setFaults({ graph: { latencyMs: 3000 } })
      const to = '34600000403'
      const sent = await sendOk(w, hello(to))
      await waitFor(
        'the other instance to be sending it',
        async () =>
          (
            await w.h.db.db
              .selectFrom('messages')
              .select('status')
              .where('id', '=', sent.id)
              .executeTakeFirst()
          )?.status === 'sending',
        { timeoutMs: 20_000 },
      )
      await server.stop('SIGKILL')
      // Whether Meta processed the request it received is what nobody can know now.
      w.h.emulator.control.clearFaults()

      // Its lease runs out (30 s, simulated) and a worker of this instance reclaims the job.
      await w.h.db.db.updateTable('jobs').set({ locked_at: 0 }).where('kind', '=', 'message.send').execute()
      const fresh = (await import('../../src/messaging/send-worker.ts')).createSendWorker({
        handle: w.h.db,
        ctx: {
          db: w.h.db.db,
          vault: w.h.wahub.vault,
          graph: w.h.wahub.graph,
          config: w.h.wahub.config,
          log: w.h.wahub.log,
        },
        lanes: w.h.wahub.lanes,
        pollMs: 50,
      })
      fresh.start()
      try {
        const unknown = await waitStatus(w, sent.id, 'unknown', { timeoutMs: 20_000 })
        const step = unknown.history.find((h) => h.status === 'unknown')
        assert.equal(step?.detail?.kind, 'interrupted')
        assert.match(String(step?.detail?.reason), /stopped/)
        await settled(w)
        const sentBefore = sendsTo(w, to).filter((e) => e.status === 200).length
        assert.ok(sentBefore <= 1, 'never sent a second time by itself')
        const retried = await w.h.api('POST', `/api/v1/messages/${sent.id}/retry`, { key: w.key })
        assert.equal(retried.status, 202, retried.text)
        fresh.nudge()
        await waitStatus(w, sent.id, ['sent', 'delivered', 'read'])
        assert.equal(sendsTo(w, to).filter((e) => e.status === 200).length, sentBefore + 1)
      } finally {
        await fresh.stop()
      }
    } finally {
      await server?.stop('SIGKILL')
      w.h.emulator.control.clearFaults()
    }
  })
})
