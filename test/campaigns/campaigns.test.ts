import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { after, before, describe, test } from 'node:test'
import { runCliHere } from '../helpers/cli.ts'
import { testDbKind } from '../helpers/db.ts'
import { onboardSeed, startHarness } from '../helpers/harness.ts'
import { waitFor } from '../helpers/wait.ts'
import { acceptedSends, api, type CampaignView, ok, people, view, type World, waitStatus } from './helpers.ts'

// Campaigns end to end (issue 18, docs/CAMPAIGNS.md): the suppression list, audiences from CSV
// and lists, a campaign's dry run, launch, progress, pause / resume / cancel, the quality guard,
// through the real HTTP API, the real database and the emulator's real HTTP.

type Audience = {
  id: string
  size: number
  rejected: number
  duplicates: number
  columns: string[]
  errors: { row: number; field: string; problem: string }[]
}
type Campaign = { id: string; status: string }

// appointment_reminder (utility, named parameters): "Hi {{customer_name}}, see you on {{date}}."
const orderUpdate = {
  template: { name: 'appointment_reminder', language: 'en_US' },
  parameters: [
    { name: 'customer_name', attribute: 'name' },
    { name: 'date', text: 'Friday' },
  ],
}

describe(`campaigns (${testDbKind})`, () => {
  const w = {} as World
  before(async () => {
    w.h = await startHarness({ logLevel: 'debug' })
    w.seed = await onboardSeed(w.h)
  })
  after(async () => {
    await w.h.close()
  })

  async function inlineAudience(name: string, list: ReturnType<typeof people>): Promise<Audience> {
    return ok<Audience>(api(w, 'POST', '/api/v1/audiences', { name, recipients: list }), `audience ${name}`)
  }
  async function campaign(
    name: string,
    audienceId: string,
    extra: Record<string, unknown> = {},
  ): Promise<Campaign> {
    return ok<Campaign>(
      api(w, 'POST', '/api/v1/campaigns', { name, audienceId, ...orderUpdate, ...extra }),
      `campaign ${name}`,
    )
  }

  test('STOP-like replies and the API put contacts on the suppression list; the CSV export lists them', async () => {
    const pnid = w.seed.acme.phoneNumberId
    for (const n of [1, 2, 3, 5])
      w.h.emulator.control.addCustomer({ wa_id: `3461100000${n}`, name: `Cliente ${n}` })
    const stop = w.h.emulator.control.customerSends(
      '34611000001',
      { type: 'text', text: { body: 'STOP!' } },
      { phoneNumberId: pnid },
    )
    w.h.emulator.control.customerSends(
      '34611000002',
      { type: 'text', text: { body: 'please stop the noise' } },
      { phoneNumberId: pnid },
    )
    w.h.emulator.control.customerSends(
      '34611000003',
      { type: 'button', button: { text: 'Stop promotions', payload: 'Stop promotions' } },
      { phoneNumberId: pnid },
    )
    await waitFor('the three replies stored', async () => {
      const rows = await w.h.db.db.selectFrom('messages').select('id').where('direction', '=', 'in').execute()
      return rows.length >= 3
    })
    const list = await ok<{
      suppressions: { waId: string; source: string; messageId: string | null }[]
      total: number
    }>(api(w, 'GET', '/api/v1/suppressions'), 'the list')
    const byWaId = new Map(list.suppressions.map((s) => [s.waId, s]))
    assert.equal(byWaId.get('34611000001')?.source, 'keyword', '"STOP!" is an opt-out')
    assert.ok(byWaId.get('34611000001')?.messageId, 'the reply that opted out is kept')
    assert.equal(
      byWaId.get('34611000003')?.source,
      'button',
      "Meta's Stop promotions quick reply is an opt-out",
    )
    assert.ok(!byWaId.has('34611000002'), 'a sentence that contains "stop" is not an opt-out')
    assert.ok(stop.id)

    const added = await ok<{ added: number; already: number }>(
      api(w, 'POST', '/api/v1/suppressions', { phones: ['+34 611 000 004', '34611000001'] }),
      'add by API',
    )
    assert.deepEqual(added, { added: 1, already: 1 }, 'one new, one already listed')
    const bad = await api(w, 'POST', '/api/v1/suppressions', { phones: ['12'] })
    assert.equal(bad.status, 400, `an impossible number is refused: ${bad.text}`)
    assert.match(bad.text, /phones/, `the answer names the field: ${bad.text}`)

    const csv = await w.h.api('GET', '/api/v1/suppressions?format=csv', { key: w.seed.acme.key })
    assert.equal(csv.status, 200, csv.text)
    assert.match(csv.headers.get('content-type') ?? '', /text\/csv/)
    const lines = csv.text.trim().split('\n')
    assert.equal(lines[0], 'wa_id,source,detail,message_id,created_at')
    assert.equal(lines.length, 4, `three entries: ${csv.text}`)

    const other = await ok<{ total: number }>(
      api(w, 'GET', '/api/v1/suppressions', undefined, w.seed.globex.key),
      'globex',
    )
    assert.equal(other.total, 0, "another tenant's list is its own")

    await ok(
      api(w, 'PUT', '/api/v1/suppressions/keywords', { keywords: { es: ['basta ya'], en: ['stop'] } }),
      'keywords',
    )
    w.h.emulator.control.customerSends(
      '34611000005',
      { type: 'text', text: { body: 'Basta ya.' } },
      { phoneNumberId: pnid },
    )
    await waitFor('"Basta ya." opts out with the tenant’s own keyword', async () => {
      const r = await ok<{ total: number }>(api(w, 'GET', '/api/v1/suppressions?phone=%2B34611000005'), 'one')
      return r.total >= 1 && r
    })
    const del = await w.h.api('DELETE', '/api/v1/suppressions/%2B34611000004', { key: w.seed.acme.key })
    assert.equal(del.status, 204, del.text)
  })

  test('a CSV audience: phones normalised, bad rows reported by line, extra columns become contact attributes', async () => {
    const csv = [
      'name,phone,city',
      'Ana,+34 612 000 101,Madrid',
      'Bea,0034612000102,Sevilla',
      'Caro,12,Bilbao',
      'Dani,+34612000101,Madrid',
      'Eva,+34 612 000 103,',
    ].join('\n')
    const res = await fetch(`${w.h.url}/api/v1/audiences/import?name=Madrid%20regulars`, {
      method: 'POST',
      headers: { authorization: `Bearer ${w.seed.acme.key}`, 'content-type': 'text/csv' },
      body: csv,
    })
    const text = await res.text()
    assert.equal(res.status, 201, text)
    const a = JSON.parse(text) as Audience
    assert.equal(a.size, 3, 'Ana, Bea, Eva')
    assert.equal(a.rejected, 1, 'Caro’s "12" is no phone number')
    assert.equal(a.duplicates, 1, 'Dani repeats Ana’s number')
    assert.deepEqual(a.columns, ['name', 'city'])
    assert.equal(a.errors[0].row, 4, 'the error names the CSV line')
    assert.equal(a.errors[0].field, 'phone')
    const contact = await w.h.db.db
      .selectFrom('contacts')
      .select('attributes')
      .where('tenant_id', '=', w.seed.acme.id)
      .where('wa_id', '=', '34612000102')
      .executeTakeFirstOrThrow()
    assert.deepEqual(
      JSON.parse(contact.attributes ?? '{}'),
      { name: 'Bea', city: 'Sevilla' },
      'columns → attributes',
    )

    const none = await fetch(`${w.h.url}/api/v1/audiences/import?name=broken`, {
      method: 'POST',
      headers: { authorization: `Bearer ${w.seed.acme.key}`, 'content-type': 'text/csv' },
      body: 'name,city\nAna,Madrid\n',
    })
    assert.equal(none.status, 400, 'a CSV without a phone column is refused')
    assert.match(await none.text(), /phone/)
    const count = await w.h.db.db.selectFrom('audiences').select('id').where('name', '=', 'broken').execute()
    assert.equal(count.length, 0, 'nothing half-imported')
  })

  test('dry run, launch and completion: each recipient once, opted-out and incomplete ones skipped', async () => {
    const list = people(24)
    list.push({ phone: '+34611000001', attributes: { name: 'Opted', order: '#1' } })
    list.push({ phone: '+34600199999', attributes: { order: '#9' } as never })
    // The bundled rate card lists a few markets (Argentina, not Spain): both show in the estimate.
    list.push({ phone: '+54 9 11 2345 6789', attributes: { name: 'Ana', order: '#7' } })
    const audience = await inlineAudience('December', list)
    const c = await campaign('December news', audience.id)
    const dry = await ok<{
      wouldSend: number
      skipped: Record<string, number>
      estimatedCost: {
        byCountry: { country: string; recipients: number }[]
        totalMicros: number
        unpriced: number
      }
    }>(api(w, 'POST', `/api/v1/campaigns/${c.id}/dry-run`), 'dry run')
    assert.equal(dry.wouldSend, 25)
    assert.equal(dry.skipped.optedOut, 1, 'the suppressed contact')
    assert.equal(dry.skipped.invalid, 1, 'the one without a name')
    const byCountry = Object.fromEntries(dry.estimatedCost.byCountry.map((c) => [c.country, c]))
    assert.equal(byCountry.ES?.recipients, 24, JSON.stringify(dry))
    assert.equal(dry.estimatedCost.unpriced, 24, 'Spain is not on the bundled card: counted as unpriced')
    assert.equal(
      dry.estimatedCost.totalMicros,
      28_900,
      `a utility template to Argentina: $0.0289 (${JSON.stringify(dry)})`,
    )

    await ok(api(w, 'POST', `/api/v1/campaigns/${c.id}/launch`, {}), 'launch')
    const done = await waitStatus(w, c.id, 'completed')
    const sends = acceptedSends(w, w.seed.acme.phoneNumberId)
    for (const p of people(24)) {
      assert.equal(sends.get(p.phone.slice(1)), 1, `${p.phone} got exactly one message`)
    }
    assert.ok(!sends.has('34611000001'), 'the suppressed contact got nothing')
    assert.equal(done.progress.skipped.optedOut, 1)
    assert.equal(done.progress.pending + done.progress.queued, 0)
    await waitFor('every message delivered', async () => {
      const v = await view(w, c.id)
      return v.progress.delivered + v.progress.read === 25 && v
    })
    const results = await w.h.api('GET', `/api/v1/campaigns/${c.id}/results.csv`, { key: w.seed.acme.key })
    assert.equal(results.status, 200, results.text)
    const rows = results.text.trim().split('\n')
    assert.equal(rows.length, 28, 'a header and one line per audience member')
    assert.match(rows[0], /^row,wa_id,state,reason,message_id,status/)
    assert.equal(
      rows.filter((r) => r.split(',')[2] === 'done').length,
      25,
      'each recipient whose message left is done (the runner looks only at those still queued)',
    )
  })

  test("each recipient's thread shows the campaign's message: a conversation it opened, and one that existed", async () => {
    const pnid = w.seed.acme.phoneNumberId
    w.h.emulator.control.addCustomer({ wa_id: '34611000077', name: 'Eva' })
    w.h.emulator.control.customerSends(
      '34611000077',
      { type: 'text', text: { body: 'hola' } },
      { phoneNumberId: pnid },
    )
    const threadOf = (waId: string) =>
      w.h.db.db
        .selectFrom('conversations as cv')
        .innerJoin('contacts as k', 'k.id', 'cv.contact_id')
        .select(['cv.id', 'cv.last_message_preview', 'cv.last_message_at'])
        .where('k.wa_id', '=', waId)
        .where('cv.phone_number_id', '=', w.seed.acme.numberId)
        .execute()
    const before = await waitFor('the reply opened a conversation', async () => {
      const rows = await threadOf('34611000077')
      return rows[0]?.last_message_preview === 'hola' ? rows[0] : undefined
    })
    const audience = await inlineAudience('Threads', [
      { phone: '+34611000077', attributes: { name: 'Eva', order: '#77' } },
      { phone: '+34600177777', attributes: { name: 'Leo', order: '#78' } },
    ])
    const c = await campaign('Threads', audience.id)
    await ok(api(w, 'POST', `/api/v1/campaigns/${c.id}/launch`, {}), 'launch')
    await waitStatus(w, c.id, 'completed')
    for (const waId of ['34611000077', '34600177777']) {
      const threads = await threadOf(waId)
      assert.equal(threads.length, 1, `${waId} has one conversation with the number`)
      const sent = await w.h.db.db
        .selectFrom('messages')
        .select(['created_at'])
        .where('conversation_id', '=', threads[0].id)
        .where('created_by', '=', `campaign:${c.id}`)
        .executeTakeFirstOrThrow()
      assert.equal(
        threads[0].last_message_preview,
        '[template] appointment_reminder',
        `${waId}: the thread's preview is the campaign's message`,
      )
      assert.equal(Number(threads[0].last_message_at), Number(sent.created_at), `${waId}: its time`)
    }
    assert.equal((await threadOf('34611000077'))[0].id, before.id, 'the existing conversation is reused')
  })

  test('pause takes back what is queued, resume sends the rest, each recipient once', async () => {
    const audience = await inlineAudience('slow', people(12, 34_600_200_000))
    const c = await campaign('slow one', audience.id, { rateMps: 2 })
    await ok(api(w, 'POST', `/api/v1/campaigns/${c.id}/launch`, {}), 'launch')
    await waitFor('a first message sent', async () => {
      const v = await view(w, c.id)
      return v.progress.sent + v.progress.delivered + v.progress.read >= 1 && v
    })
    const paused = await ok<{ status: string; pausedBy: string }>(
      api(w, 'POST', `/api/v1/campaigns/${c.id}/pause`),
      'pause',
    )
    assert.equal(paused.status, 'paused')
    assert.equal(paused.pausedBy, 'user')
    const v = await view(w, c.id)
    assert.equal(v.progress.queued, 0, 'nothing left queued after a pause')
    assert.ok(v.progress.pending > 0, 'the rest waits')
    const resumed = await ok<{ status: string }>(api(w, 'POST', `/api/v1/campaigns/${c.id}/resume`), 'resume')
    assert.equal(resumed.status, 'running')
    await waitStatus(w, c.id, 'completed', 60_000)
    const sends = acceptedSends(w, w.seed.acme.phoneNumberId)
    for (const p of people(12, 34_600_200_000))
      assert.equal(sends.get(p.phone.slice(1)), 1, `${p.phone} once`)
  })

  test('cancel: messages not yet sent are never sent', async () => {
    const audience = await inlineAudience('cancel me', people(10, 34_600_300_000))
    const c = await campaign('cancelled one', audience.id, { rateMps: 1 })
    await ok(api(w, 'POST', `/api/v1/campaigns/${c.id}/launch`, {}), 'launch')
    await waitFor('a first message accepted by Meta', () => {
      const sends = acceptedSends(w, w.seed.acme.phoneNumberId)
      return people(10, 34_600_300_000).some((p) => sends.has(p.phone.slice(1)))
    })
    const cancelled = await ok<{ status: string }>(
      api(w, 'POST', `/api/v1/campaigns/${c.id}/cancel`),
      'cancel',
    )
    assert.equal(cancelled.status, 'cancelled')
    const v = await view(w, c.id)
    assert.equal(v.progress.queued + v.progress.pending, 0, 'nothing waits to be sent')
    // Whatever was in flight settles; the cancelled messages' jobs finish without a request.
    await waitFor('no send job of the campaign left', async () => {
      const jobs = await w.h.db.db
        .selectFrom('jobs')
        .select('id')
        .where('kind', '=', 'message.send')
        .execute()
      return jobs.length === 0
    })
    const sends = acceptedSends(w, w.seed.acme.phoneNumberId)
    const sent = people(10, 34_600_300_000).filter((p) => sends.has(p.phone.slice(1))).length
    const after = await view(w, c.id)
    assert.equal(
      sent,
      after.progress.sent + after.progress.delivered + after.progress.read + after.progress.unknown,
      'Meta got exactly the messages the campaign reports as sent',
    )
    assert.ok(after.progress.cancelled >= 8, `most were cancelled: ${JSON.stringify(after.progress)}`)
  })

  test('quality guard: the number turning RED pauses the campaign with the reason and a campaign.paused event', async () => {
    const audience = await inlineAudience('guarded', people(10, 34_600_400_000))
    const c = await campaign('guarded one', audience.id, { rateMps: 1 })
    await ok(api(w, 'POST', `/api/v1/campaigns/${c.id}/launch`, {}), 'launch')
    await waitStatus(w, c.id, 'running')
    w.h.emulator.control.setQuality(w.seed.acme.phoneNumberId, 'RED')
    const paused: CampaignView = await waitStatus(w, c.id, 'paused')
    assert.equal(paused.campaign.pausedBy, 'quality')
    assert.match(paused.campaign.reason ?? '', /RED/)
    const events = await w.h.db.db
      .selectFrom('events')
      .select(['kind', 'payload'])
      .where('kind', '=', 'campaign.paused')
      .where('subject_id', '=', c.id)
      .execute()
    assert.equal(events.length, 1, 'one campaign.paused event for callbacks and the dashboard')
    w.h.emulator.control.setQuality(w.seed.acme.phoneNumberId, 'GREEN')
    await ok(api(w, 'POST', `/api/v1/campaigns/${c.id}/cancel`), 'cancel')
  })

  test('bad input names the field', async () => {
    const audience = await inlineAudience('x', people(1, 34_600_500_000))
    const tz = await api(w, 'POST', '/api/v1/campaigns', {
      name: 'x',
      audienceId: audience.id,
      ...orderUpdate,
      timeZone: 'Mars/Olympus',
    })
    assert.equal(tz.status, 400, tz.text)
    assert.match(tz.text, /timeZone/)
    const rate = await api(w, 'POST', '/api/v1/campaigns', {
      name: 'x',
      audienceId: audience.id,
      ...orderUpdate,
      rateMps: 900,
    })
    assert.equal(rate.status, 400, rate.text)
    assert.match(rate.text, /rateMps.*80/)
    const attr = await api(w, 'POST', '/api/v1/campaigns', {
      name: 'x',
      audienceId: audience.id,
      ...orderUpdate,
      parameters: [
        { name: 'customer_name', attribute: 'shoe_size' },
        { name: 'date', text: 'a' },
      ],
    })
    assert.equal(attr.status, 400, attr.text)
    assert.match(attr.text, /shoe_size/)
    const params = await api(w, 'POST', '/api/v1/campaigns', {
      name: 'x',
      audienceId: audience.id,
      ...orderUpdate,
      parameters: [],
    })
    assert.equal(params.status, 422, params.text)
    assert.match(params.text, /template_params_mismatch/)
  })

  test('the CLI imports a CSV audience, adds to and exports the suppression list, lists and shows campaigns', async () => {
    const env = {
      WAHUB_DATA_DIR: w.h.db.dataDir,
      WAHUB_GRAPH_URL: w.h.emulator.url,
      ...(w.h.db.databaseUrl ? { DATABASE_URL: w.h.db.databaseUrl } : {}),
    }
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'wahub-cli-csv-')), 'people.csv')
    fs.writeFileSync(file, 'phone,name\n+34 611 777 001,Ana\n+34 611 777 002,Bea\nnot a phone,Caro\n')
    const imported = await runCliHere(
      ['campaign', 'import', '--tenant', 'acme', '--name', 'cli', '--file', file],
      env,
    )
    assert.equal(imported.code, 0, imported.stdout + imported.stderr)
    assert.match(imported.stdout, /2 recipients, 1 rows rejected/)
    assert.match(imported.stdout, /line 4 phone/, 'the bad row is named by its line')
    const suppressed = await runCliHere(
      ['campaign', 'suppress', '--tenant', 'acme', '--phone', '+34 611 777 009'],
      env,
    )
    assert.equal(suppressed.code, 0, suppressed.stdout + suppressed.stderr)
    assert.match(suppressed.stdout, /1 added/)
    const exported = await runCliHere(['campaign', 'suppressions', '--tenant', 'acme'], env)
    assert.equal(exported.code, 0, exported.stderr)
    assert.match(exported.stdout, /^wa_id,source,detail,created_at\n/)
    assert.match(exported.stdout, /34611777009,cli,/)
    const list = await runCliHere(['campaign', 'list', '--tenant', 'acme', '--json'], env)
    assert.equal(list.code, 0, list.stderr)
    const campaigns = (JSON.parse(list.stdout) as { campaigns: { id: string; status: string }[] }).campaigns
    const completed = campaigns.find((c) => c.status === 'completed')
    assert.ok(completed, `a completed campaign is listed: ${list.stdout}`)
    const shown = await runCliHere(['campaign', 'show', '--tenant', 'acme', '--campaign', completed.id], env)
    assert.equal(shown.code, 0, shown.stderr)
    assert.match(shown.stdout, /completed/)
  })
})
