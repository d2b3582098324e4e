import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { runWahub } from '../helpers/cli.ts'
import { testDbKind } from '../helpers/db.ts'
import { waitFor } from '../helpers/wait.ts'
import {
  customerWrites,
  graphSends,
  lucia,
  type SendWorld,
  sheena,
  startSendWorld,
} from '../messaging/helpers.ts'

// Seed 001's two templates (po_notification, low_stock_alert; their text copied from the seed
// below) created with one `wahub templates create` each, approved by Meta's webhook (emulator
// control), and sent with `wahub send`; named, header-media and button parameters from flags.

const seed001 = {
  po_notification: {
    body: 'Hola {{1}}, has recibido una nueva orden de compra {{2}} por un total de {{3}}.',
    examples: ['Juan García', 'PO-12345', '€250.50'],
  },
  low_stock_alert: {
    body: '⚠️ Alerta: El ingrediente {{1}} tiene stock bajo.\n\nCantidad actual: {{2}} {{3}}.\n\nPunto de reorden: {{4}} {{5}}.',
    examples: ['Harina', '2', 'kg', '10', 'kg'],
  },
}

type Obj = Record<string, unknown>

describe(`wahub templates create and wahub send with every parameter kind (${testDbKind})`, () => {
  let w: SendWorld
  let env: Record<string, string>
  const wahub = (...args: string[]) => runWahub(args, { env })

  before(async () => {
    w = await startSendWorld({ emulator: { templateReview: 'manual' } })
    env = {
      WAHUB_DATA_DIR: w.h.db.dataDir,
      WAHUB_GRAPH_URL: w.h.emulator.url,
      ...(w.h.db.databaseUrl ? { DATABASE_URL: w.h.db.databaseUrl } : {}),
    }
    const sync = await w.h.api('POST', `/api/v1/admin/wabas/${w.seed.wabaRowId}/templates/sync`, {
      key: w.h.adminKey,
    })
    assert.equal(sync.status, 200, sync.text)
    // The emulator's seed already holds both (as Meta would after seed 001's manual steps).
    for (const name of Object.keys(seed001)) {
      const listed = (await w.h.api('GET', `/api/v1/admin/templates?name=${name}`, { key: w.h.adminKey }))
        .body as {
        templates: { id: string }[]
      }
      const del = await w.h.api(
        'DELETE',
        `/api/v1/admin/templates/${listed.templates[0].id}?all_languages=true`,
        {
          key: w.h.adminKey,
        },
      )
      assert.equal(del.status, 200, del.text)
    }
    await customerWrites(w, sheena)
  })
  after(async () => {
    await w.h.close()
  })

  test("seed 001's templates: one command each creates them; approved, `wahub send` sends them", async () => {
    for (const [name, t] of Object.entries(seed001)) {
      const args = [
        'templates',
        'create',
        '--name',
        name,
        '--lang',
        'es',
        '--category',
        'UTILITY',
        '--body',
        t.body,
      ]
      for (const e of t.examples) args.push('--example', e)
      const res = await wahub(...args)
      assert.equal(res.code, 0, `${res.stdout}${res.stderr}`)
      assert.match(res.stdout, new RegExp(`${name} \\(es\\)  UTILITY  PENDING`))
      w.h.emulator.control.setTemplateStatus({ name, language: 'es', status: 'APPROVED' })
    }
    await waitFor('both approved by webhook', async () => {
      const list = (await w.h.api('GET', '/api/v1/admin/templates?status=APPROVED', { key: w.h.adminKey }))
        .body as {
        templates: { name: string }[]
      }
      return Object.keys(seed001).every((n) => list.templates.some((t) => t.name === n))
    })
    for (const [name, t] of Object.entries(seed001)) {
      const args = ['send', '--from', w.pnid, '--to', '+34 612 345 678', '--template', name, '--lang', 'es']
      for (const e of t.examples) args.push('--param', e)
      const res = await wahub(...args)
      assert.equal(res.code, 0, `${res.stdout}${res.stderr}`)
      assert.match(res.stdout, /\(Meta accepted it: wamid\./)
    }
    const sent = graphSends(w).filter((e) => (e.body as { to?: string }).to === lucia)
    assert.ok(sent.some((e) => ((e.body as Obj).template as Obj)?.name === 'low_stock_alert'))
  })

  test('named parameters, a header image and a button value from flags; a mismatch prints the expected flags', async () => {
    const named = await wahub(
      'send',
      '--from',
      w.pnid,
      '--to',
      sheena,
      '--template',
      'appointment_reminder',
      '--lang',
      'en_US',
      '--param',
      'customer_name=Sheena',
      '--param',
      'date=May 1',
    )
    assert.equal(named.code, 0, `${named.stdout}${named.stderr}`)
    const body = graphSends(w).at(-1)?.body as { template: { components: { parameters: Obj[] }[] } }
    assert.deepEqual(body.template.components[0].parameters, [
      { type: 'text', parameter_name: 'customer_name', text: 'Sheena' },
      { type: 'text', parameter_name: 'date', text: 'May 1' },
    ])
    const media = await wahub(
      'send',
      '--from',
      w.pnid,
      '--to',
      sheena,
      '--template',
      'summer_sale',
      '--lang',
      'en_US',
      '--header-image',
      'https://cdn.example/sale.jpg',
      '--param',
      'Sheena',
      '--param',
      '30%',
    )
    assert.equal(media.code, 0, `${media.stdout}${media.stderr}`)
    const button = await wahub(
      'send',
      '--from',
      w.pnid,
      '--to',
      sheena,
      '--template',
      'order_update',
      '--lang',
      'en_US',
    )
    assert.equal(button.code, 1)
    assert.match(button.stderr, /template_params_mismatch/)
    assert.match(button.stderr, /expected parameters:\n/)
    assert.match(button.stderr, /--button 0=VALUE/)
  })
})
