import type { Db } from '../db/connect.ts'
import { enqueueJob } from '../jobs/jobs-repo.ts'
import { parseWebhook } from './parse.ts'

// The raw webhook events table (owned by webhooks/): every POST Meta made that passed the
// signature check, byte for byte, with what became of it.

export type WebhookOutcome = 'pending' | 'processed' | 'unrouted' | 'wrong_app' | 'rejected' | 'failed'
export const webhookOutcomes: readonly WebhookOutcome[] = [
  'pending',
  'processed',
  'unrouted',
  'wrong_app',
  'rejected',
  'failed',
]

export type StoredEvent = {
  id: string
  receivedAt: number
  body: Buffer
  metaAppRowId: string | null
  outcome: WebhookOutcome
  outcomeReason: string | null
  phoneNumberIds: string[]
  processedAt: number | null
  attempts: number
}

export async function loadEvent(db: Db, id: string): Promise<StoredEvent | undefined> {
  return (await loadEvents(db, [id]))[0]
}

/** The events with these ids, in id order (missing ids are left out). */
export async function loadEvents(db: Db, ids: readonly string[]): Promise<StoredEvent[]> {
  if (ids.length === 0) return []
  const rows = await db
    .selectFrom('webhook_events')
    .selectAll()
    .where('id', 'in', ids)
    .orderBy('id')
    .execute()
  return rows.map((row) => ({
    id: row.id,
    receivedAt: row.received_at,
    body: Buffer.from(row.body),
    metaAppRowId: row.meta_app_id,
    outcome: row.outcome as WebhookOutcome,
    outcomeReason: row.outcome_reason,
    phoneNumberIds: row.phone_number_ids ? row.phone_number_ids.split(',') : [],
    processedAt: row.processed_at,
    attempts: row.attempts,
  }))
}

export async function setEventOutcome(
  db: Db,
  id: string,
  outcome: WebhookOutcome,
  details: { reason?: string | null; phoneNumberIds?: string[] } = {},
): Promise<void> {
  await db
    .updateTable('webhook_events')
    .set((eb) => ({
      outcome,
      outcome_reason: clipReason(details.reason),
      phone_number_ids: details.phoneNumberIds?.length ? details.phoneNumberIds.join(',') : null,
      processed_at: Date.now(),
      attempts: eb('attempts', '+', 1),
    }))
    .where('id', '=', id)
    .execute()
}

/** Marks events processed without remarks, in one statement. */
export async function setEventsProcessed(db: Db, ids: readonly string[]): Promise<void> {
  await db
    .updateTable('webhook_events')
    .set((eb) => ({
      outcome: 'processed',
      outcome_reason: null,
      processed_at: Date.now(),
      attempts: eb('attempts', '+', 1),
    }))
    .where('id', 'in', ids)
    .execute()
}

export type EventSummary = Omit<StoredEvent, 'body'> & {
  size: number
  /** What the webhook carried: `message:<type>`, `status:<status>` or `field:<field>`, once each. */
  types: string[]
}

/** The types and numbers a stored webhook carried, read from its body (any body: never throws). */
export function summariseBody(body: Uint8Array): { types: string[]; phoneNumberIds: string[] } {
  let payload: unknown
  try {
    payload = JSON.parse(Buffer.from(body).toString('utf8'))
  } catch {
    return { types: [], phoneNumberIds: [] }
  }
  const types = new Set<string>()
  const numbers = new Set<string>()
  for (const item of parseWebhook(payload)) {
    if (item.kind === 'message') types.add(`message:${String(item.message.type ?? 'unknown')}`)
    else if (item.kind === 'status') types.add(`status:${String(item.status.status ?? 'unknown')}`)
    else if (item.kind === 'field') types.add(`field:${item.field}`)
    else if (item.kind === 'value_errors') types.add('errors')
    if ('phoneNumberId' in item && item.phoneNumberId) numbers.add(item.phoneNumberId)
  }
  return { types: [...types], phoneNumberIds: [...numbers] }
}

export async function listEvents(
  db: Db,
  filter: { outcome?: WebhookOutcome; limit?: number; before?: string } = {},
): Promise<EventSummary[]> {
  let query = db
    .selectFrom('webhook_events')
    .select([
      'id',
      'received_at',
      'meta_app_id',
      'outcome',
      'outcome_reason',
      'phone_number_ids',
      'processed_at',
      'attempts',
      'body',
    ])
    .orderBy('id', 'desc')
    .limit(Math.min(filter.limit ?? 50, 500))
  if (filter.outcome) query = query.where('outcome', '=', filter.outcome)
  if (filter.before) query = query.where('id', '<', filter.before)
  const rows = await query.execute()
  return rows.map((row) => {
    // Read from the body (at most 500 of them): processed events keep no numbers of their own,
    // and events stored before this field existed get their types too.
    const seen = summariseBody(row.body)
    return {
      id: row.id,
      receivedAt: row.received_at,
      metaAppRowId: row.meta_app_id,
      outcome: row.outcome as WebhookOutcome,
      outcomeReason: row.outcome_reason,
      // Unrouted and wrong-app events name the numbers at fault; the others every number seen.
      phoneNumberIds: row.phone_number_ids ? row.phone_number_ids.split(',') : seen.phoneNumberIds,
      processedAt: row.processed_at,
      attempts: row.attempts,
      size: row.body.byteLength,
      types: seen.types,
    }
  })
}

/**
 * Queues events for processing again (SPEC §5 replay): the unrouted ones by default, or the
 * given ids. Processing is idempotent, so replaying a processed event changes nothing.
 */
export async function replayEvents(
  db: Db,
  selection: { ids?: string[]; unrouted?: boolean },
): Promise<string[]> {
  // Also called inside a caller's transaction (a number assigned to a tenant): Kysely cannot
  // nest transactions, so then it runs in that one.
  const inTransaction = <T>(work: (trx: Db) => Promise<T>) =>
    db.isTransaction ? work(db) : db.transaction().execute(work)
  return inTransaction(async (trx) => {
    let query = trx.selectFrom('webhook_events').select('id')
    if (selection.ids?.length) query = query.where('id', 'in', selection.ids)
    else query = query.where('outcome', '=', 'unrouted')
    const ids = (await query.execute()).map((r) => r.id)
    for (const id of ids) {
      await trx.updateTable('webhook_events').set({ outcome: 'pending' }).where('id', '=', id).execute()
      await enqueueJob(trx, 'webhook.process', { eventIds: [id] }, { maxAttempts: 10 })
    }
    return ids
  })
}

/**
 * Replays the events parked for any of these phone_number_ids (or WABA ids) — `unrouted` ones
 * when a number is added or assigned to a tenant, also `wrong_app` ones when its WABA is linked
 * to another app — so they are processed without a command.
 */
export async function replayParkedFor(
  db: Db,
  phoneNumberIds: readonly string[],
  outcomes: readonly ('unrouted' | 'wrong_app')[] = ['unrouted'],
): Promise<string[]> {
  if (phoneNumberIds.length === 0) return []
  const rows = await db
    .selectFrom('webhook_events')
    .select(['id', 'phone_number_ids'])
    .where('outcome', 'in', [...outcomes])
    .execute()
  const wanted = new Set(phoneNumberIds)
  const ids = rows
    .filter((r) => (r.phone_number_ids ?? '').split(',').some((id) => wanted.has(id)))
    .map((r) => r.id)
  return ids.length > 0 ? replayEvents(db, { ids }) : []
}

export type WebhookBacklog = { pending: number; oldestReceivedAt: number | null }

/** Events answered 200 but not processed yet, and when the oldest of them arrived. */
export async function webhookBacklog(db: Db): Promise<WebhookBacklog> {
  const row = await db
    .selectFrom('webhook_events')
    .select((eb) => [eb.fn.countAll<number>().as('pending'), eb.fn.min('received_at').as('oldest')])
    .where('outcome', '=', 'pending')
    .executeTakeFirst()
  const oldest = row?.oldest
  return { pending: Number(row?.pending ?? 0), oldestReceivedAt: oldest == null ? null : Number(oldest) }
}

/**
 * A reason is for a person reading doctor or `wahub events`: a junk body's parser error can
 * quote the body itself (up to 3 MiB), so reasons are cut to 500 characters, and lose any NUL
 * it quoted (PostgreSQL's text cannot hold one).
 */
export function clipReason(reason: string | null | undefined, max = 500): string | null {
  if (reason === null || reason === undefined) return null
  const clean = reason.replaceAll('\u0000', '')
  return clean.length <= max ? clean : `${clean.slice(0, max - 1)}…`
}
