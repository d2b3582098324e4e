import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { setGlobalDefaultNumber, setGlobalWhatsapp } from '../../src/channels/channel-settings.ts'
import { numbersRefreshEveryMs } from '../../src/channels/numbers-refresh-job.ts'
import { resolveSenderNumber } from '../../src/channels/sender.ts'
import { addTenant, getTenant, removeTenant, updateTenant } from '../../src/channels/tenants.ts'
import { WahubError } from '../../src/errors.ts'
import { enqueueJob } from '../../src/jobs/jobs-repo.ts'
import { testDbKind } from '../helpers/db.ts'
import { type Harness, type Onboarded, onboardSeed, startHarness } from '../helpers/harness.ts'
import { waitFor } from '../helpers/wait.ts'

// Seed 001: one master account, a number per bakery, a global fallback number for bakeries
// without one, and WhatsApp switched on and off per bakery and for everyone.

async function refusedWith(promise: Promise<unknown>, code: string): Promise<WahubError> {
  try {
    await promise
  } catch (err) {
    assert.ok(err instanceof WahubError, `expected a WahubError, got ${err}`)
    assert.equal(err.code, code, err.message)
    return err
  }
  assert.fail(`expected ${code}, but it succeeded`)
}

describe(`tenants, default numbers and on/off switches (${testDbKind})`, () => {
  let h: Harness
  let seed: Onboarded
  let spare: string
  before(async () => {
    h = await startHarness()
    seed = await onboardSeed(h)
    spare = h.emulator.seed.phoneNumberIds[2]
  })
  after(async () => {
    await h.close()
  })

  test('a tenant sends from its default number, or from one of its own named explicitly', async () => {
    const db = h.db.db
    const def = await resolveSenderNumber(db, seed.acme.id)
    assert.deepEqual([def.phoneNumberId, def.source], [seed.acme.phoneNumberId, 'tenant_default'])
    const explicit = await resolveSenderNumber(db, seed.acme.id, seed.acme.phoneNumberId)
    assert.equal(explicit.source, 'explicit')
    await refusedWith(resolveSenderNumber(db, seed.acme.id, seed.globex.phoneNumberId), 'number_not_allowed')
  })

  test('a tenant without numbers uses the global default number, and only while it has none', async () => {
    const db = h.db.db
    const initech = await addTenant(db, { name: 'initech' }, 'test')
    await refusedWith(resolveSenderNumber(db, initech.id), 'no_sender_number')
    await setGlobalDefaultNumber(db, spare, 'test')
    const viaGlobal = await resolveSenderNumber(db, initech.id)
    assert.deepEqual([viaGlobal.phoneNumberId, viaGlobal.source], [spare, 'global_default'])
    assert.equal((await resolveSenderNumber(db, initech.id, spare)).source, 'explicit')
    await refusedWith(resolveSenderNumber(db, seed.acme.id, spare), 'number_not_allowed')
    await setGlobalDefaultNumber(db, null, 'test')
  })

  test('a disabled tenant, or WhatsApp off for it or for everyone, sends nothing', async () => {
    const db = h.db.db
    await updateTenant(db, 'acme', { enabled: false }, 'test')
    await refusedWith(resolveSenderNumber(db, seed.acme.id), 'tenant_disabled')
    await updateTenant(db, 'acme', { enabled: true, whatsappEnabled: false }, 'test')
    await refusedWith(resolveSenderNumber(db, seed.acme.id), 'whatsapp_disabled')
    await updateTenant(db, 'acme', { whatsappEnabled: true }, 'test')
    await setGlobalWhatsapp(db, false, 'test')
    await refusedWith(resolveSenderNumber(db, seed.globex.id), 'whatsapp_disabled')
    await setGlobalWhatsapp(db, true, 'test')
    assert.equal((await resolveSenderNumber(db, seed.acme.id)).source, 'tenant_default')
  })

  test('a number of one tenant cannot be handed to another: the conflict names its owner', async () => {
    const err = await refusedWith(
      updateTenant(h.db.db, 'globex', { numbers: [seed.acme.phoneNumberId] }, 'test'),
      'conflict',
    )
    assert.match(err.message, /acme/)
    assert.match(err.fix, /--remove-number/)
  })

  test("taking a tenant's default number away clears its default; removing a tenant frees its numbers", async () => {
    const db = h.db.db
    const t = await addTenant(db, { name: 'umbrella', numbers: [spare] }, 'test')
    assert.equal(t.defaultNumberId, seed.numbers[spare], 'the first number is the default')
    const after = await updateTenant(db, 'umbrella', { removeNumbers: [spare] }, 'test')
    assert.equal(after.defaultNumberId, null)
    assert.deepEqual(after.numbers, [])
    await updateTenant(db, 'umbrella', { defaultNumber: spare }, 'test')
    assert.equal((await getTenant(db, 'umbrella')).numbers[0].phoneNumberId, spare, 'a default is assigned')
    await removeTenant(db, 'umbrella', 'test')
    const row = await db
      .selectFrom('phone_numbers')
      .select('tenant_id')
      .where('phone_number_id', '=', spare)
      .executeTakeFirstOrThrow()
    assert.equal(row.tenant_id, null)
  })

  test('tenant names are unique', async () => {
    await refusedWith(addTenant(h.db.db, { name: 'acme' }, 'test'), 'conflict')
  })

  test('a daily numbers.refresh job is scheduled, and a run refreshes every number and schedules the next', async () => {
    const db = h.db.db
    const scheduled = await db.selectFrom('jobs').selectAll().where('kind', '=', 'numbers.refresh').execute()
    assert.equal(scheduled.length, 1)
    assert.ok(scheduled[0].run_at > Date.now() + numbersRefreshEveryMs - 60_000, 'about a day from now')

    h.emulator.control.setThroughput(seed.globex.phoneNumberId, 1000, 'HIGH')
    await db.deleteFrom('jobs').where('kind', '=', 'numbers.refresh').execute()
    await enqueueJob(db, 'numbers.refresh', {})
    h.wahub.runner.nudge()
    const refreshed = await waitFor('the globex number refreshed to HIGH throughput', async () => {
      const n = await db
        .selectFrom('phone_numbers')
        .selectAll()
        .where('phone_number_id', '=', seed.globex.phoneNumberId)
        .executeTakeFirstOrThrow()
      return n.throughput_level === 'HIGH' ? n : undefined
    })
    assert.equal(refreshed.throughput_mps, 1000)
    const next = await waitFor('the next refresh scheduled', async () => {
      const rows = await db.selectFrom('jobs').selectAll().where('kind', '=', 'numbers.refresh').execute()
      return rows.length === 1 && rows[0].run_at > Date.now() + 60_000 ? rows[0] : undefined
    })
    assert.ok(next)
  })
})
