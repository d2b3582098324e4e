import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { GraphLedgerEntry } from '../../src/emulator/ledger.ts'
import { testDbKind } from '../helpers/db.ts'
import type { ApiAnswer } from '../helpers/harness.ts'
import { waitFor } from '../helpers/wait.ts'
import {
  errorOf,
  minimalJpeg,
  type SendWorld,
  sendOk,
  startSendWorld,
  waitStatus,
} from '../messaging/helpers.ts'

// Templates authored through Wahub's API, end to end through the emulator (SPEC §14): the media
// header's sample by resumable upload, Meta's review by webhook (emulator control), status and
// reasons tracked, edit limits, duplicate, delete, and every rule checked before Meta is asked.

type Obj = Record<string, unknown>
type Answer = {
  template: { id: string; status: string; rejectedReason: string | null; language: string }
  preview: { text: string }
}

describe(`template authoring through the emulator (${testDbKind})`, () => {
  let w: SendWorld
  const admin = () => ({ key: w.h.adminKey })
  const create = (body: Obj) =>
    w.h.api('POST', `/api/v1/admin/wabas/${w.seed.wabaRowId}/templates`, { ...admin(), body })
  const show = async (id: string) =>
    (await w.h.api('GET', `/api/v1/admin/templates/${id}`, admin())).body as Answer
  const graph = () => w.h.emulator.control.ledger({ kind: 'graph' }) as GraphLedgerEntry[]
  const review = (name: string, language: string, status: string, reason?: string) =>
    w.h.emulator.control.setTemplateStatus({ name, language, status, reason })
  const waitTemplate = (id: string, status: string) =>
    waitFor(`template ${id} ${status} by webhook`, async () => {
      const t = await show(id)
      return t.template.status === status ? t : undefined
    })
  function created(res: ApiAnswer): Answer {
    assert.equal(res.status, 201, res.text)
    return res.body as Answer
  }

  before(async () => {
    w = await startSendWorld({ emulator: { templateReview: 'manual' } })
  })
  after(async () => {
    await w.h.close()
  })

  test('an image header (resumable upload), two variables and each button kind: submitted, approved by webhook, sent', async () => {
    const res = created(
      await create({
        name: 'order_ready',
        language: 'en_US',
        category: 'UTILITY',
        components: [
          { type: 'HEADER', format: 'IMAGE' },
          { type: 'BODY', text: 'Hi {{1}}, order {{2}} is ready.', example: { body_text: [['Ana', 'A-1']] } },
          { type: 'FOOTER', text: 'Thanks for shopping' },
          {
            type: 'BUTTONS',
            buttons: [
              { type: 'URL', text: 'Track', url: 'https://shop.example/t/{{1}}', example: ['A-1'] },
              { type: 'PHONE_NUMBER', text: 'Call us', phone_number: '+15550001234' },
              { type: 'COPY_CODE', example: 'SAVE25' },
              { type: 'QUICK_REPLY', text: 'Thanks' },
            ],
          },
        ],
        header_media: {
          data_base64: Buffer.from(minimalJpeg).toString('base64'),
          mime_type: 'image/jpeg',
          file_name: 'o.jpg',
        },
      }),
    )
    assert.equal(res.template.status, 'PENDING')
    assert.equal(
      res.preview.text,
      '[image]\nHi Ana, order A-1 is ready.\nThanks for shopping\n[ Track ]\n[ Call us ]\n[ Copy code ]\n[ Thanks ]',
    )
    const calls = graph()
    assert.ok(
      calls.some((c) => c.method === 'POST' && c.path.endsWith(`/${w.h.emulator.seed.appId}/uploads`)),
      'an upload session was opened',
    )
    const submitted = calls.find((c) => c.method === 'POST' && c.path.endsWith('/message_templates'))
    const header = ((submitted?.body as Obj).components as Obj[])[0]
    assert.match(
      String((header.example as { header_handle: string[] }).header_handle[0]),
      /^4::/,
      'the handle of the upload',
    )

    review('order_ready', 'en_US', 'APPROVED')
    await waitTemplate(res.template.id, 'APPROVED')
    const sent = await sendOk(w, {
      to: '+34 612 345 678',
      type: 'template',
      template: {
        name: 'order_ready',
        language: 'en_US',
        components: [
          { type: 'header', parameters: [{ type: 'image', image: { link: 'https://cdn.example/o.jpg' } }] },
          {
            type: 'body',
            parameters: [
              { type: 'text', text: 'Ana' },
              { type: 'text', text: 'A-7' },
            ],
          },
          { type: 'button', sub_type: 'url', index: '0', parameters: [{ type: 'text', text: 'A-7' }] },
          {
            type: 'button',
            sub_type: 'copy_code',
            index: '2',
            parameters: [{ type: 'coupon_code', coupon_code: 'SAVE25' }],
          },
        ],
      },
    })
    await waitStatus(w, sent.id, ['sent', 'delivered', 'read'])
  })

  test('named parameters with a text header, a location header, and an authentication template with an OTP button', async () => {
    const named = created(
      await create({
        name: 'welcome_named',
        language: 'es',
        category: 'MARKETING',
        parameter_format: 'NAMED',
        components: [
          {
            type: 'HEADER',
            format: 'TEXT',
            text: 'Hola {{first}}',
            example: { header_text_named_params: [{ param_name: 'first', example: 'Ana' }] },
          },
          {
            type: 'BODY',
            text: 'Gracias {{customer_name}}, tu código es {{code}} hoy.',
            example: {
              body_text_named_params: [
                { param_name: 'customer_name', example: 'Sheena' },
                { param_name: 'code', example: 'X1' },
              ],
            },
          },
        ],
      }),
    )
    assert.equal(named.preview.text, 'Hola Ana\nGracias Sheena, tu código es X1 hoy.')
    created(
      await create({
        name: 'store_visit',
        language: 'en',
        category: 'MARKETING',
        components: [
          { type: 'HEADER', format: 'LOCATION' },
          { type: 'BODY', text: 'See you at our store soon.' },
        ],
      }),
    )
    const auth = created(
      await create({
        name: 'login_code',
        language: 'en',
        category: 'AUTHENTICATION',
        components: [
          { type: 'BODY', add_security_recommendation: true },
          { type: 'FOOTER', code_expiration_minutes: 10 },
          { type: 'BUTTONS', buttons: [{ type: 'OTP', otp_type: 'COPY_CODE', text: 'Copy code' }] },
        ],
      }),
    )
    assert.match(auth.preview.text, /is your verification code/)
    const submitted = graph()
      .filter((c) => c.method === 'POST' && c.path.endsWith('/message_templates'))
      .map((c) => c.body as Obj)
    assert.equal(submitted.find((b) => b.name === 'welcome_named')?.parameter_format, 'NAMED')
    assert.equal(submitted.find((b) => b.name === 'login_code')?.category, 'AUTHENTICATION')
  })

  test('rejection and pause reasons arrive by webhook and are shown', async () => {
    const t = created(
      await create({
        name: 'promo_one',
        language: 'en',
        category: 'MARKETING',
        components: [{ type: 'BODY', text: 'Big sale today.' }],
      }),
    )
    review('promo_one', 'en', 'REJECTED', 'PROMOTIONAL')
    const rejected = await waitTemplate(t.template.id, 'REJECTED')
    assert.equal(rejected.template.rejectedReason, 'PROMOTIONAL')
    review('promo_one', 'en', 'APPROVED')
    await waitTemplate(t.template.id, 'APPROVED')
    review('promo_one', 'en', 'PAUSED', 'SECOND_PAUSE')
    const paused = await waitTemplate(t.template.id, 'PAUSED')
    assert.equal(paused.template.rejectedReason, 'SECOND_PAUSE')
  })

  test("edit: back to review; an approved template's category is fixed, and Meta allows one edit a day", async () => {
    const t = created(
      await create({
        name: 'ship_note',
        language: 'en',
        category: 'UTILITY',
        components: [{ type: 'BODY', text: 'Your parcel left.' }],
      }),
    )
    const pending = await w.h.api('PATCH', `/api/v1/admin/templates/${t.template.id}`, {
      ...admin(),
      body: { components: [{ type: 'BODY', text: 'Your parcel is on its way.' }] },
    })
    assert.equal(pending.status, 422, pending.text)
    assert.equal(errorOf(pending).code, 'template_edit_refused', 'a PENDING template cannot be edited')
    review('ship_note', 'en', 'APPROVED')
    await waitTemplate(t.template.id, 'APPROVED')
    const category = await w.h.api('PATCH', `/api/v1/admin/templates/${t.template.id}`, {
      ...admin(),
      body: { category: 'MARKETING' },
    })
    assert.equal(errorOf(category).code, 'template_edit_refused')
    const edited = await w.h.api('PATCH', `/api/v1/admin/templates/${t.template.id}`, {
      ...admin(),
      body: { components: [{ type: 'BODY', text: 'Your parcel is on its way.' }] },
    })
    assert.equal(edited.status, 200, edited.text)
    assert.equal((edited.body as Answer).template.status, 'PENDING')
    assert.equal((edited.body as Answer).preview.text, 'Your parcel is on its way.')
    review('ship_note', 'en', 'APPROVED')
    await waitTemplate(t.template.id, 'APPROVED')
    const again = await w.h.api('PATCH', `/api/v1/admin/templates/${t.template.id}`, {
      ...admin(),
      body: { components: [{ type: 'BODY', text: 'Your parcel arrives today.' }] },
    })
    const e = errorOf(again)
    assert.equal(e.code, 'meta_error', again.text)
    assert.match(String((e.details as { details?: string }).details), /once in 24 hours/)
  })

  test('duplicate to another language, then delete one language by id and a name in every language', async () => {
    const t = created(
      await create({
        name: 'pickup_ready',
        language: 'en',
        category: 'UTILITY',
        components: [{ type: 'BODY', text: 'Your order is ready for pickup.' }],
      }),
    )
    const es = await w.h.api('POST', `/api/v1/admin/templates/${t.template.id}/duplicate`, {
      ...admin(),
      body: { language: 'es', components: [{ type: 'BODY', text: 'Tu pedido está listo para recoger.' }] },
    })
    const dup = created(es)
    assert.equal(dup.template.language, 'es')
    assert.equal(dup.preview.text, 'Tu pedido está listo para recoger.')
    const one = await w.h.api('DELETE', `/api/v1/admin/templates/${dup.template.id}`, admin())
    assert.equal(one.status, 200, one.text)
    assert.deepEqual(one.body, { name: 'pickup_ready', deleted: 1 })
    assert.equal((await show(t.template.id)).template.status, 'PENDING', 'the English one stays')
    const del = graph().filter((c) => c.method === 'DELETE' && c.path.endsWith('/message_templates'))
    assert.ok(del.at(-1)?.query.hsm_id, 'deleted by id (hsm_id)')
    const all = await w.h.api(
      'DELETE',
      `/api/v1/admin/templates/${t.template.id}?all_languages=true`,
      admin(),
    )
    assert.equal(all.status, 200, all.text)
    assert.equal((await show(t.template.id)).template.status, 'DELETED')
    assert.equal(
      graph()
        .filter((c) => c.method === 'DELETE')
        .at(-1)?.query.hsm_id,
      undefined,
      'deleted by name',
    )
  })

  test('each broken rule is a 422 naming the field, and Meta is never asked', async () => {
    const before = graph().filter((c) => c.path.endsWith('/message_templates') && c.method === 'POST').length
    const body = (text: string, ex?: string[]) => ({
      type: 'BODY',
      text,
      ...(ex ? { example: { body_text: [ex] } } : {}),
    })
    const cases: [Obj, string][] = [
      [{ name: 'Bad Name' }, 'name'],
      [{ components: [body('Hi {{2}} and {{1}} ok', ['a', 'b'])] }, 'components[0].text'],
      [{ components: [body('Hi {{1}} ok')] }, 'components[0].example.body_text'],
      [{ components: [body('x'.repeat(1025))] }, 'components[0].text'],
      [
        { components: [{ type: 'HEADER', format: 'IMAGE' }, body('Hello')] },
        'components[0].example.header_handle',
      ],
      [
        {
          components: [
            body('Hello'),
            {
              type: 'BUTTONS',
              buttons: Array.from({ length: 11 }, () => ({ type: 'QUICK_REPLY', text: 'a' })),
            },
          ],
        },
        'components[1].buttons',
      ],
      [
        {
          components: [body('Hello'), { type: 'BUTTONS', buttons: [{ type: 'OTP', otp_type: 'COPY_CODE' }] }],
        },
        'components[1].buttons[0].type',
      ],
    ]
    for (const [over, field] of cases) {
      const res = await create({
        name: 'rule_check',
        language: 'en',
        category: 'UTILITY',
        components: [body('Hello')],
        ...over,
      })
      assert.equal(res.status, 422, `${field}: ${res.text}`)
      const e = errorOf(res)
      assert.equal(e.code, 'template_invalid')
      assert.equal((e.details as { field: string }).field, field, e.message)
    }
    const wrongType = await create({
      name: 'rule_check',
      language: 'en',
      category: 'UTILITY',
      components: [{ type: 'HEADER', format: 'VIDEO' }, body('Hello')],
      header_media: {
        data_base64: Buffer.from(minimalJpeg).toString('base64'),
        mime_type: 'image/jpeg',
        file_name: 'a.jpg',
      },
    })
    assert.equal((errorOf(wrongType).details as { field: string }).field, 'header_media.mime_type')
    const schema = await create({ name: 'rule_check', language: 'en', category: 'UTILITY' })
    assert.equal(schema.status, 400, 'a body without components fails the schema')
    const after = graph().filter((c) => c.path.endsWith('/message_templates') && c.method === 'POST').length
    assert.equal(after, before)
  })

  test('the preview route renders a draft with values and reports its first problem', async () => {
    const res = await w.h.api('POST', '/api/v1/templates/preview', {
      key: w.key,
      body: {
        components: [{ type: 'BODY', text: 'Hi {{1}}, total {{2}} ok', example: { body_text: [['Ana']] } }],
        values: { body: { '1': 'Luis' } },
      },
    })
    assert.equal(res.status, 200, res.text)
    const b = res.body as { preview: { body: string }; problem: { field: string } | null }
    assert.equal(b.preview.body, 'Hi Luis, total {{2}} ok')
    assert.equal(b.problem?.field, 'components[0].example.body_text')
  })
})
