import { sql } from 'kysely'
import type { Db } from '../db/connect.ts'
import { type BucketKey, type Counters, hourOf, zeroCounts } from './contribution.ts'
import { countryOf } from './market.ts'

// Time to first response and to resolution, from the team inbox's status changes (decision
// 0047). A conversation's episode starts with the customer's first message after its last
// resolution (or ever); the business's first outbound message after that start is the episode's
// first response (counted on that message, in its hour); the status change to `resolved` ends the
// episode (counted in the hour of the resolution, outcome `resolved`, direction ''). Read-only
// over messages and conversation_activity (a report reader, docs/ARCHITECTURE.md); the
// resolutions measured are kept in analytics_resolutions, so each is counted once.

const resolvedPrefix = '{"status":"resolved"'

type Episode = { opened: number | undefined; first: { id: string; createdAt: number } | undefined }

/**
 * The episode a moment `until` of a conversation belongs to, in one statement: since its latest
 * resolution before `until` (or ever), the customer's first message (`opened`) and the business's
 * first message after it (`first`), both up to `until`. One round trip instead of three: the fold
 * asks this for every new outbound message (decision 0092; index `messages_episode`).
 */
async function episodeBefore(tx: Db, conversationId: string, until: number): Promise<Episode> {
  const { rows } = await sql<{
    opened: number | string | null
    first_id: string | null
    first_at: number | string | null
  }>`
    with since as (
      select coalesce(max(created_at), -1) as at from conversation_activity
      where conversation_id = ${conversationId} and kind = 'status'
        and data like ${`${resolvedPrefix}%`} and created_at < ${until}
    ), opened as (
      select min(m.created_at) as at from messages m, since
      where m.conversation_id = ${conversationId} and m.direction = 'in'
        and m.created_at > since.at and m.created_at <= ${until}
    ), answer as (
      select m.id, m.created_at from messages m, opened
      where m.conversation_id = ${conversationId} and m.direction = 'out'
        and m.created_at > opened.at and m.created_at <= ${until}
      order by m.created_at, m.id limit 1
    )
    select opened.at as opened, answer.id as first_id, answer.created_at as first_at
    from opened left join answer on true`.execute(tx)
  const row = rows[0]
  const opened = row?.opened === null || row?.opened === undefined ? undefined : Number(row.opened)
  return {
    opened,
    first:
      opened !== undefined && row?.first_id
        ? { id: row.first_id, createdAt: Number(row.first_at) }
        : undefined,
  }
}

/**
 * For outbound messages folded for the first time: which of them is the first answer of its
 * episode, and how long after the customer's first message (ms).
 */
export async function firstResponseTimes(
  tx: Db,
  messages: readonly { id: string; conversation_id: string; created_at: number }[],
): Promise<Map<string, number | null>> {
  const out = new Map<string, number | null>()
  // Conversations the customer never wrote in have no episode: one query settles them all.
  const ids = [...new Set(messages.map((m) => m.conversation_id))]
  const spoke = new Set<string>()
  for (let i = 0; i < ids.length; i += 300) {
    const rows = await tx
      .selectFrom('conversations')
      .select('id')
      .where('id', 'in', ids.slice(i, i + 300))
      .where('last_inbound_at', 'is not', null)
      .execute()
    for (const r of rows) spoke.add(r.id)
  }
  for (const m of messages) {
    out.set(m.id, null)
    if (!spoke.has(m.conversation_id)) continue
    const at = Number(m.created_at)
    const { opened, first } = await episodeBefore(tx, m.conversation_id, at)
    if (opened === undefined) continue
    if (first?.id === m.id) out.set(m.id, at - opened)
  }
  return out
}

const pageSize = 1000

function resolutionsPage(tx: Db, from: { at: number; id: string }, until: number) {
  return tx
    .selectFrom('conversation_activity as a')
    .innerJoin('conversations as c', 'c.id', 'a.conversation_id')
    .leftJoin('contacts as k', 'k.id', 'c.contact_id')
    .select(['a.id', 'a.tenant_id', 'a.conversation_id', 'a.created_at', 'c.phone_number_id', 'k.wa_id'])
    .where('a.kind', '=', 'status')
    .where('a.data', 'like', `${resolvedPrefix}%`)
    .where((eb) =>
      eb.or([
        eb('a.created_at', '>', from.at),
        eb.and([eb('a.created_at', '=', from.at), eb('a.id', '>', from.id)]),
      ]),
    )
    .where('a.created_at', '<=', until)
    .orderBy('a.created_at')
    .orderBy('a.id')
    .limit(pageSize)
    .execute()
}

export type ResolutionDelta = { key: BucketKey; counts: Counters }

/**
 * Measures the resolutions recorded in (after, until] not measured yet; returns their rollup
 * contributions. Runs inside the fold's transaction (under its cursor lock).
 */
export async function measureResolutions(tx: Db, after: number, until: number): Promise<ResolutionDelta[]> {
  const acts: Awaited<ReturnType<typeof resolutionsPage>> = []
  let from = { at: after, id: '' }
  for (;;) {
    const page = await resolutionsPage(tx, from, until)
    acts.push(...page)
    if (page.length < pageSize) break
    const last = page[page.length - 1]
    from = { at: Number(last.created_at), id: last.id }
  }
  if (acts.length === 0) return []
  const done = new Set<string>()
  for (let i = 0; i < acts.length; i += 500) {
    const rows = await tx
      .selectFrom('analytics_resolutions')
      .select('activity_id')
      .where(
        'activity_id',
        'in',
        acts.slice(i, i + 500).map((a) => a.id),
      )
      .execute()
    for (const r of rows) done.add(r.activity_id)
  }
  const out: ResolutionDelta[] = []
  for (const a of acts) {
    if (done.has(a.id)) continue
    const resolvedAt = Number(a.created_at)
    const { opened, first } = await episodeBefore(tx, a.conversation_id, resolvedAt)
    await tx
      .insertInto('analytics_resolutions')
      .values({
        activity_id: a.id,
        tenant_id: a.tenant_id,
        conversation_id: a.conversation_id,
        opened_at: opened ?? null,
        first_response_at: first ? first.createdAt : null,
        resolved_at: resolvedAt,
      })
      .execute()
    if (opened === undefined) continue // resolved with nothing from the customer: no episode
    const counts = zeroCounts()
    counts.resolutions = 1
    counts.resolution_ms = resolvedAt - opened
    out.push({
      key: {
        tenant_id: a.tenant_id,
        hour: hourOf(resolvedAt),
        phone_number_id: a.phone_number_id,
        template: '',
        category: '',
        country: countryOf(a.wa_id) ?? '',
        direction: '',
        outcome: 'resolved',
        error_code: 0,
      },
      counts,
    })
  }
  return out
}
