import type { Db } from '../db/connect.ts'

// Meta's messaging limit (FACTS §7, M-LIM): how many unique users a number may reach with
// business-initiated messages in a moving 24 hours. The number's tier comes from Graph
// (`whatsapp_business_manager_messaging_limit`, read by numbers.refresh) and from the
// `phone_number_quality_update` webhook (channels/number-updates.ts). Wahub counts the users a
// number sent a template to in the last 24 h (decision 0062: every template, campaign or not,
// counts; a user already counted costs nothing again).

export const windowMs = 24 * 60 * 60 * 1000

const tiers: Record<string, number> = {
  TIER_50: 50,
  TIER_250: 250,
  TIER_1K: 1000,
  TIER_2K: 2000,
  TIER_10K: 10_000,
  TIER_100K: 100_000,
}

/** Unique users per 24 h for a tier string; Infinity for unlimited or unknown (not yet read). */
export function tierCap(tier: string | null): number {
  if (!tier) return Infinity
  const t = tier.toUpperCase()
  if (t in tiers) return tiers[t]
  if (/^\d+$/.test(t)) return Number(t) // max_daily_conversations_per_business as an integer
  return Infinity // TIER_UNLIMITED, TIER_NOT_SET, anything new
}

/** Users the number sent a template to since `since` (not counting cancelled ones), and the oldest such send. */
export async function recentRecipients(
  db: Db,
  numberRowId: string,
  since: number,
  among?: readonly string[],
): Promise<{ contactIds: Set<string>; count: number; oldestAt: number | null }> {
  let q = db
    .selectFrom('messages')
    .select(['contact_id', (eb) => eb.fn.min('created_at').as('first')])
    .where('phone_number_id', '=', numberRowId)
    .where('created_at', '>', since)
    .where('direction', '=', 'out')
    .where('type', '=', 'template')
    .where('status', '!=', 'cancelled')
    .groupBy('contact_id')
  if (among) q = q.where('contact_id', 'in', among.length > 0 ? [...among] : [''])
  const rows = await q.execute()
  let oldest: number | null = null
  for (const r of rows) {
    const at = Number(r.first)
    if (oldest === null || at < oldest) oldest = at
  }
  return { contactIds: new Set(rows.map((r) => r.contact_id)), count: rows.length, oldestAt: oldest }
}
