import { type SqlBool, sql } from 'kysely'
import type { Db } from '../db/connect.ts'
import {
  type Counters,
  contribution,
  counterNames,
  decodeCounts,
  decodeKey,
  encodeCounts,
  encodeKey,
  zeroCounts,
} from './contribution.ts'
import { applyDailyDeltas, dailyDeltas } from './daily.ts'
import { countryOf } from './market.ts'
import { optOutMessages } from './opt-out.ts'
import { estimateCost, type PriceTable, rateCategory } from './price-table.ts'
import { firstResponseTimes, measureResolutions } from './responses.ts'
import { rankVolumes } from './volume.ts'

// Keeps analytics_hourly in step with the messages table, off the hot path: a fold on every
// instance reads the messages changed since its cursor (messages.updated_at, which every insert
// and status change sets), records the cost estimate of each newly delivered message, and moves
// each message's contribution (analytics_folded) from its old bucket to its new one. Folding a
// message again changes nothing, so each round re-reads ten seconds before its cursor (a
// transaction may commit after a later one's changes were folded). Each page runs in one
// transaction that first locks the cursor row, so instances never fold the same page at once.

const cursorName = 'messages'
/** A change committed this late after its updated_at is still folded. */
export const foldOverlapMs = 10_000
const defaultPageSize = 500
/** The overlap's light re-reading (statesAfter) reads this many pages' worth of rows at a time. */
const peekPages = 10

// The overlap makes each round re-read the last ten seconds of changes: at 1,000 messages a
// second every message would be folded ten times or more. A message's contribution depends only
// on its own row (status, error, pricing) and on what was committed before or with it: an
// outbound message's cost and first response are recorded by its first fold; an inbound one's
// opt-out is recorded in the transaction that stored it, and the template it replies to was sent
// before it (decision 0122). So a message this process folded with the same row — same
// updated_at, status, error and pricing — is skipped when read again. Remembered once the page
// committed, forgotten once out of the overlap; another instance (or a restart) simply folds it
// again. At most `foldMemoLimit` rows are remembered, the oldest forgotten first: a burst of
// changes (a seed, a campaign's statuses) would otherwise hold ten seconds of them — 150,000 rows
// held the webhook thread's heap at ~100 MB (decision 0127). A row forgotten early is only
// folded again, which changes no figure (analytics_folded).
const foldedRows = new Map<string, { at: number; row: string }>()

/** Rows the fold remembers at most (~6 MB): ten seconds of 2,500 changes a second. */
export const foldMemoLimit = 25_000

/** How many folded rows this process remembers now (tests). */
export function foldMemoSize(): number {
  return foldedRows.size
}

/** The columns a folded row is compared on (rowOf): what the overlap's re-reading selects. */
type RowState = Pick<
  Changed,
  | 'id'
  | 'updated_at'
  | 'status'
  | 'error_code'
  | 'pricing_model'
  | 'pricing_type'
  | 'pricing_category'
  | 'billable'
>

function rowOf(m: RowState): string {
  return `${m.updated_at}|${m.status}|${m.error_code}|${m.pricing_model}|${m.pricing_type}|${m.pricing_category}|${m.billable}`
}

type Changed = {
  id: string
  tenant_id: string
  conversation_id: string
  phone_number_id: string
  direction: 'in' | 'out'
  type: string
  content: string
  status: string
  status_at: number
  error_code: number | null
  pricing_model: string | null
  pricing_type: string | null
  pricing_category: string | null
  billable: number | null
  context_wamid: string | null
  created_at: number
  updated_at: number
  wa_id: string | null
  waba_id: string | null
}

function templateName(type: string, content: string): string | null {
  if (type !== 'template') return null
  try {
    const body = JSON.parse(content) as { template?: { name?: string } }
    return body.template?.name ?? null
  } catch {
    return null
  }
}

async function lockCursor(tx: Db, rowLocks: boolean): Promise<number> {
  // PostgreSQL: the row lock makes other instances wait; SQLite's transactions already hold
  // the database's write lock (BEGIN IMMEDIATE).
  const found = await tx
    .selectFrom('analytics_cursor')
    .select('updated_after')
    .where('name', '=', cursorName)
    .$if(rowLocks, (q) => q.forUpdate())
    .executeTakeFirst()
  if (found) return Number(found.updated_after)
  await tx
    .insertInto('analytics_cursor')
    .values({ name: cursorName, updated_after: 0, version: 0, updated_at: Date.now() })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute()
  return 0
}

async function deliveredAt(tx: Db, ids: string[]): Promise<Map<string, number>> {
  const out = new Map<string, number>()
  if (ids.length === 0) return out
  const rows = await tx
    .selectFrom('message_status_events')
    .select(['message_id', (eb) => eb.fn.min('meta_timestamp').as('at')])
    .where('message_id', 'in', ids)
    .where('status', 'in', ['delivered', 'read', 'played'])
    .groupBy('message_id')
    .execute()
  for (const r of rows) if (r.message_id && r.at !== null) out.set(r.message_id, Number(r.at))
  return out
}

/** Records the estimate of messages delivered and not yet priced; returns every known estimate. */
async function recordCosts(
  tx: Db,
  page: Changed[],
  tables: readonly PriceTable[],
): Promise<Map<string, number | null>> {
  const out = page.filter((m) => m.direction === 'out')
  const amounts = new Map<string, number | null>()
  if (out.length === 0) return amounts
  const known = await tx
    .selectFrom('message_costs')
    .select(['message_id', 'amount_micros'])
    .where(
      'message_id',
      'in',
      out.map((m) => m.id),
    )
    .execute()
  for (const k of known) amounts.set(k.message_id, k.amount_micros === null ? null : Number(k.amount_micros))
  const due = out.filter((m) => !amounts.has(m.id) && ['delivered', 'read', 'played'].includes(m.status))
  if (due.length === 0) return amounts
  const at = await deliveredAt(
    tx,
    due.map((m) => m.id),
  )
  const now = Date.now()
  const when = (m: Changed) => at.get(m.id) ?? Number(m.status_at)
  const ranks = await rankVolumes(
    tx,
    due.map((m) => ({
      id: m.id,
      wabaId: m.waba_id,
      market: countryOf(m.wa_id),
      category: rateCategory(m.pricing_category),
      charged:
        m.pricing_model !== 'CBP' && (m.pricing_type ? m.pricing_type === 'regular' : m.billable === 1),
      at: when(m),
    })),
  )
  const rows = due.map((m) => {
    const e = estimateCost(tables, {
      pricingModel: m.pricing_model,
      pricingType: m.pricing_type,
      pricingCategory: m.pricing_category,
      billable: m.billable,
      market: countryOf(m.wa_id),
      deliveredAt: when(m),
      volumeRank: ranks.get(m.id) ?? null,
    })
    amounts.set(m.id, e.amountMicros)
    return {
      message_id: m.id,
      tenant_id: m.tenant_id,
      model: e.model,
      category: e.category,
      market: e.market,
      currency: e.currency,
      amount_micros: e.amountMicros,
      price_table: e.priceTable,
      delivered_at: when(m),
      created_at: now,
      volume_rank: ranks.get(m.id) ?? null,
    }
  })
  await tx
    .insertInto('message_costs')
    .values(rows)
    .onConflict((oc) => oc.column('message_id').doNothing())
    .execute()
  return amounts
}

async function repliedTemplates(tx: Db, page: Changed[]): Promise<Map<string, string>> {
  const wanted = page.filter((m) => m.direction === 'in' && m.context_wamid)
  const out = new Map<string, string>()
  if (wanted.length === 0) return out
  const rows = await tx
    .selectFrom('messages')
    .select(['phone_number_id', 'wamid', 'type', 'content'])
    .where('direction', '=', 'out')
    .where(
      'wamid',
      'in',
      wanted.map((m) => m.context_wamid as string),
    )
    .execute()
  for (const r of rows) out.set(`${r.phone_number_id}:${r.wamid}`, templateName(r.type, r.content) ?? '')
  return out
}

function add(into: Map<string, Counters>, key: string, counts: Counters, sign: 1 | -1) {
  const acc = into.get(key) ?? zeroCounts()
  for (const n of counterNames) acc[n] += sign * counts[n]
  into.set(key, acc)
}

async function applyDeltas(tx: Db, deltas: Map<string, Counters>): Promise<void> {
  const rows = [...deltas.entries()]
    .filter(([, c]) => counterNames.some((n) => c[n] !== 0))
    .map(([k, c]) => ({ ...decodeKey(k), ...c }))
  for (let i = 0; i < rows.length; i += 200) {
    const chunk = rows.slice(i, i + 200)
    await tx
      .insertInto('analytics_hourly')
      .values(chunk)
      .onConflict((oc) =>
        oc
          .columns([
            'tenant_id',
            'hour',
            'phone_number_id',
            'template',
            'category',
            'country',
            'direction',
            'outcome',
            'error_code',
          ])
          .doUpdateSet(
            Object.fromEntries(
              counterNames.map((n) => [n, sql`analytics_hourly.${sql.ref(n)} + excluded.${sql.ref(n)}`]),
            ) as Record<(typeof counterNames)[number], never>,
          ),
      )
      .execute()
  }
  // Only a decremented bucket can have become empty: drop it if it did.
  for (const r of rows) {
    if (!counterNames.some((n) => r[n] < 0)) continue
    await tx
      .deleteFrom('analytics_hourly')
      .where('tenant_id', '=', r.tenant_id)
      .where('hour', '=', r.hour)
      .where('phone_number_id', '=', r.phone_number_id)
      .where('template', '=', r.template)
      .where('category', '=', r.category)
      .where('country', '=', r.country)
      .where('direction', '=', r.direction)
      .where('outcome', '=', r.outcome)
      .where('error_code', '=', r.error_code)
      .where('messages', '=', 0)
      .where('resolutions', '=', 0)
      .execute()
  }
  await applyDailyDeltas(tx, dailyDeltas(deltas))
}

/** What changed in a round, for the Prometheus counters. */
export type FoldTally = {
  sent: number
  received: number
  delivered: number
  read: number
  failed: Map<number, number>
}

function tallyChange(
  tally: FoldTally,
  direction: string,
  errorCode: number,
  old: Counters | undefined,
  now: Counters,
) {
  if (!old) {
    if (direction === 'out') tally.sent++
    else tally.received++
  }
  if (now.delivered > (old?.delivered ?? 0)) tally.delivered++
  if (now.read > (old?.read ?? 0)) tally.read++
  if (now.failed > (old?.failed ?? 0)) tally.failed.set(errorCode, (tally.failed.get(errorCode) ?? 0) + 1)
}

function firstResponseOf(
  m: Changed,
  old: { counts: string } | undefined,
  measured: Map<string, number | null>,
): number | null {
  if (measured.has(m.id)) return measured.get(m.id) ?? null
  if (!old) return null
  const c = decodeCounts(old.counts)
  return c.first_responses > 0 ? c.first_response_ms : null
}

/**
 * Messages changed after `from` (by `(updated_at, id)`) up to `until`: a row-value cursor on the
 * (updated_at, id) index, so a page reads its own rows only, however many messages changed in the
 * same millisecond (migration 0040). Read in that order.
 */
function changedAfter(from: { at: number; id: string }, until: number) {
  return sql<SqlBool>`(m.updated_at, m.id) > (${from.at}, ${from.id}) and m.updated_at <= ${until}`
}
/** The next page of messages changed after `from` up to `until` (changedAfter). */
async function changedPage(
  db: Db,
  from: { at: number; id: string },
  until: number,
  pageSize: number,
): Promise<Changed[]> {
  return (await db
    .selectFrom('messages as m')
    .leftJoin('contacts as c', 'c.id', 'm.contact_id')
    .leftJoin('phone_numbers as p', 'p.id', 'm.phone_number_id')
    .select([
      'm.id',
      'm.tenant_id',
      'm.conversation_id',
      'm.phone_number_id',
      'm.direction',
      'm.type',
      'm.content',
      'm.status',
      'm.status_at',
      'm.error_code',
      'm.pricing_model',
      'm.pricing_type',
      'm.pricing_category',
      'm.billable',
      'm.context_wamid',
      'm.created_at',
      'm.updated_at',
      'c.wa_id',
      'p.waba_id',
    ])
    .where(changedAfter(from, until))
    .orderBy('m.updated_at')
    .orderBy('m.id')
    .limit(pageSize)
    .execute()) as Changed[]
}

/**
 * The next rows changed after `from` with only the columns rowOf compares: no join, no content.
 * The overlap every round re-reads is mostly rows this process folded already (decision 0128).
 */
async function statesAfter(
  db: Db,
  from: { at: number; id: string },
  until: number,
  limit: number,
): Promise<RowState[]> {
  return (await db
    .selectFrom('messages as m')
    .select([
      'm.id',
      'm.updated_at',
      'm.status',
      'm.error_code',
      'm.pricing_model',
      'm.pricing_type',
      'm.pricing_category',
      'm.billable',
    ])
    .where(changedAfter(from, until))
    .orderBy('m.updated_at')
    .orderBy('m.id')
    .limit(limit)
    .execute()) as RowState[]
}

/** How many of these rows, from the first, this process folded before and are unchanged since. */
function foldedPrefix(rows: readonly RowState[]): number {
  let n = 0
  while (n < rows.length && foldedRows.get(rows[n].id)?.row === rowOf(rows[n])) n++
  return n
}

async function foldPage(
  tx: Db,
  tables: readonly PriceTable[],
  from: { at: number; id: string },
  until: number,
  tally: FoldTally,
  pageSize: number,
): Promise<{
  last: { at: number; id: string } | undefined
  /** Rows read. */
  count: number
  /** Of them, the rows folded now (the others were folded before, unchanged). */
  changed: number
  folded: { id: string; at: number; row: string }[]
}> {
  let page = await changedPage(tx, from, until, pageSize)
  if (page.length === 0) return { last: undefined, count: 0, changed: 0, folded: [] }
  const read = page
  const folded = read.map((m) => ({ id: m.id, at: Number(m.updated_at), row: rowOf(m) }))
  page = read.filter((m, i) => foldedRows.get(m.id)?.row !== folded[i].row)
  const tail = read[read.length - 1]
  const last = { at: Number(tail.updated_at), id: tail.id }
  const result = { last, count: read.length, changed: page.length, folded }
  if (page.length === 0) return result
  const costs = await recordCosts(tx, page, tables)
  const replied = await repliedTemplates(tx, page)
  const optedOut = await optOutMessages(
    tx,
    page.filter((m) => m.direction === 'in').map((m) => m.id),
  )
  const before = await tx
    .selectFrom('analytics_folded')
    .selectAll()
    .where(
      'message_id',
      'in',
      page.map((m) => m.id),
    )
    .execute()
  const previous = new Map(before.map((b) => [b.message_id, b]))
  // Whether an outbound message first answers its conversation's episode is decided once, the
  // first time it is folded (or when its folded counts predate the figure), then kept.
  const fresh = page.filter((m) => {
    const old = previous.get(m.id)
    return m.direction === 'out' && (!old || old.counts.split(',').length < counterNames.length)
  })
  const firstResponses = await firstResponseTimes(tx, fresh)
  const deltas = new Map<string, Counters>()
  const states: { message_id: string; bucket: string; counts: string }[] = []
  for (const m of page) {
    const { key, counts } = contribution({
      tenantId: m.tenant_id,
      phoneNumberId: m.phone_number_id,
      direction: m.direction,
      type: m.type,
      templateName: templateName(m.type, m.content),
      status: m.status,
      errorCode: m.error_code,
      pricingModel: m.pricing_model,
      pricingType: m.pricing_type,
      pricingCategory: m.pricing_category,
      createdAt: Number(m.created_at),
      country: countryOf(m.wa_id),
      repliesToTemplate: m.context_wamid ? replied.get(`${m.phone_number_id}:${m.context_wamid}`) : undefined,
      costMicros: costs.has(m.id) ? costs.get(m.id) : undefined,
      firstResponseMs: firstResponseOf(m, previous.get(m.id), firstResponses),
      optOut: m.direction === 'in' && optedOut.has(m.id),
    })
    const bucket = encodeKey(key)
    const encoded = encodeCounts(counts)
    const old = previous.get(m.id)
    if (old && old.bucket === bucket && old.counts === encoded) continue
    const oldCounts = old ? decodeCounts(old.counts) : undefined
    if (old && oldCounts) add(deltas, old.bucket, oldCounts, -1)
    add(deltas, bucket, counts, 1)
    tallyChange(tally, m.direction, key.error_code, oldCounts, counts)
    states.push({ message_id: m.id, bucket, counts: encoded })
  }
  await applyDeltas(tx, deltas)
  for (let i = 0; i < states.length; i += 300) {
    await tx
      .insertInto('analytics_folded')
      .values(states.slice(i, i + 300))
      .onConflict((oc) =>
        oc.column('message_id').doUpdateSet({ bucket: sql`excluded.bucket`, counts: sql`excluded.counts` }),
      )
      .execute()
  }
  return result
}

/**
 * One round: folds every message changed since the cursor (minus the overlap) up to a moment
 * ago, page by page, then moves the cursor. Returns how many message rows were read.
 */
export async function foldRollups(
  db: Db,
  options: {
    tables: readonly PriceTable[]
    rowLocks: boolean
    now?: number
    onTally?: (t: FoldTally) => void
    /** Messages a transaction reads: small on the webhook thread, whose intake waits on it (SQLite). */
    pageSize?: number
    /**
     * Awaited after each page's transaction with its duration and how long ago the round's
     * `until` was (the webhook thread's pacing: its figures are that much staler).
     */
    afterPage?: (workMs: number, lagMs: number) => Promise<void>
    /** Folded rows remembered at most (foldMemoLimit; tests set fewer). */
    memoLimit?: number
  },
): Promise<number> {
  const {
    tables,
    rowLocks,
    now = Date.now(),
    pageSize = defaultPageSize,
    memoLimit = foldMemoLimit,
  } = options
  const until = now
  let from: { at: number; id: string } | undefined
  let windowStart: number | undefined
  let total = 0
  let peekWorthIt = true
  for (;;) {
    const tally: FoldTally = { sent: 0, received: 0, delivered: 0, read: 0, failed: new Map() }
    const started = performance.now()
    let pageFolded: { id: string; at: number; row: string }[] = []
    if (from && peekWorthIt) {
      // Rows folded before and unchanged since (most of the ten-second overlap every round
      // re-reads) need no write: they are skipped after a light read outside any transaction —
      // on SQLite without the file's write lock, which the send path's group commits would wait
      // for meanwhile; on PostgreSQL without a transaction and the cursor's row lock per page.
      // What is skipped depends only on what this process folded. The page's transaction starts
      // at the first row that changes something (decision 0128).
      const peek = await statesAfter(db, from, until, pageSize * peekPages)
      const skipped = foldedPrefix(peek)
      if (skipped > 0) {
        const tail = peek[skipped - 1]
        from = { at: Number(tail.updated_at), id: tail.id }
        total += skipped
      }
      if (skipped === pageSize * peekPages) {
        await options.afterPage?.(performance.now() - started, Date.now() - until)
        continue
      }
    }
    const done = await db.transaction().execute(async (tx) => {
      const cursor = await lockCursor(tx, rowLocks)
      if (!from) {
        from = { at: Math.max(0, cursor - foldOverlapMs), id: '' }
        const since = from.at
        for (const [id, f] of foldedRows) if (f.at < since) foldedRows.delete(id)
      }
      windowStart ??= from.at
      const { last, count, changed, folded } = await foldPage(tx, tables, from, until, tally, pageSize)
      pageFolded = folded
      // After a page that held changes the next one likely does too (the overlap's unchanged
      // messages come first, by updated_at): peeking first would read it twice.
      peekWorthIt = changed === 0
      total += count
      if (last) from = last
      if (count < pageSize) {
        const resolved = await measureResolutions(tx, windowStart - 1, until)
        if (resolved.length > 0) {
          const deltas = new Map<string, Counters>()
          for (const r of resolved) add(deltas, encodeKey(r.key), r.counts, 1)
          await applyDeltas(tx, deltas)
        }
        await tx
          .updateTable('analytics_cursor')
          .set({ updated_after: Math.max(cursor, until), updated_at: Date.now(), version: sql`version + 1` })
          .where('name', '=', cursorName)
          .execute()
        return true
      }
      return false
    })
    // Counted only once the page committed (a rolled-back page is folded again).
    for (const f of pageFolded) {
      // Deleted first so that the map's order stays the order rows were last folded in.
      foldedRows.delete(f.id)
      foldedRows.set(f.id, { at: f.at, row: f.row })
    }
    if (foldedRows.size > memoLimit)
      for (const id of foldedRows.keys()) {
        foldedRows.delete(id)
        if (foldedRows.size <= memoLimit) break
      }
    options.onTally?.(tally)
    if (done) return total
    await options.afterPage?.(performance.now() - started, Date.now() - until)
  }
}
