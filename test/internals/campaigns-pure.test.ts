import assert from 'node:assert/strict'
import { test } from 'node:test'
import { forgetFigures, liveFigure, reuseForMs } from '../../src/campaigns/live-figures.ts'
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

test('a running campaign’s figures are reused by size: from 20,000 recipients, a tenth of a millisecond each, at most 15 s', () => {
  assert.equal(reuseForMs(19_999), 0, 'a smaller campaign is always read afresh')
  assert.equal(reuseForMs(20_000), 2000)
  assert.equal(reuseForMs(100_000), 10_000)
  assert.equal(reuseForMs(200_000), 15_000)
})

test('watchers of a running campaign share the reading under way; a campaign not running is always read afresh', async () => {
  let computed = 0
  let finish: (n: number) => void = () => {}
  const slow = () => {
    computed++
    return new Promise<number>((resolve) => {
      finish = resolve
    })
  }
  const first = liveFigure('progress:cmp_shared', 10_000, slow)
  const second = liveFigure('progress:cmp_shared', 10_000, slow)
  finish(7)
  assert.deepEqual(await first, { value: 7, fresh: true })
  assert.deepEqual(await second, { value: 7, fresh: false }, 'the second watcher got the same reading')
  assert.equal(computed, 1)
  forgetFigures('cmp_shared')
  const third = liveFigure('progress:cmp_shared', 10_000, slow)
  finish(8)
  assert.equal((await third).value, 8, 'forgotten after a state change: read again')
  let n = 0
  for (let i = 0; i < 3; i++) await liveFigure('progress:cmp_done', 0, async () => ++n)
  assert.equal(n, 3, 'not reusable: every reading is fresh')
})
