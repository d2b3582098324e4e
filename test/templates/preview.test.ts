import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { renderTemplatePreview } from '../../src/templates/preview.ts'

// The text as WhatsApp shows it: variables filled by the values given, else by the examples.

describe('template preview', () => {
  const components = [
    { type: 'HEADER', format: 'TEXT', text: 'Order {{1}}', example: { header_text: ['A-1'] } },
    {
      type: 'BODY',
      text: 'Hola {{1}}, tu pedido {{2}} está listo.',
      example: { body_text: [['Juan', 'PO-1']] },
    },
    { type: 'FOOTER', text: 'Gracias' },
    {
      type: 'BUTTONS',
      buttons: [
        { type: 'URL', text: 'Ver', url: 'https://ex.com/o/{{1}}', example: ['PO-1'] },
        { type: 'PHONE_NUMBER', text: 'Llamar', phone_number: '+34600000000' },
        { type: 'COPY_CODE', example: 'SAVE' },
      ],
    },
  ]

  test('examples fill the variables when no values are given', () => {
    const p = renderTemplatePreview(components)
    assert.deepEqual(p.header, { format: 'TEXT', text: 'Order A-1' })
    assert.equal(p.body, 'Hola Juan, tu pedido PO-1 está listo.')
    assert.equal(p.footer, 'Gracias')
    assert.deepEqual(
      p.buttons.map((b) => [b.text, b.url ?? b.phone_number ?? null]),
      [
        ['Ver', 'https://ex.com/o/PO-1'],
        ['Llamar', '+34600000000'],
        ['Copy code', null],
      ],
    )
    assert.equal(
      p.text,
      'Order A-1\nHola Juan, tu pedido PO-1 está listo.\nGracias\n[ Ver ]\n[ Llamar ]\n[ Copy code ]',
    )
  })

  test('given values win; named variables; a variable without a value stays visible', () => {
    const p = renderTemplatePreview(components, { body: { '1': 'Ana' }, buttons: { '0': 'X9' } })
    assert.equal(p.body, 'Hola Ana, tu pedido PO-1 está listo.')
    assert.equal(p.buttons[0].url, 'https://ex.com/o/X9')
    const named = renderTemplatePreview([{ type: 'BODY', text: 'Hi {{customer_name}}, {{missing}} ok' }], {
      body: { customer_name: 'Sheena' },
    })
    assert.equal(named.body, 'Hi Sheena, {{missing}} ok')
  })

  test("media headers show as their kind; authentication bodies are Meta's wording", () => {
    assert.equal(
      renderTemplatePreview([
        { type: 'HEADER', format: 'IMAGE' },
        { type: 'BODY', text: 'Hi' },
      ]).text,
      '[image]\nHi',
    )
    const auth = renderTemplatePreview([
      { type: 'BODY', add_security_recommendation: true },
      { type: 'FOOTER', code_expiration_minutes: 5 },
      { type: 'BUTTONS', buttons: [{ type: 'OTP', otp_type: 'COPY_CODE' }] },
    ])
    assert.equal(auth.body, '123456 is your verification code. For your security, do not share this code.')
    assert.equal(auth.footer, 'This code expires in 5 minutes.')
  })
})
