import assert from 'node:assert/strict'
import { test } from 'node:test'
import { defaultKeywords, keywordSet, optOutOf } from '../../src/campaigns/suppressions.ts'

// The pure parts of campaigns: which inbound replies opt out (the suppression list, decision 0060).

const words = keywordSet(defaultKeywords)
const text = (body: string) => ({ type: 'text', text: { body } })

test('an opt-out is a reply that is only a keyword, in the dashboard languages, or Meta’s Stop promotions button', () => {
  for (const word of ['STOP', ' stop! ', 'Unsubscribe', 'BAJA', 'Parar', 'sair.', 'หยุด']) {
    assert.equal(optOutOf(text(word), words)?.source, 'keyword', `"${word}" is a default keyword`)
  }
  assert.deepEqual(
    optOutOf({ type: 'button', button: { text: 'Stop promotions', payload: 'x' } }, words),
    { source: 'button', detail: 'Stop promotions' },
    'the quick reply’s text',
  )
  assert.equal(
    optOutOf({ type: 'button', button: { text: 'Parar promoções', payload: 'STOP_PROMOTIONS' } }, words)
      ?.source,
    'button',
    'the quick reply’s payload, whatever the language of its text',
  )
  assert.equal(
    optOutOf({ type: 'interactive', interactive: { button_reply: { id: 'b', title: 'STOP' } } }, words)
      ?.source,
    'keyword',
  )
  for (const sentence of ['please stop the noise', 'stop by the shop tomorrow?', 'cancelar pedido', '']) {
    assert.equal(optOutOf(text(sentence), words), null, `"${sentence}" is not an opt-out`)
  }
  assert.equal(optOutOf({ type: 'image', image: { caption: 'STOP' } }, words), null, 'only replies with text')
})

test('a tenant’s own keywords replace the defaults', () => {
  const own = keywordSet({ es: ['No más'], en: ['  QUIT '] })
  assert.equal(optOutOf(text('no más!'), own)?.detail, 'no más')
  assert.equal(optOutOf(text('quit'), own)?.source, 'keyword')
  assert.equal(optOutOf(text('stop'), own), null, 'the defaults no longer apply')
})
