import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { WahubError } from '../../src/errors.ts'
import { checkTemplateDraft, type TemplateDraft } from '../../src/templates/template-rules.ts'

// Meta's template rules, checked before Meta is asked: each broken rule is a 422
// template_invalid naming the field and saying what to change.

const body = (text: string, example?: string[]) => ({
  type: 'BODY',
  text,
  ...(example ? { example: { body_text: [example] } } : {}),
})
const base = (over: Partial<TemplateDraft> = {}): TemplateDraft => ({
  name: 'order_update',
  language: 'en_US',
  category: 'UTILITY',
  components: [body('Hi {{1}}, order {{2}} shipped.', ['Ana', 'A-1'])],
  ...over,
})
const buttons = (...list: Record<string, unknown>[]) => ({ type: 'BUTTONS', buttons: list })

function refused(draft: TemplateDraft, field: string, words: RegExp, options?: { hasMedia?: boolean }) {
  assert.throws(
    () => checkTemplateDraft(draft, options),
    (err: unknown) => {
      assert.ok(err instanceof WahubError, String(err))
      assert.equal(err.code, 'template_invalid')
      assert.equal(err.status, 422)
      assert.equal((err.details as { field: string }).field, field, err.message)
      assert.match(err.message, words)
      return true
    },
  )
}

describe('template rules (checked before Meta)', () => {
  test('a complete template with every component and button kind passes', () => {
    checkTemplateDraft(
      base({
        components: [
          { type: 'HEADER', format: 'TEXT', text: 'Order {{1}}', example: { header_text: ['A-1'] } },
          body('Hi {{1}}, order {{2}} shipped.', ['Ana', 'A-1']),
          { type: 'FOOTER', text: 'Reply STOP to opt out' },
          buttons(
            { type: 'QUICK_REPLY', text: 'Thanks' },
            { type: 'QUICK_REPLY', text: 'Help' },
            { type: 'URL', text: 'Track', url: 'https://ex.com/t/{{1}}', example: ['A-1'] },
            { type: 'PHONE_NUMBER', text: 'Call us', phone_number: '+15550001234' },
            { type: 'COPY_CODE', example: 'SAVE25' },
          ),
        ],
      }),
    )
  })

  test('named parameters and an authentication template with an OTP button pass', () => {
    checkTemplateDraft(
      base({
        parameter_format: 'NAMED',
        components: [
          {
            type: 'BODY',
            text: 'Hello {{customer_name}}, your total is {{total}}.',
            example: {
              body_text_named_params: [
                { param_name: 'customer_name', example: 'Sheena' },
                { param_name: 'total', example: '€10' },
              ],
            },
          },
        ],
      }),
    )
    checkTemplateDraft(
      base({
        category: 'AUTHENTICATION',
        components: [
          { type: 'BODY', add_security_recommendation: true },
          { type: 'FOOTER', code_expiration_minutes: 10 },
          buttons({ type: 'OTP', otp_type: 'COPY_CODE', text: 'Copy code' }),
        ],
      }),
    )
  })

  test('name, language, category and format are refused with the field named', () => {
    refused(base({ name: 'Order Update' }), 'name', /lowercase letters, digits and underscores/)
    refused(base({ name: 'x'.repeat(513) }), 'name', /at most 512/)
    refused(base({ language: 'english' }), 'language', /en_US/)
    refused(base({ category: 'PROMO' }), 'category', /MARKETING, UTILITY or AUTHENTICATION/)
    refused(base({ parameter_format: 'MIXED' }), 'parameter_format', /POSITIONAL or NAMED/)
    refused(base({ components: [] }), 'components', /BODY/)
    refused(base({ components: [{ type: 'FOOTER', text: 'x' }] }), 'components', /BODY/)
    refused(base({ components: [body('a'), body('b')] }), 'components[1].type', /one BODY/)
  })

  test('body: length, variable order and naming, variables at the ends, example count', () => {
    refused(base({ components: [body('x'.repeat(1025))] }), 'components[0].text', /1025 characters.*1024/)
    refused(
      base({ components: [body('Hi {{2}} and {{1}} ok', ['a', 'b'])] }),
      'components[0].text',
      /in order/,
    )
    refused(base({ components: [body('Hi {{name}} ok', ['a'])] }), 'components[0].text', /must be a number/)
    refused(
      base({ parameter_format: 'NAMED', components: [body('Hi {{1}} ok')] }),
      'components[0].text',
      /lowercase letters/,
    )
    refused(base({ components: [body('{{1}} is here', ['a'])] }), 'components[0].text', /start or end/)
    refused(base({ components: [body('Here is {{1}}', ['a'])] }), 'components[0].text', /start or end/)
    checkTemplateDraft(base({ components: [body('Stock: {{1}} {{2}}.', ['5', 'kg'])] }))
    refused(
      base({ components: [body('Hi {{1}} and {{2}} ok')] }),
      'components[0].example.body_text',
      /2 example values/,
    )
    refused(
      base({ components: [body('Hi {{1}} and {{2}} ok', ['a'])] }),
      'components[0].example.body_text',
      /exactly 2/,
    )
    refused(
      base({
        parameter_format: 'NAMED',
        components: [{ type: 'BODY', text: 'Hi {{who}} ok', example: { body_text_named_params: [] } }],
      }),
      'components[0].example.body_text_named_params',
      /\{\{who\}\}/,
    )
  })

  test('header and footer limits', () => {
    const h = (c: Record<string, unknown>) => base({ components: [c, body('Hello there')] })
    refused(h({ type: 'HEADER', format: 'TEXT', text: 'x'.repeat(61) }), 'components[0].text', /at most 60/)
    refused(
      h({ type: 'HEADER', format: 'TEXT', text: '{{1}} {{2}}', example: { header_text: ['a', 'b'] } }),
      'components[0].text',
      /at most one/,
    )
    refused(
      h({ type: 'HEADER', format: 'TEXT', text: 'Hi {{1}}' }),
      'components[0].example.header_text',
      /1 example value/,
    )
    refused(h({ type: 'HEADER', format: 'GIF' }), 'components[0].format', /IMAGE, VIDEO/)
    refused(h({ type: 'HEADER', format: 'IMAGE' }), 'components[0].example.header_handle', /header_media/)
    checkTemplateDraft(h({ type: 'HEADER', format: 'IMAGE' }), { hasMedia: true })
    checkTemplateDraft(h({ type: 'HEADER', format: 'LOCATION' }))
    refused(
      base({ components: [body('Hello there'), { type: 'FOOTER', text: 'x'.repeat(61) }] }),
      'components[1].text',
      /at most 60/,
    )
    refused(
      base({ components: [body('Hello there'), { type: 'FOOTER', text: 'Bye {{1}}' }] }),
      'components[1].text',
      /cannot contain variables/,
    )
  })

  test('button limits and each button kind', () => {
    const b = (...list: Record<string, unknown>[]) =>
      base({ components: [body('Hello there'), buttons(...list)] })
    const qr = { type: 'QUICK_REPLY', text: 'Ok' }
    refused(b(...Array.from({ length: 11 }, () => qr)), 'components[1].buttons', /at most 10/)
    refused(b(), 'components[1].buttons', /at least one/)
    refused(b({ type: 'QUICK_REPLY', text: 'x'.repeat(26) }), 'components[1].buttons[0].text', /at most 25/)
    refused(b({ type: 'CALL_ME', text: 'x' }), 'components[1].buttons[0].type', /QUICK_REPLY/)
    const url = { type: 'URL', text: 'Go', url: 'https://ex.com' }
    refused(b(url, url, url), 'components[1].buttons[2].type', /at most 2 URL buttons/)
    refused(b({ ...url, url: 'ftp://ex.com' }), 'components[1].buttons[0].url', /http\(s\)/)
    refused(
      b({ ...url, url: 'https://ex.com/{{1}}/x', example: ['a'] }),
      'components[1].buttons[0].url',
      /very end/,
    )
    refused(b({ ...url, url: 'https://ex.com/{{1}}' }), 'components[1].buttons[0].example', /example/)
    const phone = { type: 'PHONE_NUMBER', text: 'Call', phone_number: '+15550001234' }
    refused(b(phone, phone), 'components[1].buttons[1].type', /at most 1 PHONE_NUMBER/)
    refused(
      b({ ...phone, phone_number: 'call me' }),
      'components[1].buttons[0].phone_number',
      /international/,
    )
    refused(
      b({ type: 'COPY_CODE', example: 'x'.repeat(16) }),
      'components[1].buttons[0].example',
      /at most 15/,
    )
    refused(
      b({ type: 'OTP', otp_type: 'COPY_CODE' }),
      'components[1].buttons[0].type',
      /only for AUTHENTICATION/,
    )
    refused(b(qr, url, qr), 'components[1].buttons', /grouped together/)
  })

  test('authentication templates: no header, no body text, an OTP button', () => {
    const auth = (components: unknown[]) => base({ category: 'AUTHENTICATION', components })
    const otp = buttons({ type: 'OTP', otp_type: 'COPY_CODE' })
    refused(
      auth([{ type: 'HEADER', format: 'TEXT', text: 'x' }, { type: 'BODY' }, otp]),
      'components[0].type',
      /no header/,
    )
    refused(auth([body('Your code'), otp]), 'components[0].text', /leave text out/)
    refused(auth([{ type: 'BODY' }]), 'components', /OTP/)
    refused(
      auth([{ type: 'BODY' }, buttons({ type: 'OTP', otp_type: 'MAGIC' })]),
      'components[1].buttons[0].otp_type',
      /ONE_TAP/,
    )
    refused(
      auth([{ type: 'BODY' }, { type: 'FOOTER', code_expiration_minutes: 120 }, otp]),
      'components[1].code_expiration_minutes',
      /1 to 90/,
    )
    refused(
      auth([{ type: 'BODY' }, buttons({ type: 'QUICK_REPLY', text: 'x' })]),
      'components[1].buttons[0].type',
      /one OTP button/,
    )
  })
})
