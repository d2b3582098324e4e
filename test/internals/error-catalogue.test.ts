import assert from 'node:assert/strict'
import { test } from 'node:test'
import {
  explainMetaError,
  type MetaErrorInfo,
  metaErrorRanges,
  metaErrors,
} from '../../src/cloud-api/error-catalogue.ts'
import {
  documentedErrorCodes,
  documentedErrorRanges,
  documentedHttpStatus,
} from '../cloud-api/meta-documented.ts'

// The catalogue against Meta's documented codes, kept as data in test/cloud-api/meta-documented.ts
// (with their sources), so the repository needs nothing beside it.

const catalogue: Record<number, MetaErrorInfo> = metaErrors
const catalogued = Object.keys(catalogue).map(Number)

test('every error code Meta documents is explained by the catalogue', () => {
  const missing = [...documentedErrorCodes].filter(([code]) => !Object.hasOwn(catalogue, code))
  assert.deepEqual(
    missing.map(([code, where]) => `${code} (${where})`),
    [],
    'codes Meta documents without a catalogue entry',
  )
  for (const [code] of documentedErrorCodes) {
    const info = explainMetaError(code)
    assert.equal(info.known, true, `${code} is not known`)
    assert.ok(info.meaning.length > 10 && info.fix.length > 10, `${code} lacks a meaning or a fix`)
  }
})

test('every catalogued code is one Meta documents (nothing invented)', () => {
  const invented = catalogued.filter((code) => !documentedErrorCodes.has(code))
  assert.deepEqual(
    invented,
    [],
    'catalogue codes Meta never documents (add them to meta-documented.ts with a source first)',
  )
})

test('every code family Meta documents (200–299, 138xxx, 139xxx, 2388xxx) is explained by range', () => {
  for (const { from, to, where } of documentedErrorRanges) {
    for (const code of [from, Math.floor((from + to) / 2), to]) {
      const info = explainMetaError(code)
      assert.notEqual(info.category, 'unknown', `code ${code} of the family at ${where} is unexplained`)
    }
  }
})

test("HTTP statuses match Meta's older table (M-ERR-OLD)", () => {
  for (const [code, { status, where }] of documentedHttpStatus) {
    assert.equal(catalogue[code]?.httpStatus, status, `HTTP status of ${code} differs from ${where}`)
  }
  assert.equal(explainMetaError(250).httpStatus, 403, 'the 200–299 family answers 403 (M-ERR-OLD)')
})

const validStatuses = new Set([400, 401, 403, 404, 429, 500, 503])

for (const code of catalogued) {
  test(`code ${code} is explained consistently`, () => {
    const info = catalogue[code]
    assert.ok(info.title.trim(), 'title is empty')
    assert.ok(/[.)]$/.test(info.meaning), `meaning should be a sentence: ${info.meaning}`)
    assert.ok(/[.)`]$/.test(info.fix), `fix should be a sentence: ${info.fix}`)
    assert.ok(validStatuses.has(info.httpStatus), `unexpected HTTP status ${info.httpStatus}`)
    if (info.retry === 'slow_lane')
      assert.ok(code === 130429 || code === 131056, 'only 130429/131056 slow a lane')
    if (info.category === 'throughput')
      assert.equal(info.retry, 'slow_lane', 'throughput errors slow the lane')
    if (info.category === 'server') assert.equal(info.retry, 'backoff', 'transient server errors back off')
    if (info.category === 'rate_limit')
      assert.notEqual(info.retry, 'no', 'a rate limit is not a permanent failure')
    if (info.category === 'auth') {
      assert.equal(info.httpStatus, 401, 'auth errors are 401')
      assert.equal(info.retry, 'no', 'resending with a bad token cannot succeed')
    }
    if (info.category === 'permission') assert.equal(info.retry, 'no', 'a missing permission does not heal')
    if (info.category === 'window') assert.equal(code, 131047, 'only 131047 is the 24-hour window')
    if (info.retry === 'backoff') assert.ok(info.fix.includes('Wahub'), 'say that Wahub retries by itself')
    const explained = explainMetaError(code)
    assert.deepEqual(
      { ...explained, code: undefined, known: undefined },
      { ...info, code: undefined, known: undefined },
    )
  })
}

// SPEC §7: the seed reports get these wrong; Wahub must not.
test('131047 is the 24-hour window and the fix is a template', () => {
  const info = explainMetaError(131047)
  assert.equal(info.category, 'window')
  assert.match(info.meaning, /24 hours/)
  assert.match(info.fix, /template/)
})

test('80007 is a WABA rate limit, not the 24-hour window', () => {
  const info = explainMetaError(80007)
  assert.equal(info.category, 'rate_limit')
  assert.match(info.meaning, /WhatsApp Business Account reached its rate limit/)
  assert.notEqual(info.retry, 'no', '80007 is retried with backoff')
})

test('131030 means the recipient is not in the allowed list of a development number, not a bad format', () => {
  const info = explainMetaError(131030)
  assert.equal(info.category, 'recipient')
  assert.match(info.meaning, /not in the allowed list/)
  assert.match(info.fix, /test number/)
  assert.doesNotMatch(info.meaning, /format/)
})

test('131031 means the business account is locked, not a bad phone format', () => {
  const info = explainMetaError(131031)
  assert.equal(info.category, 'account')
  assert.match(info.meaning, /locked/)
  assert.doesNotMatch(info.meaning, /phone format/)
})

test('132001 means the template does not exist in that language or is not approved', () => {
  const info = explainMetaError(132001)
  assert.equal(info.category, 'template')
  assert.match(info.meaning, /does not exist in this language, or it is not approved/)
  assert.equal(info.httpStatus, 404)
})

test('132000 means the parameter count does not match the template', () => {
  const info = explainMetaError(132000)
  assert.equal(info.category, 'template')
  assert.match(info.meaning, /number of parameters sent does not match/)
})

test('133010 is the business number not being registered, not the recipient', () => {
  const info = explainMetaError(133010)
  assert.equal(info.category, 'registration')
  assert.match(info.meaning, /business phone number/)
  assert.match(info.fix, /wahub phone register/)
})

test('190 tells the operator to install a System User token with wahub waba add', () => {
  const info = explainMetaError(190, 463)
  assert.equal(info.category, 'auth')
  assert.match(info.fix, /System User token/)
  assert.match(info.fix, /wahub waba add --token/)
  assert.match(info.meaning, /subcode 463/, 'the subcode refines the meaning')
})

test('130429 slows the number lane and 131056 slows only that recipient', () => {
  assert.equal(explainMetaError(130429).retry, 'slow_lane')
  assert.equal(explainMetaError(130429).category, 'throughput')
  assert.equal(explainMetaError(131056).retry, 'slow_lane')
  assert.match(explainMetaError(131056).fix, /this recipient/)
})

test('an uncatalogued code is explained generically and flagged unknown', () => {
  const info = explainMetaError(987654)
  assert.equal(info.known, false)
  assert.equal(info.category, 'unknown')
  assert.equal(info.retry, 'no', 'never resend blindly on an unknown code')
  assert.match(info.meaning, /987654/)
})

test('an uncatalogued code inside a family is explained by its range', () => {
  const info = explainMetaError(215)
  assert.equal(info.known, false)
  assert.equal(info.category, 'permission')
  assert.equal(explainMetaError(138006).category, 'calling')
  assert.equal(explainMetaError(2388023).category, 'template')
  assert.ok(!('from' in info), 'range bounds do not leak into the explanation')
})

test('catalogued codes win over their family range', () => {
  assert.equal(explainMetaError(200).known, true)
  assert.equal(explainMetaError(133004).category, 'server', '133004 is transient despite being 133xxx')
  assert.ok(metaErrorRanges.every((r) => r.from <= r.to))
})

test('inherited object keys are not error codes', () => {
  assert.equal(explainMetaError(Number('constructor')).category, 'unknown')
  assert.equal(explainMetaError(Number.NaN).known, false)
})
