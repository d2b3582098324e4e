import { sql } from 'kysely'
import type { Db } from '../db/connect.ts'

// The rate_lanes table: one GCRA cell per lane, shared by every instance (docs/decisions/
// 0015-cluster-wide-rate-lanes.md). `tat_us` is the lane's theoretical arrival time in epoch
// microseconds: the moment all quota booked so far is used up. Every booking is one atomic
// statement (UPDATE … RETURNING, or an upsert), so concurrent bookers on any instance get
// disjoint slots without locks held across a round trip. Times come from the booker's clock
// (instances are expected to run NTP-synced; skew δ can let through at most δ × rate extra).

const later = (us: number) =>
  sql<number>`(case when rate_lanes.tat_us > ${us} then rate_lanes.tat_us else ${us} end)`

export async function ensureLane(
  db: Db,
  key: string,
  kind: 'number' | 'pair',
  now = Date.now(),
): Promise<void> {
  await db
    .insertInto('rate_lanes')
    .values({ key, kind, tat_us: 0, strikes: 0, slowed_until: 0, updated_at: now })
    .onConflict((oc) => oc.column('key').doNothing())
    .execute()
}

export type Booking =
  | { booked: true; startUs: number; slowedUntil: number }
  | { booked: false; tatUs: number }

/**
 * Books `count` consecutive slots `intervalUs` apart, starting when the lane is free, unless
 * that start is more than `horizonUs` ahead. The caller sends at startUs + i × intervalUs.
 */
export async function bookNumberSlots(
  db: Db,
  key: string,
  count: number,
  intervalUs: number,
  horizonUs: number,
  nowUs: number,
): Promise<Booking | undefined> {
  const row = await db
    .updateTable('rate_lanes')
    .set({ tat_us: sql`${later(nowUs)} + ${count * intervalUs}`, updated_at: Math.floor(nowUs / 1000) })
    .where('key', '=', key)
    .where('tat_us', '<=', nowUs + horizonUs)
    .returning(['tat_us', 'slowed_until'])
    .executeTakeFirst()
  if (row)
    return {
      booked: true,
      startUs: Number(row.tat_us) - count * intervalUs,
      slowedUntil: Number(row.slowed_until),
    }
  const current = await db.selectFrom('rate_lanes').select('tat_us').where('key', '=', key).executeTakeFirst()
  return current ? { booked: false, tatUs: Number(current.tat_us) } : undefined
}

/**
 * One message to a pair (number × recipient), GCRA with a burst: accepted while no more than
 * `burst` intervals are booked ahead. Returns the wait in µs when refused, 0 when booked, and
 * the pair's strike count (consecutive 131056).
 */
export async function bookPair(
  db: Db,
  key: string,
  intervalUs: number,
  burst: number,
  nowUs: number,
): Promise<{ waitUs: number; strikes: number }> {
  const tolerance = (burst - 1) * intervalUs
  const row = await db
    .insertInto('rate_lanes')
    .values({
      key,
      kind: 'pair',
      tat_us: nowUs + intervalUs,
      strikes: 0,
      slowed_until: 0,
      updated_at: Math.floor(nowUs / 1000),
    })
    .onConflict((oc) =>
      oc
        .column('key')
        .doUpdateSet({ tat_us: sql`${later(nowUs)} + ${intervalUs}`, updated_at: Math.floor(nowUs / 1000) })
        .where(later(nowUs), '<=', nowUs + tolerance),
    )
    .returning(['tat_us', 'strikes'])
    .executeTakeFirst()
  if (row) return { waitUs: 0, strikes: Number(row.strikes) }
  const current = await db
    .selectFrom('rate_lanes')
    .select(['tat_us', 'strikes'])
    .where('key', '=', key)
    .executeTakeFirstOrThrow()
  return {
    waitUs: Math.max(1000, Number(current.tat_us) - tolerance - nowUs),
    strikes: Number(current.strikes),
  }
}

/**
 * One message to each of several pairs, in one statement (bookPair for a group commit). Keys
 * must be distinct. Returns, per key, the wait in µs (0 = booked) and the strike count.
 */
export async function bookPairs(
  db: Db,
  keys: readonly string[],
  intervalUs: number,
  burst: number,
  nowUs: number,
): Promise<Map<string, { waitUs: number; strikes: number }>> {
  const out = new Map<string, { waitUs: number; strikes: number }>()
  if (keys.length === 0) return out
  const tolerance = (burst - 1) * intervalUs
  const nowMs = Math.floor(nowUs / 1000)
  const booked = await db
    .insertInto('rate_lanes')
    .values(
      keys.map((key) => ({
        key,
        kind: 'pair' as const,
        tat_us: nowUs + intervalUs,
        strikes: 0,
        slowed_until: 0,
        updated_at: nowMs,
      })),
    )
    .onConflict((oc) =>
      oc
        .column('key')
        .doUpdateSet({ tat_us: sql`${later(nowUs)} + ${intervalUs}`, updated_at: nowMs })
        .where(later(nowUs), '<=', nowUs + tolerance),
    )
    .returning(['key', 'strikes'])
    .execute()
  for (const r of booked) out.set(r.key, { waitUs: 0, strikes: Number(r.strikes) })
  const refused = keys.filter((k) => !out.has(k))
  if (refused.length > 0) {
    const rows = await db
      .selectFrom('rate_lanes')
      .select(['key', 'tat_us', 'strikes'])
      .where('key', 'in', refused)
      .execute()
    for (const r of rows) {
      out.set(r.key, {
        waitUs: Math.max(1000, Number(r.tat_us) - tolerance - nowUs),
        strikes: Number(r.strikes),
      })
    }
  }
  return out
}

/**
 * bookPairs, and each message whose pair was booked moved from `queued` to `sending`
 * (outbound-repo.ts markSendingMany), in ONE statement for databases with writable CTEs
 * (PostgreSQL): atomic without a transaction, one round trip for the group commit before the
 * requests leave. Keys must be distinct. Returns, per key, the wait in µs (0 = booked), the
 * strike count and whether its message moved to `sending`.
 */
export async function bookPairsMarkSending(
  db: Db,
  items: readonly { key: string; messageId: string }[],
  intervalUs: number,
  burst: number,
  nowUs: number,
): Promise<Map<string, { waitUs: number; strikes: number; sending: boolean }>> {
  const out = new Map<string, { waitUs: number; strikes: number; sending: boolean }>()
  if (items.length === 0) return out
  const tolerance = (burst - 1) * intervalUs
  const nowMs = Math.floor(nowUs / 1000)
  const values = sql.join(items.map((i) => sql`(${i.key}, ${i.messageId})`))
  const { rows } = await sql<{
    key: string
    booked: boolean
    strikes: number | string | null
    sending: boolean
    tat_us: number | string | null
  }>`with v(key, id) as (values ${values}),
    booked as (insert into rate_lanes (key, kind, tat_us, strikes, slowed_until, updated_at)
      select v.key, 'pair', ${nowUs + intervalUs}::bigint, 0, 0, ${nowMs}::bigint from v
      on conflict (key) do update set tat_us = ${later(nowUs)} + ${intervalUs}, updated_at = ${nowMs}
      where ${later(nowUs)} <= ${nowUs + tolerance}
      returning rate_lanes.key, rate_lanes.strikes),
    sending as (update messages set status = 'sending', status_at = ${nowMs}, updated_at = ${nowMs}
      where id in (select v.id from v join booked on booked.key = v.key) and status = 'queued'
      returning id)
    select v.key, booked.key is not null as booked, coalesce(booked.strikes, r.strikes) as strikes,
      sending.id is not null as sending, r.tat_us
    from v left join booked on booked.key = v.key left join sending on sending.id = v.id
      left join rate_lanes r on r.key = v.key and booked.key is null`.execute(db)
  for (const r of rows)
    out.set(r.key, {
      waitUs: r.booked ? 0 : Math.max(1000, Number(r.tat_us) - tolerance - nowUs),
      strikes: Number(r.strikes ?? 0),
      sending: r.sending,
    })
  return out
}

/** 130429: nothing leaves the number before `untilUs`, and it runs at half rate until `slowUntil`. */
export async function pauseNumber(db: Db, key: string, untilUs: number, slowUntil: number): Promise<void> {
  await db
    .updateTable('rate_lanes')
    .set({
      tat_us: later(untilUs),
      slowed_until: sql`case when slowed_until > ${slowUntil} then slowed_until else ${slowUntil} end`,
      updated_at: Math.floor(untilUs / 1000),
    })
    .where('key', '=', key)
    .execute()
}

/** 131056: the pair waits `delayUs` (Meta: 4^X seconds) before its next message; one more strike. */
export async function strikePair(
  db: Db,
  key: string,
  intervalUs: number,
  burst: number,
  nowUs: number,
  delayFor: (strikes: number) => number,
): Promise<number> {
  await ensureLaneKind(db, key, nowUs)
  const current = await db
    .selectFrom('rate_lanes')
    .select('strikes')
    .where('key', '=', key)
    .executeTakeFirstOrThrow()
  const delayUs = delayFor(Number(current.strikes))
  // Booked so that the next booking is refused until now + delay.
  const until = nowUs + delayUs + (burst - 1) * intervalUs
  await db
    .updateTable('rate_lanes')
    .set({ tat_us: later(until), strikes: sql`strikes + 1`, updated_at: Math.floor(nowUs / 1000) })
    .where('key', '=', key)
    .execute()
  return delayUs
}

async function ensureLaneKind(db: Db, key: string, nowUs: number): Promise<void> {
  await ensureLane(db, key, 'pair', Math.floor(nowUs / 1000))
}

export async function clearStrikes(db: Db, key: string): Promise<void> {
  await db.updateTable('rate_lanes').set({ strikes: 0 }).where('key', '=', key).execute()
}

/** Pair cells whose quota is long recovered carry no information: forget them. */
export async function deleteIdlePairs(db: Db, beforeUs: number): Promise<number> {
  const result = await db
    .deleteFrom('rate_lanes')
    .where('kind', '=', 'pair')
    .where('tat_us', '<', beforeUs)
    .executeTakeFirst()
  return Number(result.numDeletedRows)
}
