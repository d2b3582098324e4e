import type { PhoneNumber } from '../cloud-api/management-types.ts'
import type { Db } from '../db/connect.ts'
import { WahubError } from '../errors.ts'
import { recordAudit } from './audit-repo.ts'
import { clearRemovedDefault } from './channel-settings.ts'
import type { Actor, ChannelsContext } from './context.ts'
import { callGraph } from './graph-failure.ts'
import { wabaTarget } from './graph-target.ts'
import { findNumber, numberFields, type PhoneNumberRow, upsertNumber } from './numbers-repo.ts'
import { announceRoutable } from './routing.ts'

// Phone numbers: imported from Graph with what Meta says about them (quality rating, messaging
// limit, throughput level, verified name, name status, …), refreshed on demand and daily.
// Each belongs to one WABA and at most one tenant.

export type ChannelNumber = {
  id: string
  phoneNumberId: string
  wabaRowId: string
  tenantId: string | null
  displayPhoneNumber: string | null
  verifiedName: string | null
  nameStatus: string | null
  qualityRating: string | null
  messagingLimitTier: string | null
  throughputLevel: string | null
  throughputMps: number | null
  codeVerificationStatus: string | null
  platformType: string | null
  status: string | null
  accountMode: string | null
  registered: boolean | null
  isSandbox: boolean
  refreshedAt: number | null
  createdAt: number
  updatedAt: number
}

export function toChannelNumber(row: PhoneNumberRow): ChannelNumber {
  return {
    id: row.id,
    phoneNumberId: row.phone_number_id,
    wabaRowId: row.waba_id,
    tenantId: row.tenant_id,
    displayPhoneNumber: row.display_phone_number,
    verifiedName: row.verified_name,
    nameStatus: row.name_status,
    qualityRating: row.quality_rating,
    messagingLimitTier: row.messaging_limit_tier,
    throughputLevel: row.throughput_level,
    throughputMps: row.throughput_mps,
    codeVerificationStatus: row.code_verification_status,
    platformType: row.platform_type,
    status: row.status,
    accountMode: row.account_mode,
    registered: row.registered === null ? null : row.registered === 1,
    isSandbox: row.is_sandbox === 1,
    refreshedAt: row.refreshed_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  }
}

export type ImportResult = {
  wabaId: string
  numbers: ChannelNumber[]
  created: number
  updated: number
  /** Numbers we hold for this WABA that Meta no longer lists. */
  missing: string[]
}

async function fetchWabaNumbers(ctx: ChannelsContext, idOrWabaId: string) {
  const t = await wabaTarget(ctx, idOrWabaId)
  const listed = await callGraph(`listing the phone numbers of WABA ${t.wabaId}`, () =>
    ctx.graph.listPhoneNumbers(t.target, t.wabaId, numberFields),
  )
  return { ...t, listed }
}

async function storeListed(ctx: ChannelsContext, wabaRowId: string, wabaId: string, listed: PhoneNumber[]) {
  let created = 0
  const ids: string[] = []
  const now = Date.now()
  for (const n of listed) {
    const r = await upsertNumber(ctx.db, wabaRowId, n, now)
    if (r.created) created++
    ids.push(r.id)
  }
  const held = await ctx.db
    .selectFrom('phone_numbers')
    .select('phone_number_id')
    .where('waba_id', '=', wabaRowId)
    .execute()
  const listedIds = new Set(listed.map((n) => n.id))
  const numbers = ids.length
    ? (
        await ctx.db.selectFrom('phone_numbers').selectAll().where('id', 'in', ids).orderBy('id').execute()
      ).map(toChannelNumber)
    : []
  return {
    wabaId,
    numbers,
    created,
    updated: ids.length - created,
    missing: held.map((h) => h.phone_number_id).filter((id) => !listedIds.has(id)),
  }
}

/** `wahub number import --waba-id`: every number of the WABA, with Meta's current details. */
export async function importNumbers(
  ctx: ChannelsContext,
  idOrWabaId: string,
  actor: Actor,
): Promise<ImportResult> {
  const { wabaRowId, wabaId, listed } = await fetchWabaNumbers(ctx, idOrWabaId)
  return ctx.db.transaction().execute(async (trx) => {
    const result = await storeListed({ ...ctx, db: trx }, wabaRowId, wabaId, listed)
    await recordAudit(trx, {
      actor,
      action: 'number.import',
      targetType: 'waba',
      targetId: wabaRowId,
      details: { wabaId, created: result.created, updated: result.updated },
    })
    // Events that arrived for these numbers before they were added are processed now (SPEC §5).
    await announceRoutable(
      trx,
      result.numbers.map((n) => n.phoneNumberId),
    )
    return result
  })
}

/** `wahub number add`: one number by id, which must belong to the WABA. */
export async function addNumber(
  ctx: ChannelsContext,
  input: { phoneNumberId: string; wabaId: string },
  actor: Actor,
): Promise<ChannelNumber> {
  const { wabaRowId, wabaId, listed } = await fetchWabaNumbers(ctx, input.wabaId)
  const found = listed.find((n) => n.id === input.phoneNumberId)
  if (!found) {
    throw new WahubError(
      'number_not_in_waba',
      `Phone number ${input.phoneNumberId} is not one of WABA ${wabaId}'s numbers (Meta lists ${listed.length}: ${listed.map((n) => n.id).join(', ') || 'none'}).`,
      { phoneNumberId: input.phoneNumberId, wabaId, listed: listed.map((n) => n.id) },
    )
  }
  const id = await ctx.db.transaction().execute(async (trx) => {
    const { id, created } = await upsertNumber(trx, wabaRowId, found)
    await recordAudit(trx, {
      actor,
      action: created ? 'number.add' : 'number.refresh',
      targetType: 'phone_number',
      targetId: id,
      details: { phoneNumberId: input.phoneNumberId, wabaId },
    })
    // Events that arrived for this number before it was added are processed now (SPEC §5).
    await announceRoutable(trx, [input.phoneNumberId])
    return id
  })
  return getNumber(ctx.db, id)
}

/** Refreshes one WABA's numbers, or every WABA's (the daily job). Failures are per WABA. */
export async function refreshNumbers(
  ctx: ChannelsContext,
  options: { waba?: string } = {},
): Promise<{ results: ImportResult[]; failures: { wabaId: string; error: string }[] }> {
  const wabas = options.waba
    ? [
        await ctx.db
          .selectFrom('wabas')
          .select(['id', 'waba_id'])
          .where((eb) =>
            eb.or([eb('id', '=', options.waba as string), eb('waba_id', '=', options.waba as string)]),
          )
          .executeTakeFirstOrThrow(() => new WahubError('not_found', `No WABA ${options.waba}.`)),
      ]
    : await ctx.db.selectFrom('wabas').select(['id', 'waba_id']).orderBy('id').execute()
  const results: ImportResult[] = []
  const failures: { wabaId: string; error: string }[] = []
  for (const w of wabas) {
    try {
      const { listed } = await fetchWabaNumbers(ctx, w.id)
      results.push(await storeListed(ctx, w.id, w.waba_id, listed))
    } catch (err) {
      if (options.waba) throw err
      failures.push({ wabaId: w.waba_id, error: (err as Error).message })
    }
  }
  return { results, failures }
}

/** Refreshes one number from `GET /{phone-number-id}`. */
export async function refreshNumber(ctx: ChannelsContext, idOrPhoneNumberId: string): Promise<ChannelNumber> {
  const row = await findNumber(ctx.db, idOrPhoneNumberId)
  const t = await wabaTarget(ctx, row.waba_id)
  const n = await callGraph(`reading phone number ${row.phone_number_id}`, () =>
    ctx.graph.getPhoneNumber(t.target, row.phone_number_id, numberFields),
  )
  await upsertNumber(ctx.db, row.waba_id, { ...n, id: row.phone_number_id })
  return getNumber(ctx.db, row.id)
}

export async function getNumber(db: Db, idOrPhoneNumberId: string): Promise<ChannelNumber> {
  return toChannelNumber(await findNumber(db, idOrPhoneNumberId))
}

export async function listNumbers(
  db: Db,
  filter: { tenantId?: string; wabaRowId?: string; unassigned?: boolean } = {},
): Promise<ChannelNumber[]> {
  let query = db.selectFrom('phone_numbers').selectAll().orderBy('id')
  if (filter.tenantId) query = query.where('tenant_id', '=', filter.tenantId)
  if (filter.wabaRowId) query = query.where('waba_id', '=', filter.wabaRowId)
  if (filter.unassigned) query = query.where('tenant_id', 'is', null)
  return (await query.execute()).map(toChannelNumber)
}

/**
 * The numbers a tenant may use: assigned to it, or unassigned numbers of a WABA it brought.
 * Tenant-scoped routes use only this (and tenantNumber), never listNumbers.
 */
export async function tenantNumbers(db: Db, tenantId: string): Promise<ChannelNumber[]> {
  const rows = await db
    .selectFrom('phone_numbers as p')
    .innerJoin('wabas as w', 'w.id', 'p.waba_id')
    .selectAll('p')
    .where((eb) =>
      eb.or([
        eb('p.tenant_id', '=', tenantId),
        eb.and([eb('p.tenant_id', 'is', null), eb('w.tenant_id', '=', tenantId)]),
      ]),
    )
    .orderBy('p.id')
    .execute()
  return rows.map(toChannelNumber)
}

/** One of the tenant's numbers, else not_found (never "forbidden": ids of others stay unknown). */
export async function tenantNumber(
  db: Db,
  tenantId: string,
  idOrPhoneNumberId: string,
): Promise<ChannelNumber> {
  const found = (await tenantNumbers(db, tenantId)).find(
    (n) => n.id === idOrPhoneNumberId || n.phoneNumberId === idOrPhoneNumberId,
  )
  if (!found) throw new WahubError('not_found', `No phone number ${idOrPhoneNumberId}.`)
  return found
}

/** Removes a number; refused when it has conversations unless `force` (they go with it). */
export async function removeNumber(
  ctx: ChannelsContext,
  idOrPhoneNumberId: string,
  actor: Actor,
  options: { force?: boolean } = {},
): Promise<void> {
  const row = await findNumber(ctx.db, idOrPhoneNumberId)
  if (!options.force) {
    const used = await ctx.db
      .selectFrom('conversations')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('phone_number_id', '=', row.id)
      .executeTakeFirstOrThrow()
    if (Number(used.n) > 0) {
      throw new WahubError(
        'conflict',
        `Phone number ${row.phone_number_id} has ${used.n} conversations; removing it deletes them.`,
        { conversations: Number(used.n) },
        'Pass force (`--force`) to remove it anyway, or only unassign it from its tenant.',
      )
    }
  }
  await ctx.db.transaction().execute(async (trx) => {
    await trx
      .updateTable('tenants')
      .set({ default_phone_number_id: null })
      .where('default_phone_number_id', '=', row.id)
      .execute()
    await trx.deleteFrom('phone_numbers').where('id', '=', row.id).execute()
  })
  await clearRemovedDefault(ctx.db)
  await recordAudit(ctx.db, {
    actor,
    action: 'number.remove',
    targetType: 'phone_number',
    targetId: row.id,
    tenantId: row.tenant_id,
    details: { phoneNumberId: row.phone_number_id, force: options.force === true },
  })
}
