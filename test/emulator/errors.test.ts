import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { Emulator } from '../../src/emulator/index.ts'
import {
  bodyParams,
  graphCaller,
  type Receiver,
  startReceiver,
  startTestEmulator,
  template,
  text,
  waitFor,
} from './helpers.ts'

// Every error of SPEC §9 / issue 3 with Meta's envelope and HTTP status; the asynchronous ones
// (131026, 131047) as `failed` status webhooks after a 200.

let emu: Emulator
let graph: ReturnType<typeof graphCaller>
let receiver: Receiver
let pn: string
let devPn: string

before(async () => {
  receiver = await startReceiver('emulator-app-secret')
  emu = await startTestEmulator({ webhookUrl: receiver.url })
  graph = graphCaller(emu)
  pn = emu.seed.phoneNumberIds[0]
  devPn = emu.seed.phoneNumberIds[2]
})
after(async () => {
  await emu.close()
  await receiver.close()
})

function failedStatus(wamid: string) {
  return waitFor(
    () =>
      receiver
        .values('messages')
        .flatMap((v) => (v.statuses as Record<string, unknown>[] | undefined) ?? [])
        .find((s) => s.id === wamid && s.status === 'failed'),
    `failed status for ${wamid}`,
  )
}

describe('authentication and permission', () => {
  test('no token is 104, an unknown token 190 with 401 and WWW-Authenticate', async () => {
    const none = await graph('POST', `${pn}/messages`, text('34612345678', 'x'), null)
    assert.equal(none.status, 400)
    assert.equal(none.body.error?.code, 104)
    const res = await fetch(`${emu.url}/v23.0/${pn}/messages`, {
      method: 'POST',
      headers: { authorization: 'Bearer nope', 'content-type': 'application/json' },
      body: JSON.stringify(text('34612345678', 'x')),
    })
    assert.equal(res.status, 401)
    assert.match(res.headers.get('www-authenticate') ?? '', /invalid_token/)
    const body = (await res.json()) as { error: { code: number; message: string; type: string } }
    assert.equal(body.error.code, 190)
    assert.equal(body.error.type, 'OAuthException')
    assert.equal(body.error.message, 'Invalid OAuth access token - Cannot parse access token')
  })

  test('an expired token is 190 subcode 463, a revoked one 190 subcode 460', async () => {
    const expired = await graph('GET', pn, undefined, emu.seed.expiredToken)
    assert.equal(expired.status, 401)
    assert.equal(expired.body.error?.code, 190)
    assert.equal(expired.body.error?.error_subcode, 463)
    assert.match(expired.body.error?.message ?? '', /Session has expired/)
    const { token } = emu.control.addToken({}) as { token: string }
    assert.equal((await graph('GET', pn, undefined, token)).status, 200)
    emu.control.revokeToken(token)
    const revoked = await graph('GET', pn, undefined, token)
    assert.equal(revoked.body.error?.error_subcode, 460)
  })

  test('expiring a token through the control route makes it fail at once', async () => {
    const { token } = emu.control.addToken({ expires_in: 86400 }) as { token: string }
    assert.equal((await graph('GET', pn, undefined, token)).status, 200)
    const res = await fetch(`${emu.url}/_emulator/tokens/expire`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token }),
    })
    assert.equal(res.status, 200)
    assert.equal((await graph('GET', pn, undefined, token)).body.error?.error_subcode, 463)
  })

  test('a token without WhatsApp permissions gets 10 on sends and 200 on management (403)', async () => {
    const send = await graph('POST', `${pn}/messages`, text('34612345678', 'x'), emu.seed.noPermissionToken)
    assert.equal(send.status, 403)
    assert.equal(send.body.error?.code, 10)
    const manage = await graph(
      'GET',
      `${emu.seed.wabaId}/message_templates`,
      undefined,
      emu.seed.noPermissionToken,
    )
    assert.equal(manage.status, 403)
    assert.equal(manage.body.error?.code, 200)
  })

  test('an id that does not exist is 100 subcode 33 GraphMethodException', async () => {
    const res = await graph('POST', '123456789/messages', text('34612345678', 'x'))
    assert.equal(res.status, 400)
    assert.equal(res.body.error?.code, 100)
    assert.equal(res.body.error?.error_subcode, 33)
    assert.equal(res.body.error?.type, 'GraphMethodException')
  })
})

describe('sending errors', () => {
  test('131030: a development-mode number may only message its allowed list', async () => {
    const refused = await graph('POST', `${devPn}/messages`, template('447700900999', 'hello_world', 'en_US'))
    assert.equal(refused.status, 400)
    assert.equal(refused.body.error?.code, 131030)
    assert.equal(refused.body.error?.message, '(#131030) Recipient phone number not in allowed list')
    const allowed = await graph('POST', `${devPn}/messages`, template('34612345678', 'hello_world', 'en_US'))
    assert.equal(allowed.status, 200)
  })

  test('131047: free-form outside the 24-hour window is accepted, then fails by webhook', async () => {
    // João wrote three days ago (default seed): his window is closed.
    const res = await graph('POST', `${pn}/messages`, text('551187654321', 'late reply'))
    assert.equal(res.status, 200)
    const wamid = (res.body.messages as { id: string }[])[0].id
    const status = await failedStatus(wamid)
    const [error] = status.errors as { code: number; title: string; error_data: { details: string } }[]
    assert.equal(error.code, 131047)
    assert.equal(error.title, 'Re-engagement message')
    assert.match(error.error_data.details, /24 hours/)
    assert.equal(status.pricing, undefined)
  })

  test('the window follows the last inbound: a customer message reopens it', async () => {
    emu.control.addCustomer({ wa_id: '4915112345678', name: 'Greta' })
    emu.control.customerSends(
      '4915112345678',
      { type: 'text', text: { body: 'Hallo' } },
      { phoneNumberId: pn },
    )
    const res = await graph('POST', `${pn}/messages`, text('4915112345678', 'Hallo Greta'))
    const wamid = (res.body.messages as { id: string }[])[0].id
    await waitFor(
      () =>
        receiver
          .values('messages')
          .flatMap((v) => (v.statuses as Record<string, unknown>[] | undefined) ?? [])
          .find((s) => s.id === wamid && s.status === 'delivered'),
      'delivered inside the window',
    )
    // 25 hours later (set through the control API) the same text fails with 131047.
    emu.control.updateCustomer('4915112345678', { last_inbound_at: Date.now() - 25 * 3600_000 })
    const late = await graph('POST', `${pn}/messages`, text('4915112345678', 'again'))
    const lateStatus = await failedStatus((late.body.messages as { id: string }[])[0].id)
    assert.equal((lateStatus.errors as { code: number }[])[0].code, 131047)
  })

  test('131026: an undeliverable customer gets a failed status webhook', async () => {
    const res = await graph('POST', `${pn}/messages`, template('447700900123', 'hello_world', 'en_US'))
    assert.equal(res.status, 200)
    const status = await failedStatus((res.body.messages as { id: string }[])[0].id)
    assert.equal((status.errors as { code: number }[])[0].code, 131026)
    assert.equal(status.recipient_id, '447700900123')
  })

  test('undeliverable can be switched on for any customer', async () => {
    const r = await fetch(`${emu.url}/_emulator/customers/16505551234/undeliverable`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ undeliverable: true }),
    })
    assert.equal(r.status, 200)
    const res = await graph('POST', `${pn}/messages`, template('16505551234', 'hello_world', 'en_US'))
    const status = await failedStatus((res.body.messages as { id: string }[])[0].id)
    assert.equal((status.errors as { code: number }[])[0].code, 131026)
    emu.control.setUndeliverable('16505551234', false)
  })

  test('132001: unknown template, wrong language, or not approved (404)', async () => {
    for (const [name, lang] of [
      ['no_such_template', 'es'],
      ['po_notification', 'en_US'],
      ['welcome_new', 'pt_BR'],
    ]) {
      const res = await graph('POST', `${pn}/messages`, template('34612345678', name, lang))
      assert.equal(res.status, 404, `${name} ${lang}`)
      assert.equal(res.body.error?.code, 132001)
    }
  })

  test('132000: parameter count mismatch in body, header and buttons', async () => {
    const body = await graph(
      'POST',
      `${pn}/messages`,
      template('34612345678', 'po_notification', 'es', [bodyParams('a', 'b')]),
    )
    assert.equal(body.status, 400)
    assert.equal(body.body.error?.code, 132000)
    assert.match(body.body.error?.error_data?.details ?? '', /\(2\).*\(3\)/)
    const none = await graph('POST', `${pn}/messages`, template('34612345678', 'low_stock_alert', 'es'))
    assert.equal(none.body.error?.code, 132000)
    const button = await graph(
      'POST',
      `${pn}/messages`,
      template('34612345678', 'order_update', 'en_US', [bodyParams('a', 'b', 'c')]),
    )
    assert.equal(button.body.error?.code, 132000)
    const extra = await graph(
      'POST',
      `${pn}/messages`,
      template('34612345678', 'hello_world', 'en_US', [bodyParams('x')]),
    )
    assert.equal(extra.body.error?.code, 132000)
  })

  test('132012: parameter format mismatch', async () => {
    const header = await graph(
      'POST',
      `${pn}/messages`,
      template('34612345678', 'summer_sale', 'en_US', [
        { type: 'header', parameters: [{ type: 'text', text: 'not an image' }] },
        bodyParams('a', 'b'),
      ]),
    )
    assert.equal(header.body.error?.code, 132012)
    const named = await graph(
      'POST',
      `${pn}/messages`,
      template('34612345678', 'appointment_reminder', 'en_US', [bodyParams('Sarah', 'May 1')]),
    )
    assert.equal(named.body.error?.code, 132012)
    const type = await graph(
      'POST',
      `${pn}/messages`,
      template('34612345678', 'po_notification', 'es', [
        {
          type: 'body',
          parameters: [
            { type: 'image', image: { link: 'https://x/a.jpg' } },
            { type: 'text', text: 'b' },
            { type: 'text', text: 'c' },
          ],
        },
      ]),
    )
    assert.equal(type.body.error?.code, 132012)
  })

  test('132015 paused and 132016 disabled templates', async () => {
    const paused = await graph(
      'POST',
      `${pn}/messages`,
      template('34612345678', 'spring_promo', 'en_US', [bodyParams('10%')]),
    )
    assert.equal(paused.status, 400)
    assert.equal(paused.body.error?.code, 132015)
    const disabled = await graph(
      'POST',
      `${pn}/messages`,
      template('34612345678', 'old_receipt', 'en_US', [bodyParams('R')]),
    )
    assert.equal(disabled.body.error?.code, 132016)
  })

  test('a template parameter with a newline is refused', async () => {
    const res = await graph(
      'POST',
      `${pn}/messages`,
      template('34612345678', 'po_notification', 'es', [bodyParams('a\nb', 'b', 'c')]),
    )
    assert.equal(res.body.error?.code, 100)
    assert.match(res.body.error?.error_data?.details ?? '', /new-line/)
  })

  test('133010: a number that is not registered cannot send', async () => {
    const dereg = await graph('POST', `${emu.seed.phoneNumberIds[1]}/deregister`, {})
    assert.deepEqual(dereg.body, { success: true })
    const res = await graph(
      'POST',
      `${emu.seed.phoneNumberIds[1]}/messages`,
      template('34612345678', 'hello_world', 'en_US'),
    )
    assert.equal(res.status, 400)
    assert.equal(res.body.error?.code, 133010)
    const reg = await graph('POST', `${emu.seed.phoneNumberIds[1]}/register`, {
      messaging_product: 'whatsapp',
      pin: '654321',
    })
    assert.deepEqual(reg.body, { success: true })
  })

  test('131021: sending to the number itself', async () => {
    const res = await graph('POST', `${pn}/messages`, template('15550100001', 'hello_world', 'en_US'))
    assert.equal(res.body.error?.code, 131021)
  })

  test('131056: the pair rate limit refuses a burst to one recipient past 45', async () => {
    emu.control.addCustomer({ wa_id: '447700900555', name: 'Burst', last_inbound_at: Date.now() })
    const codes: number[] = []
    for (let i = 0; i < 47; i++) {
      const res = await graph('POST', `${pn}/messages`, text('447700900555', `m${i}`))
      codes.push(res.status === 200 ? 200 : (res.body.error?.code ?? 0))
    }
    assert.equal(codes.filter((c) => c === 200).length, 45)
    assert.deepEqual(codes.slice(45), [131056, 131056])
    // Other recipients are unaffected.
    assert.equal((await graph('POST', `${pn}/messages`, text('34612345678', 'ok'))).status, 200)
  })

  test('131053: an upload of an unsupported MIME type', async () => {
    const form = new FormData()
    form.set('messaging_product', 'whatsapp')
    form.set('type', 'application/x-msdownload')
    form.set('file', new Blob([Buffer.from('MZ')]), 'virus.exe')
    const res = await fetch(`${emu.url}/v23.0/${pn}/media`, {
      method: 'POST',
      headers: { authorization: `Bearer ${emu.seed.accessToken}` },
      body: form,
    })
    assert.equal(res.status, 400)
    const body = (await res.json()) as { error: { code: number } }
    assert.equal(body.error.code, 131053)
  })
})

describe('bad input never crashes the emulator', () => {
  test('malformed JSON, wrong shapes and odd content types get 100', async () => {
    const bodies = ['{bad', '[]', '"str"', '42', 'null', '{"messaging_product":{"a":1}}', '{"to":[1,2]}']
    for (const body of bodies) {
      const res = await graph('POST', `${pn}/messages`, body)
      assert.equal(res.status, 400, body)
      assert.equal(res.body.error?.code, 100, body)
    }
    const plain = await fetch(`${emu.url}/v23.0/${pn}/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${emu.seed.accessToken}`, 'content-type': 'text/plain' },
      body: 'hello',
    })
    assert.equal(plain.status, 400)
  })

  test('a fuzz of mutated sends answers 4xx, never 5xx', async () => {
    const base = template('34612345678', 'po_notification', 'es', [bodyParams('a', 'b', 'c')])
    const junk = [null, 0, -1, 1e308, '', 'x'.repeat(5000), [], {}, true, '\u0000', { $: 1 }, [[[]]]]
    let seed = 7
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31
      return seed % n
    }
    const mutate = (value: unknown, depth: number): unknown => {
      if (depth > 4 || value === null || typeof value !== 'object')
        return rand(4) === 0 ? junk[rand(junk.length)] : value
      if (Array.isArray(value)) return value.map((v) => mutate(v, depth + 1))
      const out: Record<string, unknown> = {}
      for (const [k, v] of Object.entries(value)) {
        if (rand(10) === 0) continue
        out[rand(15) === 0 ? `${k}_x` : k] = mutate(v, depth + 1)
      }
      return out
    }
    for (let i = 0; i < 300; i++) {
      const res = await graph('POST', `${pn}/messages`, mutate(base, 0))
      assert.ok(res.status < 500, `5xx for case ${i}: ${JSON.stringify(res.body)}`)
    }
  })

  test('unknown paths and versions answer Meta errors', async () => {
    const path = await graph('GET', '/v23.0/foo/bar/baz')
    assert.equal(path.status, 400)
    assert.ok(path.body.error)
    const version = await graph('GET', `/latest/${pn}`)
    assert.equal(version.status, 400)
    assert.equal(version.body.error?.code, 2500)
  })
})
