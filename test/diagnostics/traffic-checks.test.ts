import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { testDbKind } from '../helpers/db.ts'
import { type Harness, startHarness } from '../helpers/harness.ts'
import { waitFor } from '../helpers/wait.ts'
import { assertCheck, doctor, insertOutbound, type Onboarded2, onboard } from './helpers.ts'
import { ids, twoWabaSeed } from './seeds.ts'

// What happened, in pass, warn and fail: webhooks arriving (none for hours while sends are
// accepted), webhooks parked for unknown or unassigned numbers (seed 000's "Platform not
// found"), and recent send failures grouped by Meta's code with the catalogue's fix.

const hour = 60 * 60_000

describe(`doctor: traffic checks (${testDbKind})`, () => {
  let h: Harness
  let on: Onboarded2
  before(async () => {
    h = await startHarness({ emulator: { seed: twoWabaSeed() } })
    // devMode is imported but given to no tenant: its inbound webhooks wait, unassigned.
    on = await onboard(h, [ids.wabaA], [ids.good, ids.noName])
  })
  after(async () => {
    await h.close()
  })

  test('nothing sent, nothing received: "cannot tell yet" is a warning; nothing unrouted, no failures pass', async () => {
    const r = await doctor(h)
    assertCheck(r, 'webhooks.arriving', 'warn', {
      seen: /No webhook has ever arrived, and nothing was sent/,
      fix: /Write to the number/,
    })
    assertCheck(r, 'webhooks.unrouted', 'pass')
    assertCheck(r, 'sends.failures', 'pass', { seen: /No send failed in the last 24 h/ })
  })

  test('accepted sends and no webhook ever is a failure', async () => {
    await insertOutbound(h, {
      tenantId: on.tenantId,
      numberRowId: on.numbers[ids.good],
      waId: '34612345678',
      status: 'sent',
      at: Date.now() - hour,
    })
    assertCheck(await doctor(h), 'webhooks.arriving', 'fail', {
      seen: /1 send accepted by Meta in the last 24 h .*but no webhook has ever arrived/,
      fix: /`wahub webhook status`/,
    })
  })

  test('a customer writes: webhooks arrive (pass); hours of silence after accepted sends is a warning', async () => {
    h.emulator.control.customerSends(
      '34612345678',
      { type: 'text', text: { body: 'Hola' } },
      { phoneNumberId: ids.good },
    )
    await waitFor('the inbound message', async () =>
      h.db.db.selectFrom('messages').select('id').where('direction', '=', 'in').executeTakeFirst(),
    )
    assertCheck(await doctor(h), 'webhooks.arriving', 'pass', { seen: /last webhook at/ })
    // Three hours on: the sends made since the last webhook got no status at all.
    const later = Date.now() + 3 * hour
    await insertOutbound(h, {
      tenantId: on.tenantId,
      numberRowId: on.numbers[ids.good],
      waId: '34612345678',
      status: 'sent',
      at: later - hour,
    })
    assertCheck(await doctor(h, { now: () => later }), 'webhooks.arriving', 'warn', {
      seen: /but no webhook since .* \(3 h\)/,
      fix: /statuses .* are lost/,
    })
  })

  test('webhooks for a number no tenant has are unrouted: a warning with the tenant command', async () => {
    h.emulator.control.customerSends(
      '16505551234',
      { type: 'text', text: { body: 'hi' } },
      { phoneNumberId: ids.devMode },
    )
    const c = await waitFor('the unassigned webhook to be reported', async () => {
      const r = await doctor(h)
      const found = r.checks.find((x) => x.id === 'webhooks.unrouted')
      return found?.status === 'warn' ? found : undefined
    })
    assert.match(
      c.seen,
      /110000000000003 \(\+15550100003\) of WABA 100000000000001: 1 webhook \(last at .*\) for a number no tenant has/,
    )
    assert.match(c.fix ?? '', /`wahub tenant update --name <tenant> --number 110000000000003`/)
  })

  test('"Platform not found": webhooks for an unknown phone_number_id fail, naming it, its WABA, the known ones and the fix', async () => {
    h.emulator.control.customerSends(
      '34612345678',
      { type: 'text', text: { body: '¿Hola?' } },
      { phoneNumberId: ids.stranger },
    )
    const c = await waitFor('the unknown number to be reported', async () => {
      const r = await doctor(h)
      const found = r.checks.find((x) => x.id === 'webhooks.unrouted')
      return found?.status === 'fail' ? found : undefined
    })
    assert.match(
      c.seen,
      /130000000000001 \(\+15550300001\) of WABA 100000000000003: 1 webhook \(last at .*\) for a phone_number_id Wahub does not know/,
    )
    assert.match(
      c.seen,
      /The numbers Wahub knows: 110000000000001 \(\+1 555-010-0001\), 110000000000002 \(\+1 555-010-0002\), 110000000000003/,
    )
    assert.match(
      c.fix ?? '',
      /`wahub waba add --waba-id 100000000000003 --token <token>` then `wahub number import --waba-id 100000000000003`/,
    )
    // Scoped to that id: doctor says what arrived for it even though Wahub does not know it.
    const scoped = await doctor(h, { channel: ids.stranger })
    assertCheck(scoped, 'channels', 'fail', {
      seen: /holds no number with phone_number_id 130000000000001/,
      fix: /wahub number add --phone-number-id 130000000000001/,
    })
    assertCheck(scoped, 'webhooks.unrouted', 'fail', { subject: ids.stranger })
    assert.ok(!scoped.checks.some((x) => x.id === 'token'), 'no WABA checks for an unknown number')
  })

  test('send failures are grouped by code with the catalogue fix; 131030 fails, recipient-side codes only warn', async () => {
    const base = { tenantId: on.tenantId, numberRowId: on.numbers[ids.noName] }
    await insertOutbound(h, {
      ...base,
      waId: '447700900123',
      status: 'failed',
      errorCode: 131026,
      errorTitle: 'Message undeliverable',
    })
    assertCheck(await doctor(h), 'sends.failures', 'warn', { seen: /\(#131026\) × 1/, fix: /131026: / })
    for (const waId of ['34600000001', '34600000002']) {
      await insertOutbound(h, {
        ...base,
        waId,
        status: 'failed',
        errorCode: 131030,
        errorTitle: 'Recipient phone number not in allowed list',
      })
    }
    await insertOutbound(h, {
      ...base,
      waId: '34600000003',
      status: 'failed',
      errorCode: 190,
      errorTitle: 'Access token has expired',
    })
    const c = assertCheck(await doctor(h), 'sends.failures', 'fail', {
      seen: /\(#131030\) × 2, last at .*, e\.g\. to 3460000000\d, 3460000000\d: The recipient is not in the allowed list/,
    })
    assert.match(c.fix ?? '', /131030: Add the recipient as a test number .* take the app live/)
    assert.match(
      c.fix ?? '',
      /190: Generate a System User token .* `wahub waba add --waba-id 100000000000001 --token <new System User token>`/,
    )
    // Scoped to another number: none of these.
    assertCheck(await doctor(h, { channel: ids.good }), 'sends.failures', 'pass', { subject: ids.good })
  })
})
