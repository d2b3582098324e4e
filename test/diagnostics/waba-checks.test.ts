import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { wabaTarget } from '../../src/channels/graph-target.ts'
import { testDbKind } from '../helpers/db.ts'
import { type Harness, startHarness } from '../helpers/harness.ts'
import { waitFor } from '../helpers/wait.ts'
import { assertCheck, doctor, onboard } from './helpers.ts'
import { cleanSeed, ids } from './seeds.ts'

// Each WABA's checks in pass, warn and fail, against the emulator: the access token (valid,
// temporary, expired), the app's subscription, the templates.

describe(`doctor: WABA checks (${testDbKind})`, () => {
  describe('token and subscription (default seed)', () => {
    let h: Harness
    before(async () => {
      h = await startHarness()
      await onboard(h, [h.emulator.seed.wabaId], [h.emulator.seed.phoneNumberIds[0]])
    })
    after(async () => {
      await h.close()
    })
    const subject = `WABA ${ids.wabaA}`
    const setToken = async (token: string) => {
      const res = await h.api('PUT', `/api/v1/admin/wabas/${ids.wabaA}/token`, {
        key: h.adminKey,
        body: { token, acceptTemporary: true },
      })
      assert.equal(res.status, 200, res.text)
    }

    test('a System User token that never expires passes; the subscribed app passes', async () => {
      const r = await doctor(h)
      assertCheck(r, 'token', 'pass', { subject, seen: /SYSTEM_USER token …oken, valid, never expires/ })
      assertCheck(r, 'webhook.subscribed', 'pass', { subject, seen: /App 900000000000001 is subscribed/ })
    })

    test('a temporary token is a warning with its expiry time and the System User fix', async () => {
      const { token } = h.emulator.control.addToken({ type: 'USER', expires_in: 3 * 86400 }) as {
        token: string
      }
      await setToken(token)
      const c = assertCheck(await doctor(h), 'token', 'warn', {
        subject,
        seen: /USER token …\w{4} expires at \d{4}-\d\d-\d\dT[\d:]+Z \(in 3 days\): a temporary token/,
        fix: /System User token, which never expires.*`wahub waba add --waba-id 100000000000001 --token <new System User token>`/,
      })
      assert.equal(c.data?.expiring, true)
    })

    test('an expired token fails with the catalogue fix for 190; what needs Meta is "not checked"', async () => {
      const { token } = h.emulator.control.addToken({ type: 'USER', expires_in: 3600 }) as { token: string }
      await setToken(token)
      h.emulator.control.expireToken(token)
      const r = await doctor(h)
      assertCheck(r, 'token', 'fail', {
        subject,
        seen: /Meta refused the token …\w{4}: \(#190\/463\)/,
        fix: /System User token .*`wahub waba add --waba-id 100000000000001 --token <new System User token>`/,
      })
      assertCheck(r, 'webhook.subscribed', 'warn', {
        subject,
        seen: /Not checked: Meta refused the access token/,
        fix: /token first/,
      })
      const pnid = h.emulator.seed.phoneNumberIds[0]
      assertCheck(r, 'number.in_waba', 'warn', { subject: pnid, seen: /Not checked/ })
      assertCheck(r, 'webhook.callback', 'warn', { subject: pnid, seen: /Not checked/ })
      // Stored values stand in, and say so.
      assertCheck(r, 'number.quality', 'pass', { subject: pnid, seen: /GREEN.*stored at .*Meta not asked/ })
      // One refused read, then nothing else is asked with that token.
      const reads = h.emulator.control
        .ledger({ kind: 'graph' })
        .filter((e) => (e as { errorCode?: number }).errorCode === 190)
      assert.ok(reads.length >= 1)
      await setToken(h.emulator.seed.accessToken)
    })

    test('an app no longer subscribed to the WABA fails with `wahub webhook subscribe`, and passes once subscribed', async () => {
      const t = await wabaTarget({ db: h.db.db, vault: h.wahub.vault, config: h.wahub.config }, ids.wabaA)
      await h.wahub.graph.unsubscribeApp(t.target, ids.wabaA)
      assertCheck(await doctor(h), 'webhook.subscribed', 'fail', {
        subject,
        seen: /not subscribed to this WABA \(subscribed apps: none\)/,
        fix: /`wahub webhook subscribe --waba-id 100000000000001`/,
      })
      const res = await h.api('POST', `/api/v1/admin/wabas/${ids.wabaA}/webhook/subscribe`, {
        key: h.adminKey,
      })
      assert.equal(res.status, 200, res.text)
      assertCheck(await doctor(h), 'webhook.subscribed', 'pass', { subject })
    })

    test('paused and disabled templates are warnings naming them', async () => {
      assertCheck(await doctor(h), 'templates', 'warn', {
        subject,
        seen: /paused: spring_promo \(en_US\); .*disabled: old_receipt \(en_US\)/,
        fix: /132015/,
      })
    })
  })

  describe('templates', () => {
    let h: Harness
    before(async () => {
      h = await startHarness({
        emulator: {
          seed: cleanSeed(),
          delays: { sentMs: 5, deliveredMs: 10, readMs: 20, templateReviewMs: 10 },
        },
      })
    })
    after(async () => {
      await h.close()
    })

    test('synced on add: pass; none held: a warning with the sync command; none approved: fail', async () => {
      const seed = h.emulator.seed
      await h.api('POST', '/api/v1/admin/apps', {
        key: h.adminKey,
        body: { appId: seed.appId, appSecret: seed.appSecret, verifyToken: seed.verifyToken },
      })
      await h.api('POST', '/api/v1/admin/wabas', {
        key: h.adminKey,
        body: { wabaId: ids.wabaA, token: seed.accessToken },
      })
      // A WABA's templates are read when it is added (the templates.sync job), no command needed.
      await waitFor('the templates of the new WABA synced', async () => {
        assertCheck(await doctor(h), 'templates', 'pass', { seen: /1 approved.*po_notification \(es\)/ })
        return true
      })

      // Wahub holds none (as when that sync failed): a warning naming the command.
      await h.db.db.deleteFrom('templates').execute()
      assertCheck(await doctor(h), 'templates', 'warn', {
        seen: /never synced/,
        fix: /wahub templates sync --waba-id 100000000000001/,
      })
      await h.api('POST', `/api/v1/admin/wabas/${ids.wabaA}/templates/sync`, { key: h.adminKey })
      assertCheck(await doctor(h), 'templates', 'pass', { seen: /1 approved.*po_notification \(es\)/ })

      // Meta rejects it (a template status webhook): nothing is left to start a conversation with.
      h.emulator.control.setTemplateStatus({
        name: 'po_notification',
        language: 'es',
        status: 'REJECTED',
        reason: 'INVALID_FORMAT',
      })
      await waitFor('the REJECTED status to reach Wahub', async () => {
        const row = await h.db.db
          .selectFrom('templates')
          .select('status')
          .where('name', '=', 'po_notification')
          .executeTakeFirst()
        return row?.status === 'REJECTED'
      })
      assertCheck(await doctor(h), 'templates', 'fail', {
        seen: /0 approved, 0 pending, 1 rejected.*no approved template/,
        fix: /WhatsApp Manager > Message templates/,
      })
    })
  })
})
