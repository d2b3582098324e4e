import type { Db } from '../db/connect.ts'

// phone_number_quality_update / phone_number_name_update webhooks (FACTS §1.7) update the
// number's messaging limit, throughput and name state; doctor and the dashboard read them.

type Obj = Record<string, unknown>
const s = (v: unknown): string | null =>
  typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : null
const digits = (v: string) => v.replace(/\D/g, '')

export type NumberUpdate = { numberRowId: string; tenantId: string | null; change: Obj } | undefined

async function findNumber(db: Db, wabaId: string | null, display: string | null) {
  if (!display) return undefined
  let query = db
    .selectFrom('phone_numbers as p')
    .innerJoin('wabas as w', 'w.id', 'p.waba_id')
    .select(['p.id', 'p.tenant_id', 'p.display_phone_number', 'w.tenant_id as waba_tenant_id'])
  if (wabaId) query = query.where('w.waba_id', '=', wabaId)
  const rows = await query.execute()
  return rows.find((r) => r.display_phone_number && digits(r.display_phone_number) === digits(display))
}

export async function applyNumberField(
  db: Db,
  wabaId: string | null,
  field: string,
  value: Obj,
): Promise<NumberUpdate> {
  const number = await findNumber(db, wabaId, s(value.display_phone_number))
  if (!number) return undefined
  const change: Record<string, string | number | null> = {}
  if (field === 'phone_number_quality_update') {
    const limit = s(value.max_daily_conversations_per_business) ?? s(value.current_limit)
    if (limit) change.messaging_limit_tier = limit
    const event = s(value.event)
    if (event === 'THROUGHPUT_UPGRADE') {
      change.throughput_level = 'HIGH'
      change.throughput_mps = 1000
    }
    // Legacy quality events (pre-Oct 2025) carried the rating in the event name.
    if (event === 'FLAGGED' || event === 'DOWNGRADE') change.quality_rating = 'RED'
    if (event === 'UNFLAGGED' || event === 'UPGRADE') change.quality_rating = 'GREEN'
  } else if (field === 'phone_number_name_update') {
    const decision = s(value.decision)
    if (decision) change.name_status = decision
    const name = s(value.requested_verified_name)
    if (name && decision === 'APPROVED') change.verified_name = name
  }
  if (Object.keys(change).length > 0) {
    await db
      .updateTable('phone_numbers')
      .set({ ...change, updated_at: Date.now() })
      .where('id', '=', number.id)
      .execute()
  }
  return { numberRowId: number.id, tenantId: number.tenant_id ?? number.waba_tenant_id, change }
}
