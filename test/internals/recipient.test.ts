import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { WahubError } from '../../src/errors.ts'
import { normaliseRecipient, recipientKey } from '../../src/messaging/recipient.ts'

// messaging/recipient.ts is pure: the recipient in Meta's form (digits, country code, no + and no
// leading 0), or invalid_recipient naming the input — before anything is queued (SPEC §6).

function refused(input: string, country: string | null, why: RegExp): void {
  assert.throws(
    () => normaliseRecipient(input, country),
    (err: unknown) =>
      err instanceof WahubError &&
      err.code === 'invalid_recipient' &&
      err.message.includes(`"${input}"`) &&
      why.test(err.message),
    `${input} should be refused with invalid_recipient matching ${why}`,
  )
}

describe('recipient normalisation', () => {
  test('an international number in any common spelling becomes digits with the country code', () => {
    for (const input of ['+34 612 34 56 78', '+34-612-345-678', '0034612345678', '+34 (612) 345.678']) {
      assert.deepEqual(normaliseRecipient(input, null), { kind: 'phone', waId: '34612345678', input }, input)
    }
  })

  test("a national number takes the tenant's default country, and its leading 0 is dropped", () => {
    assert.equal(recipientKey(normaliseRecipient('07700 900123', 'GB')), '447700900123')
    assert.equal(
      recipientKey(normaliseRecipient('612 34 56 78', 'es')),
      '34612345678',
      'country is case-blind',
    )
  })

  test('digits without + are read as country code + number when they are not a national number', () => {
    assert.equal(recipientKey(normaliseRecipient('34612345678', 'GB')), '34612345678')
    assert.equal(recipientKey(normaliseRecipient('5511987654321', null)), '5511987654321')
  })

  test('a business-scoped user id (username users) is kept as a user recipient', () => {
    const r = normaliseRecipient(' US.13491208655302741918 ', null)
    assert.deepEqual(r, {
      kind: 'user',
      userId: 'US.13491208655302741918',
      input: ' US.13491208655302741918 ',
    })
    assert.equal(recipientKey(r), 'US.13491208655302741918')
  })

  test('letters, two + signs, too few digits and impossible numbers are refused, saying why', () => {
    refused('call me', null, /only digits/)
    refused('+34+612345678', null, /one \+/)
    refused('12345', null, /too short/)
    refused('1234567', null, /default country/)
    refused('999999999999999999', 'ES', /neither national for ES nor with a country code/)
  })
})
