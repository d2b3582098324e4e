import type { Db } from '../db/connect.ts'
import { newId } from '../ids.ts'
import { enqueueJob } from '../jobs/jobs-repo.ts'

// The raw webhook events table (owned by webhooks/): every POST Meta made that passed the
// signature check, byte for byte, with what became of it.

export type WebhookOutcome = 'pending' | 'processed' | 'unrouted' | 'rejected' | 'failed'

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

/**
 * SPEC §5: the raw event and its processing job commit together, before the 200. If this
 * returns, the event survives a kill -9 the next instant; if it throws, Meta gets a 5xx and
 * delivers again.
 */
export async function storeRawEvent(
  db: Db,
  body: Uint8Array,
  metaAppRowId: string | null,
  headers: Record<string, string> = {},
): Promise<string> {
  const id = newId('evt')
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('webhook_events')
      .values({
        id,
        received_at: Date.now(),
        body,
        signature_ok: 1,
        headers: JSON.stringify(headers),
        meta_app_id: metaAppRowId,
        outcome: 'pending',
        outcome_reason: null,
        phone_number_ids: null,
        processed_at: null,
      })
      .execute()
    await enqueueJob(trx, 'webhook.process', { eventId: id }, { maxAttempts: 10 })
  })
  return id
}

export async function loadEvent(db: Db, id: string): Promise<StoredEvent | undefined> {
  const row = await db.selectFrom('webhook_events').selectAll().where('id', '=', id).executeTakeFirst()
  if (!row) return undefined
  return {
    id: row.id,
    receivedAt: row.received_at,
    body: Buffer.from(row.body),
    metaAppRowId: row.meta_app_id,
    outcome: row.outcome as WebhookOutcome,
    outcomeReason: row.outcome_reason,
    phoneNumberIds: row.phone_number_ids ? row.phone_number_ids.split(',') : [],
    processedAt: row.processed_at,
    attempts: row.attempts,
  }
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
      outcome_reason: details.reason ?? null,
      phone_number_ids: details.phoneNumberIds?.length ? details.phoneNumberIds.join(',') : null,
      processed_at: Date.now(),
      attempts: eb('attempts', '+', 1),
    }))
    .where('id', '=', id)
    .execute()
}

export type EventSummary = Omit<StoredEvent, 'body'> & { size: number }

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
      (eb) => eb.fn('length', ['body']).as('size'),
    ])
    .orderBy('id', 'desc')
    .limit(Math.min(filter.limit ?? 50, 500))
  if (filter.outcome) query = query.where('outcome', '=', filter.outcome)
  if (filter.before) query = query.where('id', '<', filter.before)
  const rows = await query.execute()
  return rows.map((row) => ({
    id: row.id,
    receivedAt: row.received_at,
    metaAppRowId: row.meta_app_id,
    outcome: row.outcome as WebhookOutcome,
    outcomeReason: row.outcome_reason,
    phoneNumberIds: row.phone_number_ids ? row.phone_number_ids.split(',') : [],
    processedAt: row.processed_at,
    attempts: row.attempts,
    size: Number(row.size),
  }))
}

/**
 * Queues events for processing again (SPEC §5 replay): the unrouted ones by default, or the
 * given ids. Processing is idempotent, so replaying a processed event changes nothing.
 */
export async function replayEvents(
  db: Db,
  selection: { ids?: string[]; unrouted?: boolean },
): Promise<string[]> {
  return db.transaction().execute(async (trx) => {
    let query = trx.selectFrom('webhook_events').select('id')
    if (selection.ids?.length) query = query.where('id', 'in', selection.ids)
    else query = query.where('outcome', '=', 'unrouted')
    const ids = (await query.execute()).map((r) => r.id)
    for (const id of ids) {
      await trx.updateTable('webhook_events').set({ outcome: 'pending' }).where('id', '=', id).execute()
      await enqueueJob(trx, 'webhook.process', { eventId: id }, { maxAttempts: 10 })
    }
    return ids
  })
}
