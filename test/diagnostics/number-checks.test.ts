import { after, before, describe, test } from 'node:test'
import { testDbKind } from '../helpers/db.ts'
import { type Harness, startHarness } from '../helpers/harness.ts'
import { assertCheck, doctor, type Onboarded2, onboard } from './helpers.ts'
import { ids, twoWabaSeed } from './seeds.ts'

// Each number's checks in pass, warn and fail against the emulator: under its WABA, names,
// quality and limit, registration, and where Meta sends its webhooks (seed 003's trap). States
// the emulator cannot put a number in (a declined name, a restricted number) are in checks.test.ts.

describe(`doctor: number checks (${testDbKind})`, () => {
  let h: Harness
  let on: Onboarded2
  before(async () => {
    h = await startHarness({ emulator: { seed: twoWabaSeed() } })
    on = await onboard(h, [ids.wabaA, ids.wabaB], [ids.good, ids.noName, ids.devMode])
  })
  after(async () => {
    await h.close()
  })

  test('a healthy number passes every check', async () => {
    const r = await doctor(h)
    const subject = `+1 555-010-0001 (${ids.good})`
    assertCheck(r, 'number.in_waba', 'pass', {
      subject,
      seen: /Meta lists 110000000000001 under WABA 100000000000001\./,
    })
    assertCheck(r, 'number.names', 'pass', {
      subject,
      seen: /"Bakery", name status APPROVED, code verification VERIFIED/,
    })
    assertCheck(r, 'number.quality', 'pass', {
      subject,
      seen: /Quality GREEN, messaging limit TIER_2K, throughput STANDARD \(80\/s\)/,
    })
    assertCheck(r, 'number.registered', 'pass', { subject, seen: /status CONNECTED, account mode LIVE/ })
    assertCheck(r, 'webhook.callback', 'pass', {
      subject,
      seen: new RegExp(`${h.url}/webhooks/whatsapp \\(the app's callback URL\\) = Wahub`),
    })
  })

  test('no verified name is a warning; a development-mode number warns about its allowed list (131030)', async () => {
    const r = await doctor(h)
    assertCheck(r, 'number.names', 'warn', { subject: ids.noName, fix: /display name in WhatsApp Manager/ })
    assertCheck(r, 'number.registered', 'warn', {
      subject: ids.devMode,
      seen: /development mode .*\(#131030\)/,
      fix: /Add the recipient as a test number/,
    })
  })

  test("seed 003's trap: a WABA-level or number-level override elsewhere fails, with the command that fixes it", async () => {
    const r = await doctor(h)
    assertCheck(r, 'webhook.callback', 'fail', {
      subject: ids.wabaOverride,
      seen: /https:\/\/old-vendor\.example\/webhooks \(a WABA-level override, which wins over the app's callback URL\)/,
      fix: /`wahub webhook override --level waba --waba-id 100000000000002`.*`wahub webhook subscribe --waba-id 100000000000002`/,
    })
    assertCheck(r, 'webhook.callback', 'fail', {
      subject: ids.numberOverride,
      seen: /https:\/\/another\.example\/hook \(a number-level override/,
      fix: /`wahub webhook override --level number --phone-number-id 120000000000002`/,
    })
  })

  test('a quality drop to YELLOW is a warning with what to do', async () => {
    h.emulator.control.setQuality(ids.good, 'YELLOW')
    try {
      const c = assertCheck(await doctor(h), 'number.quality', 'warn', {
        subject: ids.good,
        seen: /Quality YELLOW/,
        fix: /opted in/,
      })
      if (c.data?.qualityRating !== 'YELLOW') throw new Error('data.qualityRating')
    } finally {
      h.emulator.control.setQuality(ids.good, 'GREEN')
    }
  })

  test('an unregistered number fails and offers `wahub phone register`', async () => {
    h.emulator.control.updateNumber(ids.good, { registered: false })
    try {
      assertCheck(await doctor(h), 'number.registered', 'fail', {
        subject: ids.good,
        seen: /Not registered for the Cloud API \(status PENDING.*\(#133010\)/,
        fix: /`wahub phone register --phone-number-id 110000000000001 --pin <6-digit PIN>`/,
      })
    } finally {
      h.emulator.control.updateNumber(ids.good, { registered: true })
    }
  })

  test('a number Wahub files under the wrong WABA fails "belongs to the WABA"', async () => {
    // As after Meta moved the number to another WABA: Wahub still files it under WABA B.
    await h.db.db
      .updateTable('phone_numbers')
      .set({ waba_id: on.wabas[ids.wabaB] })
      .where('phone_number_id', '=', ids.noName)
      .execute()
    try {
      assertCheck(await doctor(h), 'number.in_waba', 'fail', {
        subject: ids.noName,
        seen: /Meta does not list 110000000000002 under WABA 100000000000002 \(it lists 120000000000001, 120000000000002\)/,
        fix: /`wahub number remove --phone-number-id 110000000000002` and `wahub number import --waba-id <that WABA id>`/,
      })
    } finally {
      await h.db.db
        .updateTable('phone_numbers')
        .set({ waba_id: on.wabas[ids.wabaA] })
        .where('phone_number_id', '=', ids.noName)
        .execute()
    }
  })
})
