import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { GraphLedgerEntry } from '../../src/emulator/ledger.ts'
import { templatesSyncEveryMs } from '../../src/templates/sync-job.ts'
import { testDbKind } from '../helpers/db.ts'
import { type Harness, type Onboarded, onboardSeed, startHarness } from '../helpers/harness.ts'
import { waitFor } from '../helpers/wait.ts'
import { errorOf, joao } from '../messaging/helpers.ts'

// Template sync (SPEC §14): a WABA's templates are read from Meta when it is added, every hour
// after that, and on demand; a window_closed refusal always lists the number's approved
// templates, even for a WABA added a moment ago, without anyone running `wahub templates sync`.

type Listed = { name: string; language: string; status: string }

describe(`template sync on WABA add, on a schedule, and for window_closed (${testDbKind})`, () => {
  let h: Harness
  let seed: Onboarded
  const listings = () =>
    (h.emulator.control.ledger({ kind: 'graph' }) as GraphLedgerEntry[]).filter(
      (e) => e.method === 'GET' && e.path.endsWith('/message_templates'),
    ).length
  const cached = async () =>
    ((await h.api('GET', '/api/v1/admin/templates', { key: h.adminKey })).body as { templates: Listed[] })
      .templates
  const scheduled = () =>
    h.db.db
      .selectFrom('jobs')
      .select(['id', 'run_at', 'payload'])
      .where('kind', '=', 'templates.sync')
      .where('payload', '=', '{}')
      .execute()

  before(async () => {
    h = await startHarness({ emulator: { templateReview: 'manual' } })
    seed = await onboardSeed(h)
  })
  after(async () => {
    await h.close()
  })

  test('a WABA just added has its templates, with their statuses, without a manual sync', async () => {
    const templates = await waitFor('the templates of the new WABA read from Meta', async () => {
      const all = await cached()
      return all.some((t) => t.name === 'po_notification') ? all : undefined
    })
    assert.ok(listings() >= 1, 'Wahub listed the templates at Meta')
    const status = (name: string) => templates.find((t) => t.name === name)?.status
    assert.equal(status('po_notification'), 'APPROVED')
    assert.equal(status('spring_promo'), 'PAUSED')
    assert.equal(status('welcome_new'), 'PENDING')
  })

  test('window_closed lists the approved templates of the number, and syncs first when Wahub holds none', async () => {
    const refuse = async () => {
      const res = await h.api('POST', '/api/v1/messages', {
        key: seed.acme.key,
        body: { to: joao, type: 'text', text: { body: 'Olá' } },
      })
      assert.equal(res.status, 422, res.text)
      const e = errorOf(res)
      assert.equal(e.code, 'window_closed')
      return { ...e, templates: (e.details as { templates: Listed[] }).templates }
    }
    const first = await refuse()
    assert.ok(
      first.templates.some((t) => t.name === 'po_notification' && t.language === 'es'),
      `approved templates listed: ${JSON.stringify(first.templates)}`,
    )
    assert.ok(!first.templates.some((t) => t.name === 'welcome_new'), 'a PENDING template is not offered')
    assert.match(first.fix, /po_notification \(es\)|hello_world \(en_US\)|order_update \(en_US\)/)

    // A cache that holds none (the add-time sync failed, say): the refusal reads them from Meta.
    await h.db.db.deleteFrom('templates').execute()
    await h.db.db.deleteFrom('template_sync_marks').execute()
    const before = listings()
    const second = await refuse()
    assert.ok(listings() > before, 'the refusal listed the templates at Meta')
    assert.deepEqual(
      second.templates.map((t) => `${t.name}/${t.language}`).sort(),
      first.templates.map((t) => `${t.name}/${t.language}`).sort(),
      'the same approved templates as before',
    )
  })

  test('one hourly sync of every WABA is scheduled; a run picks up a template created in WhatsApp Manager and schedules the next', async () => {
    const rows = await scheduled()
    assert.equal(rows.length, 1, 'exactly one recurring sync row')
    assert.ok(Number(rows[0].run_at) > Date.now() + templatesSyncEveryMs - 120_000, 'about an hour ahead')

    // Created at Meta (WhatsApp Manager), approved there: no webhook reaches Wahub for a creation.
    const created = await fetch(`${h.emulator.url}/v23.0/${seed.wabaId}/message_templates`, {
      method: 'POST',
      headers: { authorization: `Bearer ${h.emulator.seed.accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'made_in_manager',
        language: 'en_US',
        category: 'UTILITY',
        components: [{ type: 'BODY', text: 'Your code is ready, {{1}}.', example: { body_text: [['Ana']] } }],
      }),
    })
    assert.equal(created.status, 200, await created.text())
    assert.ok(!(await cached()).some((t) => t.name === 'made_in_manager'), 'not known before the run')

    await h.db.db.updateTable('jobs').set({ run_at: Date.now() }).where('id', '=', rows[0].id).execute()
    h.wahub.runner.nudge()
    await waitFor('the scheduled run to list the new template', async () =>
      (await cached()).some((t) => t.name === 'made_in_manager'),
    )
    const next = await waitFor('the next hourly run to be scheduled', async () => {
      const r = await scheduled()
      return r.length === 1 && r[0].id !== rows[0].id ? r[0] : undefined
    })
    assert.ok(Number(next.run_at) > Date.now() + templatesSyncEveryMs - 120_000, 'an hour after this run')
  })

  test('a template sent shows when it was last used; a sync keeps it', async () => {
    const lastUsed = async () =>
      (
        (await h.api('GET', '/api/v1/templates', { key: seed.acme.key })).body as {
          templates: (Listed & { lastUsedAt: number | null })[]
        }
      ).templates.find((t) => t.name === 'hello_world')?.lastUsedAt
    assert.equal(await lastUsed(), null, 'never sent yet')
    const before = Date.now()
    const res = await h.api('POST', '/api/v1/messages', {
      key: seed.acme.key,
      body: { to: joao, type: 'template', template: { name: 'hello_world', language: 'en_US' } },
    })
    assert.equal(res.status, 202, res.text)
    const at = await lastUsed()
    assert.ok(typeof at === 'number' && at >= before, `lastUsedAt ${at} is the send's time`)
    await h.api('POST', `/api/v1/admin/wabas/${seed.wabaRowId}/templates/sync`, { key: h.adminKey })
    assert.equal(await lastUsed(), at, 'a sync does not forget it')
  })

  test('on demand: the sync route reads them again and reports how many of each status', async () => {
    const res = await h.api('POST', `/api/v1/admin/wabas/${seed.wabaRowId}/templates/sync`, {
      key: h.adminKey,
    })
    assert.equal(res.status, 200, res.text)
    const body = res.body as { synced: number; byStatus: Record<string, number> }
    assert.ok(body.synced >= 9, res.text)
    assert.ok((body.byStatus.APPROVED ?? 0) >= 4, res.text)
  })
})
