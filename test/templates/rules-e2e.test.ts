import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { GraphLedgerEntry } from '../../src/emulator/ledger.ts'
import { testDbKind } from '../helpers/db.ts'
import { type Harness, type Onboarded, onboardSeed, startHarness } from '../helpers/harness.ts'
import { errorOf } from '../messaging/helpers.ts'

// Every rule of Meta's template creation, per component and per button kind, end to end: Wahub
// answers 422 template_invalid naming the field and a sentence saying what to change, and never
// asks Meta (the emulator's ledger shows no creation); the same draft sent straight to the
// emulator is refused too (HTTP 400, Graph error 100), so the emulator behaves as Meta does for a
// client that does not check first.

type Obj = Record<string, unknown>
type Case = {
  rule: string
  draft: Obj
  field: string
  said: RegExp
  /** false: Meta's documents do not say it refuses this at creation (left to its review). */
  emulatorToo?: false
}

const body = (text = 'Your order is ready.', examples?: string[]) => ({
  type: 'BODY',
  text,
  ...(examples ? { example: { body_text: [examples] } } : {}),
})
const withButtons = (...buttons: Obj[]) => ({ components: [body(), { type: 'BUTTONS', buttons }] })
const quick = (text = 'Thanks') => ({ type: 'QUICK_REPLY', text })
const link = (over: Obj = {}) => ({ type: 'URL', text: 'Track', url: 'https://shop.example/t', ...over })
const call = (phone_number = '+15550001234') => ({ type: 'PHONE_NUMBER', text: 'Call us', phone_number })
const code = (example = 'SAVE25') => ({ type: 'COPY_CODE', example })
const otp = (otp_type = 'COPY_CODE') => ({ type: 'OTP', otp_type })
const auth = (...components: Obj[]) => ({ category: 'AUTHENTICATION', components })
const authBody = { type: 'BODY', add_security_recommendation: true }

const cases: Case[] = [
  // The template itself.
  { rule: 'name format', draft: { name: 'Order Update' }, field: 'name', said: /lowercase letters/ },
  { rule: 'language code', draft: { language: 'english' }, field: 'language', said: /en_US/ },
  {
    rule: 'category',
    draft: { category: 'NEWS' },
    field: 'category',
    said: /MARKETING, UTILITY or AUTHENTICATION/,
  },
  {
    rule: 'parameter format',
    draft: { parameter_format: 'MIXED' },
    field: 'parameter_format',
    said: /NAMED/,
  },
  // HEADER: text, media, location.
  {
    rule: 'header text length',
    draft: { components: [{ type: 'HEADER', format: 'TEXT', text: 'x'.repeat(61) }, body()] },
    field: 'components[0].text',
    said: /at most 60/,
  },
  {
    rule: 'header text with two variables',
    draft: {
      components: [
        { type: 'HEADER', format: 'TEXT', text: 'Hi {{1}} {{2}}', example: { header_text: ['a', 'b'] } },
        body(),
      ],
    },
    field: 'components[0].text',
    said: /at most one/,
  },
  {
    rule: 'header variable without its example',
    draft: { components: [{ type: 'HEADER', format: 'TEXT', text: 'Hi {{1}}' }, body()] },
    field: 'components[0].example.header_text',
    said: /example/,
  },
  {
    rule: 'video header without a sample',
    draft: { components: [{ type: 'HEADER', format: 'VIDEO' }, body()] },
    field: 'components[0].example.header_handle',
    said: /sample file/,
  },
  {
    rule: 'document header without a sample',
    draft: { components: [{ type: 'HEADER', format: 'DOCUMENT' }, body()] },
    field: 'components[0].example.header_handle',
    said: /header_media/,
  },
  {
    rule: 'header format',
    draft: { components: [{ type: 'HEADER', format: 'GIF' }, body()] },
    field: 'components[0].format',
    said: /TEXT, IMAGE, VIDEO, DOCUMENT or LOCATION/,
  },
  // BODY.
  {
    rule: 'body length',
    draft: { components: [body('x'.repeat(1025))] },
    field: 'components[0].text',
    said: /1024/,
  },
  {
    rule: 'variables out of order',
    draft: { components: [body('Hi {{2}}, then {{1}}.', ['a', 'b'])] },
    field: 'components[0].text',
    said: /in order/,
    // Meta documents "sequential" placeholders; whether it refuses {{2}} written before {{1}}
    // is not documented. Wahub refuses it (decision 0036); the emulator accepts it.
    emulatorToo: false,
  },
  {
    rule: 'a variable without an example',
    draft: { components: [body('Hi {{1}}, welcome.')] },
    field: 'components[0].example.body_text',
    said: /exactly 1 example/,
  },
  {
    rule: 'a variable at the start',
    draft: { components: [body('{{1}} is ready for pickup.', ['Ana'])] },
    field: 'components[0].text',
    said: /must not start or end with a variable/,
  },
  {
    rule: 'a variable at the end',
    draft: { components: [body('Your order number is {{1}}', ['A-1'])] },
    field: 'components[0].text',
    said: /must not start or end with a variable/,
  },
  {
    rule: 'a named variable without its example',
    draft: {
      parameter_format: 'NAMED',
      components: [{ type: 'BODY', text: 'Hi {{customer_name}}, welcome.' }],
    },
    field: 'components[0].example.body_text_named_params',
    said: /customer_name/,
  },
  // FOOTER.
  {
    rule: 'footer length',
    draft: { components: [body(), { type: 'FOOTER', text: 'f'.repeat(61) }] },
    field: 'components[1].text',
    said: /at most 60/,
  },
  {
    rule: 'a variable in the footer',
    draft: { components: [body(), { type: 'FOOTER', text: 'Order {{1}}' }] },
    field: 'components[1].text',
    said: /cannot contain variables/,
  },
  // BUTTONS, each kind.
  {
    rule: 'quick reply text length',
    draft: withButtons(quick('t'.repeat(26))),
    field: 'components[1].buttons[0].text',
    said: /at most 25/,
  },
  {
    rule: 'quick replies apart',
    draft: withButtons(quick('Yes'), link(), quick('No')),
    field: 'components[1].buttons',
    said: /grouped together/,
  },
  {
    rule: 'URL that is not http(s)',
    draft: withButtons(link({ url: 'ftp://shop.example/t' })),
    field: 'components[1].buttons[0].url',
    said: /http\(s\)/,
  },
  {
    rule: 'URL variable not at the end',
    draft: withButtons(link({ url: 'https://shop.example/{{1}}/track', example: ['A1'] })),
    field: 'components[1].buttons[0].url',
    said: /at the very end/,
  },
  {
    rule: 'URL variable without an example',
    draft: withButtons(link({ url: 'https://shop.example/t/{{1}}' })),
    field: 'components[1].buttons[0].example',
    said: /example of the URL variable/,
  },
  {
    rule: 'three URL buttons',
    draft: withButtons(link(), link(), link()),
    field: 'components[1].buttons[2].type',
    said: /at most 2 URL buttons/,
  },
  {
    rule: 'phone number format',
    draft: withButtons(call('call me')),
    field: 'components[1].buttons[0].phone_number',
    said: /international format/,
  },
  {
    rule: 'two phone buttons',
    draft: withButtons(call(), call()),
    field: 'components[1].buttons[1].type',
    said: /at most 1 PHONE_NUMBER button/,
  },
  {
    rule: 'copy code longer than 15',
    draft: withButtons(code('SUMMER-SALE-2026-XL')),
    field: 'components[1].buttons[0].example',
    said: /at most 15/,
  },
  {
    rule: 'two copy code buttons',
    draft: withButtons(code(), code()),
    field: 'components[1].buttons[1].type',
    said: /at most 1 COPY_CODE button/,
  },
  {
    rule: 'eleven buttons',
    draft: withButtons(...Array.from({ length: 11 }, (_, i) => quick(`Option ${i}`))),
    field: 'components[1].buttons',
    said: /at most 10/,
  },
  {
    rule: 'an OTP button outside authentication',
    draft: withButtons(otp()),
    field: 'components[1].buttons[0].type',
    said: /only for AUTHENTICATION/,
  },
  // AUTHENTICATION templates.
  {
    rule: 'authentication with a header',
    draft: auth({ type: 'HEADER', format: 'TEXT', text: 'Code' }, authBody, {
      type: 'BUTTONS',
      buttons: [otp()],
    }),
    field: 'components[0].type',
    said: /no header/,
  },
  {
    rule: 'authentication body text',
    draft: auth({ type: 'BODY', text: 'Your code is {{1}}.' }, { type: 'BUTTONS', buttons: [otp()] }),
    field: 'components[0].text',
    said: /leave text out/,
  },
  {
    rule: 'code expiry beyond 90 minutes',
    draft: auth(
      authBody,
      { type: 'FOOTER', code_expiration_minutes: 120 },
      { type: 'BUTTONS', buttons: [otp()] },
    ),
    field: 'components[1].code_expiration_minutes',
    said: /1 to 90/,
  },
  {
    rule: 'authentication with another button',
    draft: auth(authBody, { type: 'BUTTONS', buttons: [quick()] }),
    field: 'components[1].buttons[0].type',
    said: /one OTP button only/,
  },
  {
    rule: 'authentication without its OTP button',
    draft: auth(authBody),
    field: 'components',
    said: /OTP button/,
  },
  {
    rule: 'OTP delivery kind',
    draft: auth(authBody, { type: 'BUTTONS', buttons: [otp('SMS')] }),
    field: 'components[1].buttons[0].otp_type',
    said: /COPY_CODE, ONE_TAP or ZERO_TAP/,
  },
]

describe(`template rules, per component and button kind, end to end (${testDbKind})`, () => {
  let h: Harness
  let seed: Onboarded
  const creations = () =>
    (h.emulator.control.ledger({ kind: 'graph' }) as GraphLedgerEntry[]).filter(
      (e) => e.method === 'POST' && e.path.endsWith('/message_templates'),
    ).length
  const draftOf = (c: Case): Obj => ({
    name: 'rule_check',
    language: 'en_US',
    category: 'UTILITY',
    components: [body()],
    ...c.draft,
  })

  before(async () => {
    h = await startHarness({ emulator: { templateReview: 'manual' } })
    seed = await onboardSeed(h)
  })
  after(async () => {
    await h.close()
  })

  test('the valid base draft is accepted, so each case below fails for its one rule', async () => {
    const res = await h.api('POST', `/api/v1/admin/wabas/${seed.wabaRowId}/templates`, {
      key: h.adminKey,
      body: draftOf({ rule: 'none', draft: { name: 'rule_base' }, field: '', said: /./ }),
    })
    assert.equal(res.status, 201, res.text)
  })

  for (const c of cases) {
    test(`${c.rule}: 422 naming ${c.field}; Meta is not asked; the emulator refuses it too`, async () => {
      const before = creations()
      const res = await h.api('POST', `/api/v1/admin/wabas/${seed.wabaRowId}/templates`, {
        key: h.adminKey,
        body: draftOf(c),
      })
      assert.equal(res.status, 422, res.text)
      const e = errorOf(res)
      assert.equal(e.code, 'template_invalid', res.text)
      assert.equal((e.details as { field: string }).field, c.field, e.message)
      assert.match(e.message, c.said)
      assert.ok(e.message.startsWith(`${c.field}: `), `the sentence names the field: ${e.message}`)
      assert.equal(creations(), before, 'nothing was submitted to Meta')

      if (c.emulatorToo === false) return
      const direct = await fetch(`${h.emulator.url}/v23.0/${seed.wabaId}/message_templates`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${h.emulator.seed.accessToken}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify(draftOf(c)),
      })
      const answer = (await direct.json()) as { error?: { code?: number; message?: string } }
      assert.equal(direct.status, 400, `the emulator accepted a draft Meta refuses (${c.rule})`)
      assert.equal(answer.error?.code, 100, JSON.stringify(answer))
    })
  }
})
