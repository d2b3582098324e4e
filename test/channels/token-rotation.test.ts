import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { numberTarget } from '../../src/channels/graph-target.ts'
import { testDbKind } from '../helpers/db.ts'
import { type Harness, type Onboarded, onboardSeed, startHarness } from '../helpers/harness.ts'

// Seed 003: a temporary token is replaced by a permanent one while the channel is in use; seed
// 001: tokens are rotated. Sends read the token per request, so nothing needs a restart and no
// send fails, even when the old token is revoked right after the replacement.

describe(`replacing a WABA token while messages flow (${testDbKind})`, () => {
  let h: Harness
  let seed: Onboarded
  before(async () => {
    h = await startHarness({ emulator: { throughput: 0, pairRateLimit: false } })
    seed = await onboardSeed(h)
  })
  after(async () => {
    await h.close()
  })

  test('no send fails while the token is replaced and the old one revoked', async () => {
    const ctx = { db: h.db.db, vault: h.wahub.vault, config: h.wahub.config }
    const customer = h.emulator.seed.customers[0].wa_id
    const oldToken = h.emulator.seed.accessToken
    const newToken = h.emulator.control.addToken({}).token as string
    const failures: string[] = []
    let sent = 0
    let sentWithNew = 0
    let sentAfterRevoke = 0
    let revoked = false
    let stop = false

    const sender = (async () => {
      while (!stop) {
        const t = await numberTarget(ctx, seed.acme.phoneNumberId) // per send: the current token
        try {
          const r = await h.wahub.graph.sendMessage(t.target, t.phoneNumberId, {
            messaging_product: 'whatsapp',
            to: customer,
            type: 'text',
            text: { body: `message ${sent}` },
          })
          assert.match(r.messages[0].id, /^wamid\./)
          sent++
          if (t.target.token === newToken) sentWithNew++
          if (revoked) sentAfterRevoke++
        } catch (err) {
          failures.push((err as Error).message)
        }
      }
    })()

    const waitUntil = async (done: () => boolean) => {
      while (!done() && failures.length === 0) await new Promise((resolve) => setImmediate(resolve))
    }
    const waitSent = (n: number) => waitUntil(() => sent >= n)
    await waitSent(20)
    const res = await h.api('PUT', `/api/v1/admin/wabas/${seed.wabaRowId}/token`, {
      key: h.adminKey,
      body: { token: newToken },
    })
    assert.equal(res.status, 200, res.text)
    assert.equal((res.body as { waba: { tokenLast4: string } }).waba.tokenLast4, newToken.slice(-4))
    // The sender is sequential: once one send used the new token, none is left with the old one.
    await waitUntil(() => sentWithNew > 0)
    h.emulator.control.revokeToken(oldToken)
    revoked = true
    const before = sent
    await waitSent(before + 20)
    stop = true
    await sender

    assert.deepEqual(failures, [], 'no send failed')
    assert.ok(
      sentAfterRevoke >= 20,
      `sends went on with the new token after the old one was revoked (${sentAfterRevoke})`,
    )
    const ledger = h.emulator.control.ledger({ kind: 'graph' })
    const sends = ledger.filter((e) => e.kind === 'graph' && e.path.endsWith('/messages'))
    assert.ok(
      sends.every((e) => e.kind === 'graph' && e.status === 200),
      'the emulator answered every send with 200',
    )
  })
})
