import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { Emulator } from '../../src/emulator/index.ts'
import { bodyParams, graphCaller, startTestEmulator, template, waitFor } from './helpers.ts'

// Management endpoints (FACTS §6): phone numbers, register, subscribed_apps, templates,
// business profile, debug_token.

let emu: Emulator
let graph: ReturnType<typeof graphCaller>
let pn: string
let waba: string

before(async () => {
  emu = await startTestEmulator({ verifyCallbacks: false })
  graph = graphCaller(emu)
  pn = emu.seed.phoneNumberIds[0]
  waba = emu.seed.wabaId
})
after(() => emu.close())

describe('phone numbers', () => {
  test('GET /{pnid} gives the default fields, and exactly the fields asked for', async () => {
    const plain = await graph('GET', pn)
    assert.deepEqual(plain.body, {
      id: pn,
      display_phone_number: '+1 555-010-0001',
      verified_name: 'Wahub Sandbox',
      quality_rating: 'GREEN',
    })
    const asked = await graph(
      'GET',
      `${pn}?fields=code_verification_status,name_status,throughput,whatsapp_business_manager_messaging_limit,platform_type,status,account_mode,is_pin_enabled`,
    )
    assert.deepEqual(asked.body, {
      code_verification_status: 'VERIFIED',
      name_status: 'APPROVED',
      throughput: { level: 'STANDARD' },
      whatsapp_business_manager_messaging_limit: 'TIER_2K',
      platform_type: 'CLOUD_API',
      status: 'CONNECTED',
      account_mode: 'LIVE',
      is_pin_enabled: true,
      id: pn,
    })
    const dev = await graph('GET', `${emu.seed.phoneNumberIds[2]}?fields=account_mode`)
    assert.equal(dev.body.account_mode, 'SANDBOX')
    const unknown = await graph('GET', `${pn}?fields=favourite_colour`)
    assert.equal(unknown.body.error?.code, 100)
    assert.match(unknown.body.error?.message ?? '', /nonexisting field \(favourite_colour\)/)
  })

  test('GET /{waba}/phone_numbers pages with cursors', async () => {
    const first = await graph('GET', `${waba}/phone_numbers?limit=2`)
    const data = first.body.data as { id: string }[]
    assert.equal(data.length, 2)
    const paging = first.body.paging as { cursors: { after: string }; next: string }
    assert.ok(paging.next)
    const second = await graph(
      'GET',
      `${waba}/phone_numbers?limit=2&after=${encodeURIComponent(paging.cursors.after)}`,
    )
    const rest = second.body.data as { id: string }[]
    assert.deepEqual(
      [...data, ...rest].map((n) => n.id),
      emu.seed.phoneNumberIds,
    )
    assert.equal((second.body.paging as { next?: string }).next, undefined)
  })

  test('GET /{waba} answers the WABA node', async () => {
    const res = await graph('GET', `${waba}?fields=id,name,currency`)
    assert.deepEqual(res.body, { id: waba, name: 'Wahub Sandbox WABA', currency: 'EUR' })
  })

  test('register needs the right PIN (133005), deregister works, bad PIN format is 100', async () => {
    const wrong = await graph('POST', `${pn}/register`, { messaging_product: 'whatsapp', pin: '000000' })
    assert.equal(wrong.status, 400)
    assert.equal(wrong.body.error?.code, 133005)
    const format = await graph('POST', `${pn}/register`, { messaging_product: 'whatsapp', pin: '12' })
    assert.equal(format.body.error?.code, 100)
    const noProduct = await graph('POST', `${pn}/register`, { pin: '123456' })
    assert.equal(noProduct.body.error?.code, 100)
    assert.deepEqual((await graph('POST', `${pn}/deregister`)).body, { success: true })
    assert.equal((await graph('GET', `${pn}?fields=status`)).body.status, 'PENDING')
    const ok = await graph('POST', `${pn}/register`, { messaging_product: 'whatsapp', pin: '123456' })
    assert.deepEqual(ok.body, { success: true })
  })

  test('a number without a PIN gets the one given at its first register', async () => {
    emu.control.updateNumber(emu.seed.phoneNumberIds[1], { registered: false, pin: null })
    const first = await graph('POST', `${emu.seed.phoneNumberIds[1]}/register`, {
      messaging_product: 'whatsapp',
      pin: '999999',
    })
    assert.deepEqual(first.body, { success: true })
    const again = await graph('POST', `${emu.seed.phoneNumberIds[1]}/register`, {
      messaging_product: 'whatsapp',
      pin: '654321',
    })
    assert.equal(again.body.error?.code, 133005)
  })

  test('the webhook override validates its URL and can be removed', async () => {
    const bad = await graph('POST', pn, {
      webhook_configuration: { override_callback_uri: 'not a url', verify_token: 't' },
    })
    assert.equal(bad.body.error?.code, 100)
    const missing = await graph('POST', pn, {})
    assert.equal(missing.body.error?.code, 100)
    const set = await graph('POST', pn, {
      webhook_configuration: { override_callback_uri: 'https://hooks.example.com/wa', verify_token: 't' },
    })
    assert.deepEqual(set.body, { success: true })
    assert.equal(
      (
        (await graph('GET', `${pn}?fields=webhook_configuration`)).body.webhook_configuration as Record<
          string,
          string
        >
      ).phone_number,
      'https://hooks.example.com/wa',
    )
    await graph('POST', pn, { webhook_configuration: { override_callback_uri: '' } })
    assert.deepEqual(
      (await graph('GET', `${pn}?fields=webhook_configuration`)).body.webhook_configuration,
      {},
    )
  })
})

describe('subscribed_apps', () => {
  test('GET shows the app, POST sets and clears the override, DELETE unsubscribes', async () => {
    const list = await graph('GET', `${waba}/subscribed_apps`)
    assert.deepEqual(list.body, {
      data: [
        {
          whatsapp_business_api_data: {
            id: emu.seed.appId,
            link: `https://www.facebook.com/games/?app_id=${emu.seed.appId}`,
            name: 'Wahub Emulator App',
          },
        },
      ],
    })
    const query = await graph(
      'POST',
      `${waba}/subscribed_apps?override_callback_uri=${encodeURIComponent('https://o.example.com/x')}&verify_token=v`,
    )
    assert.deepEqual(query.body, { success: true })
    const withOverride = await graph('GET', `${waba}/subscribed_apps`)
    assert.equal(
      (withOverride.body.data as { override_callback_uri?: string }[])[0].override_callback_uri,
      'https://o.example.com/x',
    )
    await graph('POST', `${waba}/subscribed_apps`)
    const cleared = await graph('GET', `${waba}/subscribed_apps`)
    assert.equal(
      (cleared.body.data as { override_callback_uri?: string }[])[0].override_callback_uri,
      undefined,
    )
    assert.deepEqual((await graph('DELETE', `${waba}/subscribed_apps`)).body, { success: true })
    assert.deepEqual((await graph('GET', `${waba}/subscribed_apps`)).body, { data: [] })
    await graph('POST', `${waba}/subscribed_apps`)
  })
})

describe('message templates', () => {
  test('list is paged and filtered by name, status and fields', async () => {
    const all = await graph('GET', `${waba}/message_templates?limit=100`)
    assert.ok((all.body.data as unknown[]).length >= 9)
    const page = await graph('GET', `${waba}/message_templates?limit=3`)
    assert.equal((page.body.data as unknown[]).length, 3)
    assert.ok((page.body.paging as { next?: string }).next)
    const approved = await graph('GET', `${waba}/message_templates?status=APPROVED&limit=100`)
    assert.ok((approved.body.data as { status: string }[]).every((t) => t.status === 'APPROVED'))
    const named = await graph(
      'GET',
      `${waba}/message_templates?name=po_notification&fields=name,language,status`,
    )
    assert.deepEqual(named.body.data, [
      { name: 'po_notification', language: 'es', status: 'APPROVED', id: '700000000000001' },
    ])
    const one = await graph('GET', `${waba}/message_templates?name=low_stock_alert`)
    const t = (one.body.data as Record<string, unknown>[])[0]
    assert.equal(t.category, 'UTILITY')
    assert.equal(t.parameter_format, 'POSITIONAL')
    assert.ok(Array.isArray(t.components))
    const byId = await graph('GET', String(t.id))
    assert.equal(byId.body.name, 'low_stock_alert')
  })

  test('create → PENDING → APPROVED, then it can be sent', async () => {
    // Reviewed by hand here, so the send while PENDING cannot race a quick automatic approval.
    const manual = await startTestEmulator({ verifyCallbacks: false, templateReview: 'manual' })
    const graph = graphCaller(manual)
    const pn = manual.seed.phoneNumberIds[0]
    const waba = manual.seed.wabaId
    try {
      const created = await graph('POST', `${waba}/message_templates`, {
        name: 'delivery_window',
        language: 'en_US',
        category: 'UTILITY',
        components: [
          { type: 'HEADER', format: 'TEXT', text: 'Delivery for {{1}}', example: { header_text: ['Mark'] } },
          { type: 'BODY', text: 'Arrives between {{1}} and {{2}}.', example: { body_text: [['9', '11']] } },
          { type: 'FOOTER', text: 'Bakery' },
          { type: 'BUTTONS', buttons: [{ type: 'QUICK_REPLY', text: 'Change time' }] },
        ],
      })
      assert.equal(created.status, 200)
      assert.equal(created.body.status, 'PENDING')
      assert.equal(created.body.category, 'UTILITY')
      const pending = await graph(
        'POST',
        `${pn}/messages`,
        template('34612345678', 'delivery_window', 'en_US'),
      )
      assert.equal(pending.body.error?.code, 132001)
      manual.control.setTemplateStatus({ name: 'delivery_window', language: 'en_US', status: 'APPROVED' })
      await waitFor(
        async () => (await graph('GET', String(created.body.id))).body.status === 'APPROVED',
        'template approval',
      )
      const sent = await graph(
        'POST',
        `${pn}/messages`,
        template('34612345678', 'delivery_window', 'en_US', [
          { type: 'header', parameters: [{ type: 'text', text: 'Mark' }] },
          bodyParams('9', '11'),
        ]),
      )
      assert.equal(sent.status, 200, JSON.stringify(sent.body))
    } finally {
      await manual.close()
    }
  })

  test('creation errors: bad name, duplicate, missing body, missing example', async () => {
    const body = { type: 'BODY', text: 'Hi' }
    const cases: [Record<string, unknown>, number | undefined][] = [
      [{ name: 'Bad Name', language: 'es', category: 'UTILITY', components: [body] }, undefined],
      [{ name: 'po_notification', language: 'es', category: 'UTILITY', components: [body] }, 2388024],
      [
        { name: 'x1', language: 'es', category: 'UTILITY', components: [{ type: 'FOOTER', text: 'f' }] },
        undefined,
      ],
      [
        { name: 'x2', language: 'es', category: 'UTILITY', components: [{ type: 'BODY', text: 'Hi {{1}}' }] },
        2388043,
      ],
      [{ name: 'x3', language: 'es', category: 'SPAM', components: [body] }, undefined],
      [{ name: 'x4', language: 'es', category: 'UTILITY' }, undefined],
    ]
    for (const [input, subcode] of cases) {
      const res = await graph('POST', `${waba}/message_templates`, input)
      assert.equal(res.status, 400, JSON.stringify(input))
      assert.equal(res.body.error?.code, 100)
      if (subcode) assert.equal(res.body.error?.error_subcode, subcode)
    }
  })

  test('edit sends a template back to review; delete by name or by hsm_id', async () => {
    const created = await graph('POST', `${waba}/message_templates`, {
      name: 'to_delete',
      language: 'es',
      category: 'MARKETING',
      components: [{ type: 'BODY', text: 'Oferta' }],
    })
    await graph('POST', `${waba}/message_templates`, {
      name: 'to_delete',
      language: 'en_US',
      category: 'MARKETING',
      components: [{ type: 'BODY', text: 'Offer' }],
    })
    const id = String(created.body.id)
    await waitFor(async () => (await graph('GET', id)).body.status === 'APPROVED', 'approval')
    assert.deepEqual(
      (await graph('POST', id, { components: [{ type: 'BODY', text: 'Oferta nueva' }] })).body,
      {
        success: true,
      },
    )
    assert.equal((await graph('GET', `${id}?fields=status`)).body.status, 'PENDING')
    const one = await graph('DELETE', `${waba}/message_templates?name=to_delete&hsm_id=${id}`)
    assert.deepEqual(one.body, { success: true })
    const left = await graph('GET', `${waba}/message_templates?name=to_delete`)
    assert.deepEqual(
      (left.body.data as { language: string }[]).map((t) => t.language),
      ['en_US'],
    )
    assert.deepEqual((await graph('DELETE', `${waba}/message_templates?name=to_delete`)).body, {
      success: true,
    })
    assert.equal((await graph('DELETE', `${waba}/message_templates?name=to_delete`)).body.error?.code, 100)
  })
})

describe('business profile', () => {
  test('GET with fields, POST with Meta limits', async () => {
    const got = await graph('GET', `${pn}/whatsapp_business_profile?fields=about,vertical`)
    assert.deepEqual(got.body, {
      data: [{ about: 'Hello from the Wahub emulator', vertical: 'OTHER', messaging_product: 'whatsapp' }],
    })
    const ok = await graph('POST', `${pn}/whatsapp_business_profile`, {
      messaging_product: 'whatsapp',
      about: 'Pan artesano',
      email: 'hola@panaderia.example',
      websites: ['https://panaderia.example'],
      vertical: 'RESTAURANT',
    })
    assert.deepEqual(ok.body, { success: true })
    const after = await graph('GET', `${pn}/whatsapp_business_profile`)
    const p = (after.body.data as Record<string, unknown>[])[0]
    assert.equal(p.about, 'Pan artesano')
    assert.deepEqual(p.websites, ['https://panaderia.example'])
    for (const bad of [
      { about: 'x'.repeat(140) },
      { email: 'not-an-email' },
      { websites: ['https://a.example', 'https://b.example', 'https://c.example'] },
      { vertical: 'SPACESHIPS' },
    ]) {
      const res = await graph('POST', `${pn}/whatsapp_business_profile`, {
        messaging_product: 'whatsapp',
        ...bad,
      })
      assert.equal(res.body.error?.code, 100, JSON.stringify(bad))
    }
  })
})

describe('debug_token', () => {
  test('a system user token never expires; an expired one is is_valid false with 190/463', async () => {
    const appToken = `${emu.seed.appId}|${emu.seed.appSecret}`
    const valid = await graph('GET', `debug_token?input_token=${emu.seed.accessToken}`, undefined, appToken)
    const data = valid.body.data as Record<string, unknown>
    assert.equal(data.is_valid, true)
    assert.equal(data.type, 'SYSTEM_USER')
    assert.equal(data.expires_at, 0)
    assert.equal(data.app_id, emu.seed.appId)
    assert.deepEqual(data.granular_scopes, [
      { scope: 'whatsapp_business_management', target_ids: [waba] },
      { scope: 'whatsapp_business_messaging', target_ids: [waba] },
    ])
    const expired = await graph('GET', `debug_token?input_token=${emu.seed.expiredToken}`)
    const e = expired.body.data as { is_valid: boolean; error: { code: number; subcode: number } }
    assert.equal(e.is_valid, false)
    assert.equal(e.error.code, 190)
    assert.equal(e.error.subcode, 463)
    const temp = emu.control.addToken({ expires_in: 86400, type: 'USER' }) as {
      token: string
      expires_at: number
    }
    const t = (await graph('GET', `debug_token?input_token=${temp.token}`)).body.data as Record<
      string,
      unknown
    >
    assert.equal(t.expires_at, temp.expires_at)
    const unknown = (await graph('GET', 'debug_token?input_token=garbage')).body.data as { is_valid: boolean }
    assert.equal(unknown.is_valid, false)
    assert.equal((await graph('GET', 'debug_token')).body.error?.code, 100)
    assert.equal((await graph('GET', 'debug_token?input_token=x', undefined, 'bad')).body.error?.code, 190)
  })
})
