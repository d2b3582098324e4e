import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { renderTemplatePreview } from '../../src/templates/preview.ts'
import { checkTemplateDraft } from '../../src/templates/template-rules.ts'
import {
  type Draft,
  emptyDraft,
  fromTemplate,
  newButton,
  sectionOf,
  toComponents,
} from '../../web/src/templates/draft.ts'

// The authoring form's draft (web/src/templates/draft.ts) becomes Meta's components: for every
// header and button kind, what the form builds passes Meta's rules as the server checks them
// (templates/template-rules.ts) and renders as expected; a stored template fills the form back;
// a field the server names is placed in the form section that produced it.

const draft = (over: Partial<Draft>): Draft => ({ ...emptyDraft, name: 'form_check', ...over })
const check = (d: Draft, hasMedia = false) => {
  const { components } = toComponents(d)
  checkTemplateDraft(
    {
      name: d.name,
      language: d.language,
      category: d.category,
      parameter_format: d.parameterFormat,
      components,
    },
    { hasMedia },
  )
  return components
}

describe('the template form builds what Meta accepts', () => {
  test('text header with a variable, body with examples, footer, and every button kind but OTP', () => {
    const d = draft({
      headerFormat: 'TEXT',
      headerText: 'Order {{1}}',
      body: 'Hi {{1}}, your order {{2}} has shipped.',
      examples: { '1': 'Ana', '2': 'A-7' },
      footer: 'Reply STOP to opt out',
      buttons: [
        { ...newButton('URL'), text: 'Track', url: 'https://shop.example/t/{{1}}', example: 'A-7' },
        { ...newButton('PHONE_NUMBER'), text: 'Call us', phone: '+15550001234' },
        { ...newButton('COPY_CODE'), example: 'SAVE25' },
        { ...newButton('QUICK_REPLY'), text: 'Thanks' },
      ],
    })
    const components = check(d)
    assert.deepEqual(components[0], {
      type: 'HEADER',
      format: 'TEXT',
      text: 'Order {{1}}',
      example: { header_text: ['Ana'] },
    })
    assert.deepEqual((components[1] as { example: unknown }).example, { body_text: [['Ana', 'A-7']] })
    const preview = renderTemplatePreview(components)
    assert.equal(preview.header?.text, 'Order Ana')
    assert.equal(preview.body, 'Hi Ana, your order A-7 has shipped.')
    assert.deepEqual(
      preview.buttons.map((b) => b.url ?? b.phone_number ?? b.text),
      ['https://shop.example/t/A-7', '+15550001234', 'Copy code', 'Thanks'],
    )
  })

  test('image, video and document headers need the sample the form uploads; location needs none', () => {
    for (const headerFormat of ['IMAGE', 'VIDEO', 'DOCUMENT'] as const) {
      const d = draft({ headerFormat, body: 'Here it is.' })
      assert.throws(() => check(d, false), /header_handle/, `${headerFormat} without a sample`)
      assert.deepEqual(check(d, true)[0], { type: 'HEADER', format: headerFormat })
    }
    assert.deepEqual(check(draft({ headerFormat: 'LOCATION', body: 'See you here.' }))[0], {
      type: 'HEADER',
      format: 'LOCATION',
    })
  })

  test('named variables carry their names and examples', () => {
    const components = check(
      draft({
        parameterFormat: 'NAMED',
        body: 'Hi {{customer_name}}, see you on {{date}}.',
        examples: { customer_name: 'Sarah', date: 'May 1' },
      }),
    )
    assert.deepEqual((components[0] as { example: unknown }).example, {
      body_text_named_params: [
        { param_name: 'customer_name', example: 'Sarah' },
        { param_name: 'date', example: 'May 1' },
      ],
    })
  })

  test("authentication: Meta's body, the security line, the expiry and the OTP button only", () => {
    const d = draft({
      category: 'AUTHENTICATION',
      headerFormat: 'TEXT',
      headerText: 'ignored',
      body: 'ignored',
      securityRecommendation: true,
      expiryMinutes: '10',
      buttons: [{ ...newButton('OTP'), otpType: 'ONE_TAP' }],
    })
    const components = check(d)
    assert.deepEqual(components, [
      { type: 'BODY', add_security_recommendation: true },
      { type: 'FOOTER', code_expiration_minutes: 10 },
      { type: 'BUTTONS', buttons: [{ type: 'OTP', otp_type: 'ONE_TAP' }] },
    ])
    assert.match(renderTemplatePreview(components).text, /is your verification code\. For your security/)
  })

  test('a stored template fills the form back (edit, add a language)', () => {
    const d = draft({
      headerFormat: 'TEXT',
      headerText: 'Order {{1}}',
      body: 'Hi {{1}}, order {{2}} is ready.',
      examples: { '1': 'Ana', '2': 'A-7' },
      footer: 'Thanks',
      buttons: [{ ...newButton('URL'), text: 'Track', url: 'https://shop.example/t/{{1}}', example: 'A-7' }],
    })
    const back = fromTemplate({
      name: d.name,
      language: d.language,
      category: d.category,
      parameterFormat: 'POSITIONAL',
      components: toComponents(d).components,
    })
    assert.deepEqual(back, d)
  })

  test("the server's field is shown at the form section that produced it", () => {
    const { sections } = toComponents(
      draft({ headerFormat: 'TEXT', headerText: 'x', body: 'y', buttons: [newButton('QUICK_REPLY')] }),
    )
    assert.equal(sectionOf('components[0].text', sections), 'header')
    assert.equal(sectionOf('components[1].example.body_text', sections), 'body')
    assert.equal(sectionOf('components[2].buttons[0].text', sections), 'button.0')
    assert.equal(sectionOf('components[2].buttons', sections), 'buttons')
    assert.equal(sectionOf('header_media.mime_type', sections), 'header')
    assert.equal(sectionOf('name', sections), 'name')
    assert.equal(sectionOf('parameter_format', sections), 'category')
  })
})
