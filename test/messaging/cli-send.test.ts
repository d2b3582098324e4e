import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { after, before, describe, test } from 'node:test'
import { runWahub } from '../helpers/cli.ts'
import { testDbKind } from '../helpers/db.ts'
import { customerWrites, graphSends, joao, lucia, type SendWorld, startSendWorld } from './helpers.ts'

// `wahub send` (SPEC §3): seed 000's test-send script and seed 001's curl test as one command,
// through the same service as the API — policy, outbox, lanes — printing the result or the
// explained error, exit code 0 only when Meta accepted the message.

describe(`wahub send (${testDbKind})`, () => {
  let w: SendWorld
  let env: Record<string, string>
  const wahub = (...args: string[]) => runWahub(['send', ...args], { env })

  before(async () => {
    w = await startSendWorld()
    env = {
      WAHUB_DATA_DIR: w.h.db.dataDir,
      WAHUB_GRAPH_URL: w.h.emulator.url,
      ...(w.h.db.databaseUrl ? { DATABASE_URL: w.h.db.databaseUrl } : {}),
    }
    await customerWrites(w, lucia)
  })
  after(async () => {
    await w.h.close()
  })

  test('a template with parameters (seed 001’s po_notification) is sent and its wamid printed', async () => {
    const res = await wahub(
      '--from',
      w.pnid,
      '--to',
      '+34 612 345 678',
      '--template',
      'po_notification',
      '--lang',
      'es',
      '--param',
      'Juan García',
      '--param',
      'PO-12345',
      '--param',
      '€250,50',
    )
    assert.equal(res.code, 0, `${res.stdout}${res.stderr}`)
    assert.match(res.stdout, /to 34612345678: (sent|delivered|read) \(Meta accepted it: wamid\./)
    const sent = graphSends(w).find(
      (e) => (e.body as { template?: { name: string } } | null)?.template?.name === 'po_notification',
    )
    const params = (sent?.body as { template: { components: { parameters: { text: string }[] }[] } }).template
      .components[0].parameters
    assert.deepEqual(
      params.map((p) => p.text),
      ['Juan García', 'PO-12345', '€250,50'],
      'a parameter may hold a comma',
    )
  })

  test('a text, with --json', async () => {
    const res = await wahub(
      '--from',
      w.pnid,
      '--to',
      lucia,
      '--text',
      'Prueba desde la línea de comandos',
      '--json',
    )
    assert.equal(res.code, 0, `${res.stdout}${res.stderr}`)
    const out = JSON.parse(res.stdout) as { status: string; wamid: string; from: string; to: string }
    assert.ok(['sent', 'delivered', 'read'].includes(out.status))
    assert.equal(out.from, w.pnid)
    assert.equal(out.to, lucia)
  })

  test('a refused message prints the code, the fix and the approved templates; exit 1', async () => {
    const res = await wahub('--from', w.pnid, '--to', joao, '--text', 'Olá')
    assert.equal(res.code, 1)
    assert.match(res.stderr, /error \(window_closed\)/)
    assert.match(res.stderr, /fix: /)
    assert.match(res.stderr, /approved templates: .*po_notification \(es\)/)
    const params = await wahub(
      '--from',
      w.pnid,
      '--to',
      lucia,
      '--template',
      'po_notification',
      '--lang',
      'es',
      '--param',
      'x',
    )
    assert.equal(params.code, 1)
    assert.match(params.stderr, /template_params_mismatch/)
    assert.match(params.stderr, /body: 1 parameter given/)
  })

  test('a failure at Meta prints Meta’s code with the catalogue’s explanation; exit 1', async () => {
    await w.h.api('PATCH', `/api/v1/admin/tenants/${w.seed.acme.id}`, {
      key: w.h.adminKey,
      body: { numbers: ['110000000000003'] },
    })
    const res = await wahub(
      '--from',
      '110000000000003',
      '--to',
      '447700900999',
      '--template',
      'hello_world',
      '--lang',
      'en_US',
    )
    assert.equal(res.code, 1, res.stdout)
    assert.match(res.stdout, /failed/)
    assert.match(res.stdout, /\(#131030\)/)
  })

  test('usage errors exit 2', async () => {
    const res = await wahub('--to', lucia, '--text', 'x', '--template', 'y')
    assert.equal(res.code, 2)
    assert.match(res.stderr, /either --text or --template/)
  })

  test('--file queues every line in bulk; a refused line is printed with its line and field; exit 1', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wahub-send-file-'))
    const file = path.join(dir, 'messages.ndjson')
    const hello = (to: string) => ({
      from: w.pnid,
      to,
      type: 'template',
      template: { name: 'hello_world', language: 'en_US' },
    })
    fs.writeFileSync(
      file,
      [
        JSON.stringify({ ...hello('34600000101'), idempotency_key: 'file-1' }),
        JSON.stringify(hello('34600000102')),
        '',
        JSON.stringify({ from: w.pnid, type: 'text', text: { body: 'sin destinatario' } }),
        'not json',
      ].join('\n'),
    )
    try {
      const res = await wahub('--file', file)
      assert.equal(res.code, 1, `two lines are refused: ${res.stdout}${res.stderr}`)
      assert.match(
        res.stdout,
        /line 4: error \(validation_failed\) in to/,
        'the missing recipient names line 4 and `to`',
      )
      assert.match(res.stdout, /line 5: error \(invalid_json\)/)
      assert.match(res.stdout, /Queued 2 of 4 messages \(2 refused\)/)
      const queued = await w.h.db.db
        .selectFrom('messages as m')
        .innerJoin('contacts as c', 'c.id', 'm.contact_id')
        .select(['c.wa_id', 'm.source'])
        .where('c.wa_id', 'in', ['34600000101', '34600000102'])
        .execute()
      assert.equal(queued.length, 2, 'both good lines are queued')
      assert.ok(
        queued.every((q) => q.source === 'cli'),
        'queued as the CLI',
      )

      const again = await wahub('--file', file, '--json')
      const lines = again.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { line: number; ok: boolean; replayed?: boolean })
      assert.deepEqual(
        lines.map((l) => l.line),
        [1, 2, 4, 5],
        'one JSON result per non-empty line',
      )
      assert.equal(lines[0].replayed, true, 'the keyed line is not queued twice')
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })
})
