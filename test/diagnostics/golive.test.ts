import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { GoliveGuide, GoliveStep, StepId } from '../../src/diagnostics/golive-types.ts'
import { runCliHere } from '../helpers/cli.ts'
import { testDbKind } from '../helpers/db.ts'
import { type Harness, startHarness } from '../helpers/harness.ts'
import { waitFor } from '../helpers/wait.ts'
import { seed001Done, seed002Production } from '../internals/golive-checklists.ts'
import { type Onboarded2, onboard } from './helpers.ts'

// The go-live guide (issue 21) against the emulator: from nothing, every step is to do; a
// connected number that delivered a template and got its webhook is live; and each step Meta
// exposes through Graph fails, with its fix, when the emulator is set up the way seeds 001–003
// went wrong (unverified business, app in development mode, temporary token, unregistered
// number, a callback override pointing elsewhere).

async function guide(h: Harness, query = 'fresh=true'): Promise<GoliveGuide> {
  const res = await h.api('GET', `/api/v1/admin/golive?${query}`, { key: h.adminKey })
  assert.equal(res.status, 200, `GET /api/v1/admin/golive answers: ${res.text}`)
  return res.body as GoliveGuide
}

function stepOf(g: GoliveGuide, id: StepId): GoliveStep {
  const s = g.steps.find((x) => x.id === id)
  assert.ok(s, `the guide has the step ${id}: ${g.steps.map((x) => x.id).join(', ')}`)
  return s
}

function describeSteps(g: GoliveGuide): string {
  return g.steps.map((s) => `${s.id}: ${s.state} — ${s.seen} / ${s.fix ?? ''}`).join('\n')
}

describe(`go-live guide (${testDbKind})`, () => {
  let h: Harness
  let on: Onboarded2
  const seedNumber = '110000000000001'
  before(async () => {
    h = await startHarness()
  })
  after(async () => {
    await h?.close()
  })

  test('GET /api/v1/admin/golive: no credentials 401, a bad number id 400 naming the field, an unknown one 404', async () => {
    assert.equal((await h.api('GET', '/api/v1/admin/golive')).status, 401, 'no credentials: 401')
    const bad = await h.api('GET', '/api/v1/admin/golive?number=../x', { key: h.adminKey })
    assert.equal(bad.status, 400, bad.text)
    assert.match(bad.text, /number/, 'the 400 names the field')
    const unknown = await h.api('GET', '/api/v1/admin/golive?number=199999999999999', { key: h.adminKey })
    assert.equal(unknown.status, 404, unknown.text)
  })

  test('on a fresh Wahub every step is to do or to confirm in Meta, and the next is business verification', async () => {
    const g = await guide(h)
    assert.equal(g.waba, null)
    assert.equal(g.live, false)
    for (const s of g.steps) {
      assert.ok(
        ['todo', 'manual', 'done'].includes(s.state),
        `nothing fails before anything is connected: ${s.id} ${s.state} ${s.seen}`,
      )
      if (s.state !== 'done') assert.ok(s.fix, `${s.id} says what to do`)
    }
    assert.equal(g.next, 'business.verified', describeSteps(g))
    assert.equal(stepOf(g, 'app.connected').state, 'todo')
    assert.match(stepOf(g, 'app.connected').fix ?? '', /wahub app add/)
    assert.match(stepOf(g, 'security.two_factor').metaUiPlace ?? '', /Two-factor authentication/)
  })

  test('a connected number that delivered a template and received its webhook is live', async () => {
    on = await onboard(h, [h.emulator.seed.wabaId], [seedNumber])
    const send = await h.api('POST', '/api/v1/messages', {
      key: on.key,
      body: {
        from: seedNumber,
        to: '16505551234',
        type: 'template',
        template: { name: 'hello_world', language: { code: 'en_US' } },
      },
    })
    assert.equal(send.status, 202, send.text)
    const id = (send.body as { id: string }).id
    await waitFor('the template to be delivered', async () => {
      const m = await h.api('GET', `/api/v1/messages/${id}`, { key: on.key })
      return ['delivered', 'read'].includes((m.body as { status: string }).status)
    })
    const g = await guide(h, `number=${seedNumber}&fresh=true`)
    assert.equal(g.number?.phoneNumberId, seedNumber)
    for (const s of g.steps)
      assert.ok(
        s.state === 'done' || s.state === 'manual',
        `step ${s.id} is done or manual:\n${describeSteps(g)}`,
      )
    assert.equal(g.live, true, describeSteps(g))
    assert.equal(
      stepOf(g, 'token.permanent').doctorCheckId,
      'token',
      'the token step links the doctor finding',
    )
    assert.match(stepOf(g, 'token.scopes').seen, /whatsapp_business_messaging/)
    assert.match(stepOf(g, 'message.delivered').seen, /delivered/)
  })

  test("every item of seed 001's and seed 002's checklists is a step the live number's guide shows done or to confirm", async () => {
    const g = await guide(h, `number=${seedNumber}`)
    for (const { item, steps } of [...seed001Done, ...seed002Production]) {
      for (const id of steps) {
        const s = stepOf(g, id)
        assert.ok(s.state === 'done' || s.state === 'manual', `"${item}" → ${id}: ${s.state} (${s.seen})`)
        if (s.state === 'manual') assert.ok(s.metaUiPlace, `"${item}" names where to confirm it in Meta`)
      }
    }
  })

  const failing: {
    name: string
    step: StepId
    breakIt: () => Promise<void> | void
    fix: RegExp
    place?: RegExp
    mend: () => Promise<void> | void
  }[] = [
    {
      name: 'an unverified business',
      step: 'business.verified',
      breakIt: () =>
        void h.emulator.control.updateWaba(h.emulator.seed.wabaId, {
          business_verification_status: 'not_verified',
        }),
      fix: /business verification/i,
      place: /Business verification/,
      mend: () =>
        void h.emulator.control.updateWaba(h.emulator.seed.wabaId, {
          business_verification_status: 'verified',
        }),
    },
    {
      name: 'the app in development mode',
      step: 'app.live',
      breakIt: () => void h.emulator.control.updateApp({ mode: 'development' }),
      fix: /App Mode to Live/,
      place: /App Mode/,
      mend: () => void h.emulator.control.updateApp({ mode: 'live' }),
    },
    {
      name: 'no privacy policy URL on the app',
      step: 'app.privacy_policy',
      breakIt: () => void h.emulator.control.updateApp({ privacy_policy_url: '' }),
      fix: /privacy policy/i,
      place: /App settings > Basic > Privacy Policy URL/,
      mend: () => void h.emulator.control.updateApp({ privacy_policy_url: 'https://example.com/privacy' }),
    },
    {
      name: 'a temporary token',
      step: 'token.permanent',
      breakIt: async () => {
        const { token } = h.emulator.control.addToken({ type: 'USER', expires_in: 86400 }) as {
          token: string
        }
        const res = await h.api('PUT', `/api/v1/admin/wabas/${h.emulator.seed.wabaId}/token`, {
          key: h.adminKey,
          body: { token, acceptTemporary: true },
        })
        assert.equal(res.status, 200, res.text)
      },
      fix: /System User token.*wahub waba add --waba-id/,
      place: /System users/,
      mend: async () => {
        const res = await h.api('PUT', `/api/v1/admin/wabas/${h.emulator.seed.wabaId}/token`, {
          key: h.adminKey,
          body: { token: h.emulator.seed.accessToken },
        })
        assert.equal(res.status, 200, res.text)
      },
    },
    {
      name: 'an unregistered number',
      step: 'number.registered',
      breakIt: () => void h.emulator.control.updateNumber(seedNumber, { registered: false }),
      fix: /wahub phone register --phone-number-id 110000000000001/,
      place: /Two-step verification/,
      mend: () => void h.emulator.control.updateNumber(seedNumber, { registered: true }),
    },
    {
      name: 'a WABA-level callback override pointing elsewhere',
      step: 'webhook.callback',
      breakIt: () =>
        void h.emulator.control.updateWaba(h.emulator.seed.wabaId, {
          override_callback_uri: 'https://old-vendor.example/webhooks',
        }),
      fix: /wahub webhook (override|subscribe)/,
      place: /WhatsApp > Configuration/,
      mend: () => void h.emulator.control.updateWaba(h.emulator.seed.wabaId, { override_callback_uri: '' }),
    },
  ]
  for (const f of failing) {
    test(`${f.name}: the step ${f.step} fails with its fix, and passes again once mended`, async () => {
      await f.breakIt()
      try {
        const g = await guide(h, `number=${seedNumber}&fresh=true`)
        const s = stepOf(g, f.step)
        assert.equal(s.state, 'failing', `${f.step} fails with ${f.name}:\n${describeSteps(g)}`)
        assert.match(s.fix ?? '', f.fix, `${f.step}'s fix says what to do: ${s.fix}`)
        if (f.place) assert.match(s.metaUiPlace ?? '', f.place, `${f.step} names the place in Meta's screens`)
        assert.equal(g.live, false, 'a failing step means not live')
      } finally {
        await f.mend()
      }
      const again = stepOf(await guide(h, `number=${seedNumber}&fresh=true`), f.step)
      assert.equal(again.state, 'done', `${f.step} is done again once mended: ${again.seen}`)
    })
  }

  test('no payment method visible: the billing step is left to confirm in Meta, naming where', async () => {
    h.emulator.control.updateWaba(h.emulator.seed.wabaId, { primary_funding_id: null })
    try {
      const s = stepOf(await guide(h, `number=${seedNumber}&fresh=true`), 'billing.payment_method')
      assert.equal(s.state, 'manual', s.seen)
      assert.match(s.metaUiPlace ?? '', /Billing and payments/)
    } finally {
      h.emulator.control.updateWaba(h.emulator.seed.wabaId, { primary_funding_id: 'fund_1' })
    }
  })

  test('`wahub golive` prints every step with its state and exits 1 while one fails', async () => {
    const env = {
      WAHUB_DATA_DIR: h.db.dataDir,
      ...(h.db.databaseUrl ? { DATABASE_URL: h.db.databaseUrl } : {}),
      WAHUB_GRAPH_URL: h.emulator.url,
      WAHUB_PUBLIC_URL: h.url,
      WAHUB_SANDBOX: 'off',
      PORT: new URL(h.url).port,
    }
    const ok = await runCliHere(['golive', '--number', seedNumber, '--fresh'], env)
    assert.equal(ok.code, 0, ok.stdout + ok.stderr)
    assert.match(ok.stdout, /✓ First message delivered \[done\]/)
    assert.match(ok.stdout, /\? Two-factor authentication on the Meta accounts \[manual\]/)
    h.emulator.control.updateNumber(seedNumber, { registered: false })
    try {
      const res = await runCliHere(['golive', '--number', seedNumber, '--fresh', '--json'], env)
      assert.equal(res.code, 1, 'a failing step exits 1')
      const json = JSON.parse(res.stdout) as GoliveGuide
      assert.equal(json.steps.find((s) => s.id === 'number.registered')?.state, 'failing')
    } finally {
      h.emulator.control.updateNumber(seedNumber, { registered: true })
    }
  })
})
