import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { handshakeCheck, signaturesCheck } from '../../src/diagnostics/checks/setup.ts'
import { groupUnrouted, unroutedCheck } from '../../src/diagnostics/checks/traffic.ts'

// diagnostics/checks/setup.ts and traffic.ts are pure: facts in, { status, seen, fix } out.
// These states are cheap to state as facts and slow to build through the emulator.

describe('doctor: handshake, signatures and unrouted webhooks from facts', () => {
  test('a handshake that echoes the challenge passes; a 403 fails naming the verify token', () => {
    const ok = handshakeCheck(
      {
        kind: 'answered',
        url: 'https://hub.example/webhooks/whatsapp',
        status: 200,
        body: 'c1',
        challenge: 'c1',
      },
      true,
    )
    assert.equal(ok.status, 'pass')
    const refused = handshakeCheck(
      {
        kind: 'answered',
        url: 'https://hub.example/webhooks/whatsapp',
        status: 403,
        body: 'Forbidden',
        challenge: 'c1',
      },
      true,
    )
    assert.equal(refused.status, 'fail')
    assert.match(refused.seen, /answered HTTP 403 "Forbidden"/)
    assert.match(refused.fix ?? '', /verify token/)
  })

  test('an unreachable public URL fails saying the local URL was used when WAHUB_PUBLIC_URL is unset', () => {
    const c = handshakeCheck(
      { kind: 'unreachable', url: 'http://127.0.0.1:1/webhooks/whatsapp', error: 'ECONNREFUSED' },
      false,
    )
    assert.equal(c.status, 'fail')
    assert.match(c.seen, /WAHUB_PUBLIC_URL is not set.*ECONNREFUSED/)
  })

  test('refused webhooks: a signature mismatch fails (messages are lost), no refusals pass', () => {
    assert.equal(signaturesCheck({}).status, 'pass')
    const c = signaturesCheck({ signature_mismatch: 3, other: 0 })
    assert.equal(c.status, 'fail')
    assert.match(c.seen, /signature_mismatch × 3/)
    assert.doesNotMatch(c.seen, /other/, 'reasons with no refusal are not listed')
  })

  test('parked webhooks are grouped per number from their reason, counted, with the latest time', () => {
    const groups = groupUnrouted([
      {
        id: 'evt_1',
        received_at: 1_000,
        outcome_reason: 'unknown phone_number_id 111',
        phone_number_ids: '111',
      },
      {
        id: 'evt_2',
        received_at: 3_000,
        outcome_reason: 'unknown phone_number_id 111',
        phone_number_ids: '111',
      },
      {
        id: 'evt_3',
        received_at: 2_000,
        outcome_reason: 'number 222 is not assigned to a tenant',
        phone_number_ids: '222',
      },
    ])
    assert.deepEqual(groups.get('111'), { kind: 'unknown', count: 2, lastAt: 3_000, sampleId: 'evt_1' })
    assert.equal(groups.get('222')?.kind, 'unassigned')
  })

  test('an unknown number of a known WABA gets the exact `wahub number add` command as its fix', () => {
    const c = unroutedCheck(
      [
        {
          phoneNumberId: '111',
          kind: 'unknown',
          count: 2,
          lastAt: Date.now(),
          wabaId: '900',
          display: null,
          wabaKnown: true,
        },
      ],
      [{ phone_number_id: '222', display_phone_number: '+1 555-010-0002' }],
      null,
    )
    assert.notEqual(c.status, 'pass')
    assert.match(c.fix ?? '', /wahub number add --phone-number-id 111 --waba-id 900/)
    assert.equal(unroutedCheck([], [], null).status, 'pass')
  })
})
