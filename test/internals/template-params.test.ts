import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import {
  checkTemplateParams,
  describeExpectation,
  expectationOf,
  placeholdersOf,
  type SentComponent,
} from '../../src/templates/params.ts'

// templates/params.ts is pure: what a template expects, and the check of a send's components
// against it (Meta's 132000 count mismatch, 132012 format mismatch, 132005 too long) — refused
// before Meta is asked.

const order = expectationOf({
  parameterFormat: 'POSITIONAL',
  components: [
    { type: 'HEADER', format: 'TEXT', text: 'Order {{1}}' },
    { type: 'BODY', text: 'Hi {{1}}, your order {{2}} ships {{1}}.' },
    {
      type: 'BUTTONS',
      buttons: [
        { type: 'URL', url: 'https://shop.example/track/{{1}}' },
        { type: 'QUICK_REPLY', text: 'Stop' },
      ],
    },
  ],
})

const text = (...values: string[]) => values.map((v) => ({ type: 'text', text: v }))
const goodSend: SentComponent[] = [
  { type: 'header', parameters: text('A-17') },
  { type: 'body', parameters: text('Ana', 'A-17') },
  { type: 'button', sub_type: 'url', index: '0', parameters: text('A-17') },
]

describe('template parameters', () => {
  test('placeholders are listed once each, in order of first appearance', () => {
    assert.deepEqual(placeholdersOf('Hi {{1}}, order {{2}} for {{1}}'), ['1', '2'])
    assert.deepEqual(placeholdersOf('Hi {{ customer_name }}'), ['customer_name'])
    assert.deepEqual(placeholdersOf('No parameters'), [])
  })

  test("a template's expectation: header, body and the buttons that take a parameter", () => {
    assert.deepEqual(order.header, { type: 'text', params: ['1'] })
    assert.deepEqual(order.body.params, ['1', '2'])
    assert.deepEqual(
      order.buttons.map((b) => [b.subType, b.required, b.paramType]),
      [
        ['url', 1, 'text'],
        ['quick_reply', 0, 'payload'],
      ],
    )
    assert.deepEqual(describeExpectation(order).body.count, 2)
  })

  test('a send with the right count and types has no problems', () => {
    assert.deepEqual(checkTemplateParams(order, goodSend), [])
  })

  test('a wrong count names the component and what the template takes', () => {
    const problems = checkTemplateParams(order, [
      goodSend[0],
      { type: 'body', parameters: text('Ana') },
      goodSend[2],
    ])
    assert.deepEqual(problems, ["body: 1 parameter given, the template's body takes 2 ({{1}}, {{2}})"])
  })

  test('a missing required button parameter, or one for a button that does not exist, is named', () => {
    assert.deepEqual(checkTemplateParams(order, goodSend.slice(0, 2)), [
      'button 0 (URL): its text parameter is required',
    ])
    const extra = checkTemplateParams(order, [...goodSend, { type: 'button', sub_type: 'url', index: 5 }])
    assert.deepEqual(extra, ['button 5: the template has buttons 0 to 1 only'])
  })

  test('texts Meta refuses (new lines, five spaces) and a body over 1024 characters are refused', () => {
    const problems = checkTemplateParams(order, [
      goodSend[0],
      { type: 'body', parameters: text('Ana\nMaría', 'A     17') },
      goodSend[2],
    ])
    assert.equal(problems.length, 2, problems.join('; '))
    assert.match(problems[0], /new line or tab/)
    assert.match(problems[1], /more than 4 consecutive spaces/)
    const long = checkTemplateParams(order, [
      goodSend[0],
      { type: 'body', parameters: text('x'.repeat(600), 'y') },
      goodSend[2],
    ])
    assert.match(long.join(), /characters once filled; Meta allows 1024 \(error 132005\)/)
  })

  test('a named template needs each parameter_name, once', () => {
    const named = expectationOf({
      parameterFormat: 'NAMED',
      components: [{ type: 'BODY', text: 'Hi {{customer_name}}, code {{code}}' }],
    })
    const send = (params: object[]): SentComponent[] => [{ type: 'body', parameters: params as never }]
    assert.deepEqual(
      checkTemplateParams(
        named,
        send([
          { type: 'text', parameter_name: 'code', text: '42' },
          { type: 'text', parameter_name: 'customer_name', text: 'Ana' },
        ]),
      ),
      [],
      'named parameters may come in any order',
    )
    assert.match(
      checkTemplateParams(
        named,
        send([
          { type: 'text', text: 'Ana' },
          { type: 'text', text: '42' },
        ]),
      ).join(),
      /needs a parameter_name, one of customer_name, code/,
    )
  })
})
