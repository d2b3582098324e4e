import type { Db } from '../db/connect.ts'
import { enqueueJob } from '../jobs/jobs-repo.ts'
import type { JobHandler } from '../jobs/types.ts'
import { indexContact, indexMessages } from './search-repo.ts'

// The `search.backfill` job (queued by migration 0023): indexes what was stored before search
// existed — every contact, then every message in id order — a batch per run, each batch in one
// transaction, queueing itself again with its cursor until nothing is left. Indexing is an
// upsert, so a batch run twice (a crash between commit and delete) changes nothing. Sent
// templates are indexed by their name here: their values were not kept in a form to render.

export const backfillBatch = 500

export type BackfillProgress = { after?: string; contactsDone?: boolean }

/** One batch; the next cursor, or undefined when everything is indexed. */
export async function backfillSearchStep(
  db: Db,
  at: BackfillProgress,
): Promise<BackfillProgress | undefined> {
  if (!at.contactsDone) {
    let query = db.selectFrom('contacts').select('id').orderBy('id').limit(backfillBatch)
    if (at.after) query = query.where('id', '>', at.after)
    const rows = await query.execute()
    await db.transaction().execute(async (trx) => {
      for (const r of rows) await indexContact(trx, r.id)
    })
    const last = rows[rows.length - 1]
    return rows.length < backfillBatch || !last ? { contactsDone: true } : { after: last.id }
  }
  let query = db
    .selectFrom('messages')
    .select(['id', 'tenant_id', 'conversation_id', 'contact_id', 'content'])
    .orderBy('id')
    .limit(backfillBatch)
  if (at.after) query = query.where('id', '>', at.after)
  const rows = await query.execute()
  const parsed = rows.flatMap((r) => {
    try {
      const content: unknown = JSON.parse(r.content as string)
      return [
        {
          id: r.id,
          tenantId: r.tenant_id,
          conversationId: r.conversation_id,
          contactId: r.contact_id,
          content,
        },
      ]
    } catch {
      return []
    }
  })
  await db.transaction().execute((trx) => indexMessages(trx, parsed))
  const last = rows[rows.length - 1]
  return rows.length < backfillBatch || !last ? undefined : { contactsDone: true, after: last.id }
}

export function searchBackfillJob(deps: { db: Db }): JobHandler<'search.backfill'> {
  return async (payload) => {
    const next = await backfillSearchStep(deps.db, payload)
    if (next) await enqueueJob(deps.db, 'search.backfill', next, { maxAttempts: 100 })
    return undefined
  }
}
