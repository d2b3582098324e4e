import assert from 'node:assert/strict'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { after, before, describe, test } from 'node:test'
import { addressLimit } from '../../src/widget/submit.ts'
import { testDbKind } from '../helpers/db.ts'
import { type SendWorld, startSendWorld } from '../messaging/helpers.ts'

// The widget's public endpoint (seed 002): CORS only for the key's allowed origins, a honeypot
// that keeps nothing, rate limits per address, a CAPTCHA hook, and bad input named by field.

const origin = 'https://shop.example.com'

describe(`website widget endpoint (${testDbKind})`, () => {
  let w: SendWorld
  let key = ''
  let captcha: Server
  let captchaUrl = ''
  const post = (body: unknown, headers: Record<string, string> = { origin }, k = key) =>
    w.h.api('POST', `/api/v1/widget/messages?key=${k}`, { body, headers })
  const form = (phone: string, extra: Record<string, unknown> = {}) => ({
    name: 'Ana',
    phone,
    message: 'Hola',
    ...extra,
  })

  before(async () => {
    captcha = createServer((req, res) => {
      let body = ''
      req.on('data', (c) => (body += c))
      req.on('end', () => {
        const ok = (JSON.parse(body) as { token?: string }).token === 'good-token'
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ success: ok }))
      })
    })
    await new Promise<void>((resolve) => captcha.listen(0, '127.0.0.1', resolve))
    captchaUrl = `http://127.0.0.1:${(captcha.address() as AddressInfo).port}/verify`
    w = await startSendWorld()
    const res = await w.h.api('PUT', '/api/v1/widget/settings', {
      key: w.key,
      body: { enabled: true, allowedOrigins: [origin], replyMode: 'link' },
    })
    assert.equal(res.status, 200, res.text)
    key = (res.body as { publicKey: string }).publicKey
    assert.match(
      (res.body as { embed: string }).embed,
      /<script src="[^"]+\/widget\.js" data-key="pk_[^"]+" async><\/script>/,
    )
  })
  after(async () => {
    await w.h.close()
    await new Promise((resolve) => captcha.close(resolve))
  })

  test('/widget.js is a small script any origin may load', async () => {
    const res = await fetch(`${w.h.url}/widget.js`)
    assert.equal(res.status, 200)
    assert.match(String(res.headers.get('content-type')), /text\/javascript/)
    assert.equal(res.headers.get('cross-origin-resource-policy'), 'cross-origin')
    assert.ok((await res.text()).length < 10_000, 'under 10 kB')
  })

  test('the preflight allows the key’s origins only', async () => {
    const ok = await fetch(`${w.h.url}/api/v1/widget/messages?key=${key}`, {
      method: 'OPTIONS',
      headers: { origin },
    })
    assert.equal(ok.status, 204)
    assert.equal(ok.headers.get('access-control-allow-origin'), origin)
    const other = await fetch(`${w.h.url}/api/v1/widget/messages?key=${key}`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example' },
    })
    assert.equal(other.status, 403)
    assert.equal(other.headers.get('access-control-allow-origin'), null)
  })

  test('another origin is refused 403; a bad number 400 naming phone', async () => {
    assert.equal((await post(form('+34612000001'), { origin: 'https://evil.example' })).status, 403)
    const bad = await post(form('call me'))
    assert.equal(bad.status, 400, bad.text)
    assert.match(bad.text, /phone/)
  })

  test('a filled honeypot looks accepted but keeps nothing', async () => {
    const res = await post(form('+34612000002', { website: 'http://spam.example' }))
    assert.equal(res.status, 202, res.text)
    const contact = await w.h.db.db
      .selectFrom('contacts')
      .select('id')
      .where('wa_id', '=', '34612000002')
      .executeTakeFirst()
    assert.equal(contact, undefined)
  })

  test('one address is limited per hour', async () => {
    const headers = { origin }
    const statuses: number[] = []
    for (let i = 0; i <= addressLimit.count; i++)
      statuses.push((await post(form(`+3461200010${i}`), headers)).status)
    assert.equal(statuses.filter((s) => s === 202).length >= 1, true, statuses.join(','))
    assert.equal(statuses.at(-1), 429, `the ${addressLimit.count + 1}th is refused: ${statuses.join(',')}`)
  })

  test('with a CAPTCHA verify URL, only a token it accepts gets through', async () => {
    await w.h.api('PUT', '/api/v1/widget/settings', { key: w.key, body: { captchaVerifyUrl: captchaUrl } })
    // A new hour for the address limit of the test before.
    await w.h.db.db.deleteFrom('rate_counters').where('key', 'like', 'widget:address:%').execute()
    const headers = { origin }
    const none = await post(form('+34612000201'), headers)
    assert.equal(none.status, 400, none.text)
    assert.match(none.text, /captchaToken/)
    const wrong = await post(form('+34612000201', { captchaToken: 'bad' }), headers)
    assert.equal(wrong.status, 400)
    const good = await post(form('+34612000201', { captchaToken: 'good-token' }), headers)
    assert.equal(good.status, 202, good.text)
    assert.match(String((good.body as { link: string }).link), /^https:\/\/wa\.me\/\d+\?text=Hola$/)
  })
})
