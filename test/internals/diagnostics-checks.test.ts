import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { mediaStoreCheck } from '../../src/diagnostics/checks/media-store.ts'
import { namesCheck, numberView, qualityCheck, registeredCheck } from '../../src/diagnostics/checks/number.ts'
import { subscriptionsCheck } from '../../src/diagnostics/checks/subscriptions.ts'
import { tokenCheck } from '../../src/diagnostics/checks/waba.ts'
import type { NumberRow, WabaRow } from '../../src/diagnostics/facts-repo.ts'
import { renderReport } from '../../src/diagnostics/render-text.ts'
import { check, summarise } from '../../src/diagnostics/types.ts'

// The check functions are pure (facts in, finding out). The emulator cannot put a number in
// every state Meta can (a declined display name, a restricted number, a token without the
// messaging permission), so those states are checked here on the facts Meta would give.

const row: NumberRow = {
  id: 'pn_1',
  phone_number_id: '110000000000001',
  waba_id: 'waba_1',
  tenant_id: null,
  display_phone_number: '+1 555-010-0001',
  verified_name: 'Bakery',
  name_status: 'APPROVED',
  quality_rating: 'GREEN',
  messaging_limit_tier: 'TIER_1K',
  throughput_level: 'STANDARD',
  throughput_mps: 80,
  code_verification_status: 'VERIFIED',
  platform_type: 'CLOUD_API',
  status: 'CONNECTED',
  account_mode: 'LIVE',
  registered: 1,
  is_sandbox: 0,
  refreshed_at: Date.now(),
  created_at: 0,
  updated_at: 0,
}

const waba: WabaRow = {
  id: 'waba_1',
  waba_id: '100000000000001',
  name: null,
  meta_app_id: 'app_1',
  tenant_id: null,
  token_type: 'SYSTEM_USER',
  token_expires_at: null,
  token_last4: 'abcd',
  access_token_enc: '',
  api_version: null,
  graph_url: null,
  is_sandbox: 0,
}

function meta(fields: Record<string, unknown>) {
  return numberView(row, { ok: true, value: { id: row.phone_number_id, ...fields } })
}

describe('doctor check functions on the facts Meta gives', () => {
  test('a declined display name fails; one under review warns; an unverified code warns', () => {
    const declined = namesCheck(
      row,
      meta({ display_phone_number: '+1 555-010-0001', verified_name: 'Bakery', name_status: 'DECLINED' }),
    )
    assert.equal(declined.status, 'fail')
    assert.match(declined.fix ?? '', /WhatsApp Manager > Phone numbers > Profile/)
    const review = namesCheck(
      row,
      meta({
        display_phone_number: '+1 555-010-0001',
        verified_name: 'Bakery',
        name_status: 'PENDING_REVIEW',
        code_verification_status: 'VERIFIED',
      }),
    )
    assert.equal(review.status, 'warn')
    const code = namesCheck(
      row,
      meta({
        display_phone_number: '+1 555-010-0001',
        verified_name: 'Bakery',
        name_status: 'APPROVED',
        code_verification_status: 'NOT_VERIFIED',
      }),
    )
    assert.equal(code.status, 'warn')
    assert.match(code.fix ?? '', /SMS or voice code/)
  })

  test('a restricted or banned number fails the quality check; RED warns', () => {
    for (const status of ['RESTRICTED', 'FLAGGED', 'BANNED']) {
      const c = qualityCheck(row, meta({ quality_rating: 'RED', status }))
      assert.equal(c.status, 'fail', status)
      assert.match(c.fix ?? '', /Account quality/)
    }
    assert.equal(qualityCheck(row, meta({ quality_rating: 'RED', status: 'CONNECTED' })).status, 'warn')
  })

  test('a number Meta cannot be asked about is judged on its stored values, and says so', () => {
    const v = numberView(
      { ...row, registered: 0 },
      { ok: false, problem: { kind: 'skipped', reason: 'Meta refused the access token' } },
    )
    const c = registeredCheck(row, v)
    assert.equal(c.status, 'fail')
    assert.match(c.seen, /stored at .*; Meta not asked: Meta refused the access token/)
  })

  test('a token without whatsapp_business_messaging fails; debug_token unavailable falls back to the stored expiry', () => {
    const now = Date.now()
    const noSend = tokenCheck(
      waba,
      {
        debug: {
          ok: true,
          value: {
            data: {
              is_valid: true,
              type: 'SYSTEM_USER',
              expires_at: 0,
              scopes: ['whatsapp_business_management'],
            },
          },
        },
        probe: null,
      },
      now,
    )
    assert.equal(noSend.status, 'fail')
    assert.match(noSend.seen, /lacks whatsapp_business_messaging/)
    const fallback = tokenCheck(
      { ...waba, token_type: 'USER', token_expires_at: now + 3600_000 },
      {
        debug: {
          ok: false,
          problem: { kind: 'meta', code: 100, category: 'parameter', title: 'x', meaning: 'm', fix: 'f' },
        },
        probe: { ok: true, value: [] },
      },
      now,
    )
    assert.equal(fallback.status, 'warn')
    assert.match(fallback.seen, /expires at .*\(in 1 h\).*debug_token unavailable; stored expiry/)
  })

  test('the text report groups checks, shows the fix of warnings and failures only, and sums up', () => {
    const checks = [
      check('channels', null, 'pass', '1 number in 1 WABA.'),
      check('token', 'WABA 1', 'fail', 'expired.', 'wahub waba add …'),
      check('sends.failures', null, 'warn', '(#131026) × 1', '131026: …\n131047: …'),
    ]
    const summary = summarise(checks)
    const text = renderReport({ generatedAt: 0, channel: null, checks, summary, ok: false, metaReadAt: null })
    assert.match(text, /\nInstallation\n {2}✓ WhatsApp numbers connected: 1 number in 1 WABA\.\n/)
    assert.match(text, /\nWABA 1\n {2}✗ Access token: expired\.\n {6}fix: wahub waba add …\n/)
    assert.match(
      text,
      /\nTraffic\n {2}! Send failures \(24 h\): \(#131026\) × 1\n {6}fix: 131026: …\n {11}131047: …\n/,
    )
    assert.match(text, /1 passed, 1 warning, 1 failed\./)
  })
})

describe('media.storage: can media be stored where WAHUB_MEDIA_URL says', () => {
  test('a bucket that takes the probe passes and says it is shared', () => {
    const c = mediaStoreCheck({ location: 's3://wahub-media/prod', shared: true, error: null })
    assert.equal(c.status, 'pass')
    assert.match(c.seen, /s3:\/\/wahub-media\/prod, shared by every instance/)
  })
  test('the data directory passes but names the setting several instances need', () => {
    const c = mediaStoreCheck({ location: 'file:///srv/wahub', shared: false, error: null })
    assert.equal(c.status, 'pass')
    assert.match(c.seen, /this machine only: with several instances, set WAHUB_MEDIA_URL/)
  })
  test('a probe that fails is a failure with the store, the reason and where to look', () => {
    const c = mediaStoreCheck({
      location: 's3://wahub-media/prod',
      shared: true,
      error:
        'S3 upload of media/.probe-1 in s3://wahub-media/prod failed (NoSuchBucket: The specified bucket does not exist)',
    })
    assert.equal(c.status, 'fail')
    assert.match(c.seen, /NoSuchBucket/)
    assert.match(c.fix ?? '', /bucket exists, WAHUB_MEDIA_URL .* AWS_ACCESS_KEY_ID/)
  })
})

describe('webhook.subscriptions: are tenants receiving their events', () => {
  const sub = {
    id: 'whs_1',
    tenantName: 'acme',
    url: 'https://hooks.example.com/x',
    enabled: true,
    disabledReason: null,
  }
  test('a subscription failing for less than an hour passes', () => {
    const c = subscriptionsCheck([{ ...sub, failingSince: 1_000 }], 1_000 + 59 * 60_000)
    assert.equal(c.status, 'pass', c.seen)
  })
  test('a subscription failing for an hour warns, naming it and the host', () => {
    const c = subscriptionsCheck([{ ...sub, failingSince: 1_000 }], 1_000 + 61 * 60_000)
    assert.equal(c.status, 'warn')
    assert.match(c.seen, /whs_1 \(hooks\.example\.com, tenant acme\)/)
    assert.match(String(c.fix), /wahub subscription redeliver/)
  })
  test('a subscription Wahub disabled warns with the reason', () => {
    const c = subscriptionsCheck(
      [{ ...sub, enabled: false, disabledReason: 'event 9 failed 8 times', failingSince: 1 }],
      2,
    )
    assert.equal(c.status, 'warn')
    assert.match(c.seen, /disabled: event 9 failed 8 times/)
  })
})
