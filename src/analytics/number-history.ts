import type { Db } from '../db/connect.ts'
import { newId } from '../ids.ts'

// Quality rating, messaging-limit tier and throughput level of each number over time. The
// numbers table holds only the current values (set by the daily refresh, by `wahub number
// import` and by Meta's phone_number_quality_update webhooks); the rollup pump compares them
// with each number's last history row and appends a row when one changed, so the history needs
// nothing from the paths that update numbers.

type Snapshot = {
  quality_rating: string | null
  messaging_limit_tier: string | null
  throughput_level: string | null
}

function same(a: Snapshot, b: Snapshot): boolean {
  return (
    a.quality_rating === b.quality_rating &&
    a.messaging_limit_tier === b.messaging_limit_tier &&
    a.throughput_level === b.throughput_level
  )
}

/** Appends a history row for every number whose values differ from its last row; returns how many. */
export async function recordNumberHistory(db: Db, now = Date.now()): Promise<number> {
  const numbers = await db
    .selectFrom('phone_numbers')
    .select(['id', 'quality_rating', 'messaging_limit_tier', 'throughput_level', 'updated_at'])
    .execute()
  if (numbers.length === 0) return 0
  const latest = await db
    .selectFrom('number_history as h')
    .select(['h.phone_number_id', 'h.quality_rating', 'h.messaging_limit_tier', 'h.throughput_level'])
    .where('h.at', '=', (eb) =>
      eb
        .selectFrom('number_history as l')
        .select((l) => l.fn.max('l.at').as('at'))
        .whereRef('l.phone_number_id', '=', 'h.phone_number_id'),
    )
    .execute()
  const last = new Map(latest.map((r) => [r.phone_number_id, r]))
  const rows = numbers
    .filter((n) => {
      const prev = last.get(n.id)
      if (!prev)
        return n.quality_rating !== null || n.messaging_limit_tier !== null || n.throughput_level !== null
      return !same(prev, n)
    })
    .map((n) => ({
      id: newId('nh', now),
      phone_number_id: n.id,
      at: Math.min(now, Number(n.updated_at)),
      quality_rating: n.quality_rating,
      messaging_limit_tier: n.messaging_limit_tier,
      throughput_level: n.throughput_level,
      source: 'numbers',
    }))
  if (rows.length > 0) await db.insertInto('number_history').values(rows).execute()
  return rows.length
}

export type NumberHistory = {
  numberId: string
  phoneNumberId: string
  displayPhoneNumber: string | null
  tenantId: string | null
  current: Snapshot
  history: ({ at: number } & Snapshot)[]
}

/** Each number (of the tenant, or all) with its values now and its changes in the range. */
export async function numberHistories(
  db: Db,
  filter: { tenantId: string | null; numberId?: string; from: number; to: number },
): Promise<NumberHistory[]> {
  let q = db
    .selectFrom('phone_numbers')
    .select([
      'id',
      'phone_number_id',
      'display_phone_number',
      'tenant_id',
      'quality_rating',
      'messaging_limit_tier',
      'throughput_level',
    ])
    .orderBy('display_phone_number')
  if (filter.tenantId !== null) q = q.where('tenant_id', '=', filter.tenantId)
  if (filter.numberId) q = q.where('id', '=', filter.numberId)
  const numbers = await q.execute()
  if (numbers.length === 0) return []
  const rows = await db
    .selectFrom('number_history')
    .selectAll()
    .where(
      'phone_number_id',
      'in',
      numbers.map((n) => n.id),
    )
    .where('at', '>=', filter.from)
    .where('at', '<', filter.to)
    .orderBy('at')
    .execute()
  return numbers.map((n) => ({
    numberId: n.id,
    phoneNumberId: n.phone_number_id,
    displayPhoneNumber: n.display_phone_number,
    tenantId: n.tenant_id,
    current: {
      quality_rating: n.quality_rating,
      messaging_limit_tier: n.messaging_limit_tier,
      throughput_level: n.throughput_level,
    },
    history: rows
      .filter((r) => r.phone_number_id === n.id)
      .map((r) => ({
        at: Number(r.at),
        quality_rating: r.quality_rating,
        messaging_limit_tier: r.messaging_limit_tier,
        throughput_level: r.throughput_level,
      })),
  }))
}
