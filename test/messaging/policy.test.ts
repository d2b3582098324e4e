import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { testDbKind } from '../helpers/db.ts'
import {
  customerWrites,
  errorOf,
  graphSends,
  joao,
  lucia,
  minimalJpeg,
  type SendWorld,
  send,
  sendOk,
  settled,
  startSendWorld,
  upload,
  waitStatus,
} from './helpers.ts'

// Meta's rules applied before queueing (SPEC §6): each refusal is a 4xx with a machine code
// and a fix, and nothing reaches Meta (the emulator's ledger shows no send for it).

type Obj = Record<string, unknown>

describe(`send policy: refused before Meta is asked (${testDbKind})`, () => {
  let w: SendWorld
  const po = (params: unknown[], extra: Obj = {}) => ({
    to: lucia,
    type: 'template',
    template: {
      name: 'po_notification',
      language: 'es',
      components: [{ type: 'body', parameters: params }],
      ...extra,
    },
  })
  const text = (s: string) => ({ type: 'text', text: s })

  before(async () => {
    w = await startSendWorld()
    await customerWrites(w, lucia)
  })
  after(async () => {
    await w.h.close()
  })

  async function refused(body: Obj, status: number, code: string, key = w.key) {
    await settled(w)
    const before = graphSends(w).length
    const res = await send(w, body, { key })
    assert.equal(res.status, status, res.text)
    const error = errorOf(res)
    assert.equal(error.code, code, res.text)
    assert.ok(error.fix.length > 20, `a fix for ${code}`)
    assert.equal(graphSends(w).length, before, `${code}: nothing was sent to Meta`)
    return error
  }

  test('an impossible recipient is invalid_recipient (422); any common format of a real one is accepted', async () => {
    for (const to of ['123', 'not a number', '+999 1234567', '+34 12']) {
      const e = await refused({ to, type: 'text', text: { body: 'x' } }, 422, 'invalid_recipient')
      assert.match(e.message, /not a phone number WhatsApp can reach/)
    }
    for (const to of ['+34 612 345 678', '0034612345678', '34612345678', '(+34) 612-345-678']) {
      const ok = await sendOk(w, { to, type: 'text', text: { body: 'formato' } })
      assert.equal(ok.to, lucia, to)
    }
  })

  test('a national number uses the tenant’s default country', async () => {
    const hello = (to: string) => ({
      to,
      type: 'template',
      template: { name: 'hello_world', language: 'en_US' },
    })
    await refused(hello('07700 900456'), 422, 'invalid_recipient')
    await w.h.db.db
      .updateTable('tenants')
      .set({ default_country: 'GB' })
      .where('id', '=', w.seed.acme.id)
      .execute()
    const ok = await sendOk(w, hello('07700 900456'))
    assert.equal(ok.to, '447700900456')
    // International forms still win over the default country.
    assert.equal((await sendOk(w, { to: '+34 612 345 678', type: 'text', text: { body: 'x' } })).to, lucia)
    assert.equal((await sendOk(w, { to: '34612345678', type: 'text', text: { body: 'x' } })).to, lucia)
  })

  test('a number that is not the tenant’s is number_not_allowed (403)', async () => {
    const e = await refused(
      { from: w.seed.globex.phoneNumberId, to: lucia, type: 'text', text: { body: 'x' } },
      403,
      'number_not_allowed',
    )
    assert.match(e.message, /may not send from/)
  })

  test('free-form outside the 24-hour window is window_closed, listing the approved templates with their languages', async () => {
    const never = await refused({ to: joao, type: 'text', text: { body: 'Olá' } }, 422, 'window_closed')
    assert.match(never.message, /never written/)
    const templates = (never.details as { templates: { name: string; language: string; category: string }[] })
      .templates
    assert.ok(templates.some((t) => t.name === 'po_notification' && t.language === 'es'))
    assert.ok(templates.some((t) => t.name === 'welcome_new') === false, 'a PENDING template is not offered')
    assert.match(never.fix, /po_notification \(es\)|hello_world \(en_US\)/)
    // Every kind of free-form message needs the window, reactions and media too.
    await refused(
      { to: joao, type: 'image', image: { link: 'https://x.example/a.jpg' } },
      422,
      'window_closed',
    )

    // 25 hours after Lucía last wrote, the window is closed again.
    await w.h.db.db
      .updateTable('conversations')
      .set({ last_inbound_at: Date.now() - 25 * 3600_000 })
      .where('tenant_id', '=', w.seed.acme.id)
      .execute()
    const closed = await refused({ to: lucia, type: 'text', text: { body: 'hola' } }, 422, 'window_closed')
    assert.match(closed.message, /closed at/)
    assert.ok((closed.details as Obj).windowClosedAt)
    // A template still goes.
    await sendOk(w, po([text('a'), text('b'), text('c')]))
    await customerWrites(w, lucia, w.pnid, 'otra vez')
    await sendOk(w, { to: lucia, type: 'text', text: { body: 'ahora sí' } })
  })

  test('an unknown template is template_not_found after one auto-sync of the WABA; a wrong language names the right ones', async () => {
    const syncs = () =>
      (w.h.emulator.control.ledger({ kind: 'graph' }) as { method: string; path: string }[]).filter(
        (e) => e.method === 'GET' && e.path.endsWith('/message_templates'),
      ).length
    await w.h.db.db.deleteFrom('template_sync_marks').execute()
    const before = syncs()
    const e = await refused(
      { to: lucia, type: 'template', template: { name: 'no_such_template', language: 'es' } },
      422,
      'template_not_found',
    )
    assert.match(e.message, /checked with Meta/)
    const synced = syncs()
    assert.ok(synced > before, 'the cache was synced from Meta')
    await refused(
      { to: lucia, type: 'template', template: { name: 'still_missing', language: 'es' } },
      422,
      'template_not_found',
    )
    assert.equal(syncs(), synced, 'at most once a minute per WABA')

    const lang = await refused(
      { to: lucia, type: 'template', template: { name: 'order_update', language: 'en' } },
      422,
      'template_not_found',
    )
    assert.deepEqual((lang.details as { languages: string[] }).languages, ['en_US'])
    assert.match(lang.message, /exists in en_US, not in en/)
  })

  test('a template created at Meta after the last sync is found by the next auto-sync', async () => {
    const seed = w.h.emulator.seed
    const created = await fetch(`${w.h.emulator.url}/v23.0/${seed.wabaId}/message_templates`, {
      method: 'POST',
      headers: { authorization: `Bearer ${seed.accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'pickup_ready',
        language: 'es',
        category: 'UTILITY',
        components: [
          { type: 'BODY', text: 'Tu pedido {{1}} está listo.', example: { body_text: [['PO-1']] } },
        ],
      }),
    })
    assert.equal(created.status, 200, await created.text())
    await w.h.emulator.control.setTemplateStatus({ name: 'pickup_ready', language: 'es', status: 'APPROVED' })
    // The last auto-sync was less than a minute ago; a minute later (simulated) it syncs again.
    await w.h.db.db
      .updateTable('template_sync_marks')
      .set({ attempted_at: Date.now() - 61_000 })
      .execute()
    const ok = await sendOk(w, {
      to: lucia,
      type: 'template',
      template: {
        name: 'pickup_ready',
        language: 'es',
        components: [{ type: 'body', parameters: [text('PO-9')] }],
      },
    })
    await waitStatus(w, ok.id, ['sent', 'delivered', 'read'])
  })

  test('a template that is not APPROVED is template_not_approved, saying which status and what to do', async () => {
    const cases: [string, string, string, RegExp][] = [
      ['spring_promo', 'en_US', 'PAUSED', /paused/i],
      ['old_receipt', 'en_US', 'DISABLED', /create a new template/i],
      ['welcome_new', 'pt_BR', 'PENDING', /review/i],
    ]
    for (const [name, language, status, fix] of cases) {
      const e = await refused(
        {
          to: lucia,
          type: 'template',
          template: { name, language, components: [{ type: 'body', parameters: [text('x')] }] },
        },
        422,
        'template_not_approved',
      )
      assert.equal((e.details as { status: string }).status, status)
      assert.match(e.message, new RegExp(status))
      assert.match(e.fix, fix)
    }
    // REJECTED, learnt from Meta's template webhook.
    await w.h.emulator.control.setTemplateStatus({
      name: 'low_stock_alert',
      language: 'es',
      status: 'REJECTED',
      reason: 'INVALID_FORMAT',
    })
    let rejected: Obj | undefined
    for (let i = 0; i < 200 && !rejected; i++) {
      const res = await send(w, {
        to: lucia,
        type: 'template',
        template: {
          name: 'low_stock_alert',
          language: 'es',
          components: [{ type: 'body', parameters: [1, 2, 3, 4, 5].map((n) => text(String(n))) }],
        },
      })
      if (res.status === 422) rejected = errorOf(res) as unknown as Obj
      else await new Promise((r) => setTimeout(r, 25))
    }
    assert.ok(rejected, 'refused once the REJECTED webhook was processed')
    assert.equal(rejected.code, 'template_not_approved')
    assert.match(String(rejected.message), /REJECTED \(reason The template has an invalid format/)
  })

  test('parameters that do not fit the template are template_params_mismatch, per component, named and positional', async () => {
    const count = await refused(po([text('only'), text('two')]), 422, 'template_params_mismatch')
    assert.match(
      count.message,
      /body: 2 parameters given, the template's body takes 3 \(\{\{1\}\}, \{\{2\}\}, \{\{3\}\}\)/,
    )
    assert.equal((count.details as { expected: { body: { count: number } } }).expected.body.count, 3)

    const type = await refused(
      po([text('a'), { type: 'image', image: { link: 'https://x.example/a.jpg' } }, text('c')]),
      422,
      'template_params_mismatch',
    )
    assert.match(type.message, /body parameter 2 has type image/)

    const newline = await refused(po([text('a\nb'), text('b'), text('c')]), 422, 'template_params_mismatch')
    assert.match(newline.message, /new line/)

    const named = await refused(
      {
        to: lucia,
        type: 'template',
        template: {
          name: 'appointment_reminder',
          language: 'en_US',
          components: [{ type: 'body', parameters: [text('Sarah'), text('May 1')] }],
        },
      },
      422,
      'template_params_mismatch',
    )
    assert.match(named.message, /parameter_name, one of customer_name, date/)
    assert.deepEqual((named.details as { expected: { body: { names: string[] } } }).expected.body.names, [
      'customer_name',
      'date',
    ])

    const button = await refused(
      {
        to: lucia,
        type: 'template',
        template: {
          name: 'order_update',
          language: 'en_US',
          components: [{ type: 'body', parameters: [text('a'), text('b'), text('c')] }],
        },
      },
      422,
      'template_params_mismatch',
    )
    assert.match(button.message, /button 0 \(URL\): its text parameter is required/)

    const header = await refused(
      {
        to: lucia,
        type: 'template',
        template: {
          name: 'summer_sale',
          language: 'en_US',
          components: [
            { type: 'header', parameters: [text('not an image')] },
            { type: 'body', parameters: [text('a'), text('b')] },
          ],
        },
      },
      422,
      'template_params_mismatch',
    )
    assert.match(header.message, /header parameter 1 has type text; the template's header is image/)
  })

  test('media over its kind’s limit is media_too_large; a file sent as a kind it is not is refused too', async () => {
    const big = await upload(w, {
      bytes: new Uint8Array(5 * 1024 * 1024 + 1),
      mime: 'image/jpeg',
      filename: 'big.jpg',
    })
    assert.equal(big.status, 422, big.text)
    assert.equal(errorOf(big).code, 'media_too_large')
    assert.match(errorOf(big).message, /at most 5242880 bytes/)
    const uploads = (w.h.emulator.control.ledger({ kind: 'graph' }) as { path: string }[]).filter((e) =>
      e.path.endsWith('/media'),
    )
    assert.equal(uploads.length, 0, 'nothing was uploaded to Meta')

    const exe = await upload(w, {
      bytes: new Uint8Array(10),
      mime: 'application/x-msdownload',
      filename: 'a.exe',
    })
    assert.equal(errorOf(exe).code, 'media_type_not_supported')

    const pdf = await upload(w, { bytes: new Uint8Array(4000), mime: 'application/pdf', filename: 'f.pdf' })
    assert.equal(pdf.status, 201, pdf.text)
    const e = await refused(
      { to: lucia, type: 'image', image: { id: (pdf.body as { id: string }).id } },
      422,
      'media_type_not_supported',
    )
    assert.match(e.message, /application\/pdf, which cannot be sent as image/)
    // As a document it goes.
    const doc = await sendOk(w, {
      to: lucia,
      type: 'document',
      document: { id: (pdf.body as { id: string }).id, filename: 'f.pdf' },
    })
    await waitStatus(w, doc.id, ['sent', 'delivered', 'read'])
    // A small image is fine.
    const small = await upload(w, { bytes: minimalJpeg, mime: 'image/jpeg', filename: 'p.jpg' })
    assert.equal(small.status, 201)
  })

  test('malformed messages are validation_failed with the field at fault', async () => {
    const cases: [Obj, RegExp][] = [
      [{ to: lucia, type: 'text' }, /^text$/],
      [{ to: lucia, type: 'image', image: { id: '1', link: 'https://x.example/a.jpg' } }, /^image$/],
      [{ to: lucia, type: 'text', text: { body: 'x' }, image: { link: 'https://x.example' } }, /^image$/],
      [{ to: lucia, type: 'text', text: { body: '' } }, /text\.body/],
      [
        {
          to: lucia,
          type: 'interactive',
          interactive: {
            type: 'button',
            body: { text: 'x' },
            action: { buttons: [{ type: 'reply', reply: { id: 'a', title: 'this title is far too long' } }] },
          },
        },
        /interactive\.action\.buttons\.0\.reply\.title/,
      ],
      [
        {
          to: lucia,
          type: 'interactive',
          interactive: {
            type: 'list',
            body: { text: 'x' },
            action: {
              button: 'Ver',
              sections: [
                { title: 'A', rows: Array.from({ length: 6 }, (_, i) => ({ id: `a${i}`, title: `A${i}` })) },
                { title: 'B', rows: Array.from({ length: 6 }, (_, i) => ({ id: `b${i}`, title: `B${i}` })) },
              ],
            },
          },
        },
        /interactive\.action\.sections/,
      ],
      [{ to: lucia, txt: { body: 'typo' } }, /.*/],
    ]
    for (const [body, field] of cases) {
      const e = await refused(body, 400, 'validation_failed')
      const fields = (e.details as { field: string }[]).map((d) => d.field)
      assert.ok(
        fields.some((f) => field.test(f)),
        `${JSON.stringify(body)}: ${fields.join(', ')}`,
      )
    }
  })

  test('a disabled tenant or WhatsApp switched off sends nothing', async () => {
    await w.h.api('PATCH', `/api/v1/admin/tenants/${w.seed.acme.id}`, {
      key: w.h.adminKey,
      body: { whatsappEnabled: false },
    })
    await refused({ to: lucia, type: 'text', text: { body: 'x' } }, 403, 'whatsapp_disabled')
    await w.h.api('PATCH', `/api/v1/admin/tenants/${w.seed.acme.id}`, {
      key: w.h.adminKey,
      body: { whatsappEnabled: true },
    })
    await sendOk(w, { to: lucia, type: 'text', text: { body: 'de nuevo' } })
  })
})
