import type { PhoneNumber } from '../cloud-api/management-types.ts'
import type { Db } from '../db/connect.ts'
import type { PhoneNumbersTable } from '../db/schema.ts'
import { WahubError } from '../errors.ts'
import { newId } from '../ids.ts'

// Queries of the phone_numbers table, and how Graph's phone number object maps onto a row.

/** The fields asked of Graph on import and refresh (FACTS §6). */
export const numberFields = [
  'display_phone_number',
  'verified_name',
  'quality_rating',
  'code_verification_status',
  'name_status',
  'throughput',
  'whatsapp_business_manager_messaging_limit',
  'messaging_limit_tier',
  'platform_type',
  'status',
  'account_mode',
] as const

// M-THR: STANDARD numbers are capped at 80 messages/s, HIGH at 1,000.
const throughputMps: Record<string, number> = { STANDARD: 80, HIGH: 1000 }

export type PhoneNumberRow = Omit<PhoneNumbersTable, 'is_sandbox'> & { is_sandbox: number }

export type GraphNumberColumns = Pick<
  PhoneNumbersTable,
  | 'display_phone_number'
  | 'verified_name'
  | 'name_status'
  | 'quality_rating'
  | 'messaging_limit_tier'
  | 'throughput_level'
  | 'throughput_mps'
  | 'code_verification_status'
  | 'platform_type'
  | 'status'
  | 'account_mode'
  | 'registered'
>

export function columnsFromGraph(n: PhoneNumber): GraphNumberColumns {
  const level = n.throughput?.level ?? null
  let registered: number | null = null
  if (n.status === 'CONNECTED' || n.platform_type === 'CLOUD_API') registered = 1
  else if (n.status === 'PENDING' || n.platform_type === 'NOT_APPLICABLE') registered = 0
  return {
    display_phone_number: n.display_phone_number ?? null,
    verified_name: n.verified_name ?? null,
    name_status: n.name_status ?? null,
    quality_rating: n.quality_rating ?? null,
    messaging_limit_tier: n.whatsapp_business_manager_messaging_limit ?? n.messaging_limit_tier ?? null,
    throughput_level: level,
    throughput_mps: level ? (throughputMps[level] ?? null) : null,
    code_verification_status: n.code_verification_status ?? null,
    platform_type: n.platform_type ?? null,
    status: n.status ?? null,
    account_mode: n.account_mode ?? null,
    registered,
  }
}

/** Inserts or refreshes a number of a WABA; returns our row id and whether it was new. */
export async function upsertNumber(
  db: Db,
  wabaRowId: string,
  n: PhoneNumber,
  now = Date.now(),
): Promise<{ id: string; created: boolean }> {
  const columns = columnsFromGraph(n)
  const existing = await db
    .selectFrom('phone_numbers')
    .select(['id', 'waba_id'])
    .where('phone_number_id', '=', n.id)
    .executeTakeFirst()
  if (existing) {
    await db
      .updateTable('phone_numbers')
      .set({ ...columns, waba_id: wabaRowId, refreshed_at: now, updated_at: now })
      .where('id', '=', existing.id)
      .execute()
    return { id: existing.id, created: false }
  }
  const id = newId('pn')
  await db
    .insertInto('phone_numbers')
    .values({
      id,
      phone_number_id: n.id,
      waba_id: wabaRowId,
      tenant_id: null,
      ...columns,
      refreshed_at: now,
      created_at: now,
      updated_at: now,
    })
    .onConflict((oc) => oc.column('phone_number_id').doNothing())
    .execute()
  // Another instance may have imported it at the same moment: the stored row wins.
  const stored = await db
    .selectFrom('phone_numbers')
    .select('id')
    .where('phone_number_id', '=', n.id)
    .executeTakeFirstOrThrow()
  return { id: stored.id, created: stored.id === id }
}

/** By our id (`pn_…`) or Meta's phone_number_id. */
export async function findNumber(db: Db, idOrPhoneNumberId: string): Promise<PhoneNumberRow> {
  const row = await db
    .selectFrom('phone_numbers')
    .selectAll()
    .where((eb) => eb.or([eb('id', '=', idOrPhoneNumberId), eb('phone_number_id', '=', idOrPhoneNumberId)]))
    .executeTakeFirst()
  if (!row) {
    throw new WahubError(
      'not_found',
      `No phone number ${idOrPhoneNumberId}.`,
      undefined,
      'List numbers with `wahub number list`; add one with `wahub number import --waba-id <id>`.',
    )
  }
  return row
}
