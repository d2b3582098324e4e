import type { DatabaseSync } from 'node:sqlite'
import type { IncomingEvent } from './intake-batcher.ts'

// On SQLite the intake's commits run on the webhook thread (webhooks/processor.ts), with its own
// connection: node:sqlite is synchronous, and committing on the main thread stopped every HTTP
// request while SQLite wrote (decision 0016). The main connection begins its transactions
// IMMEDIATE (db/sqlite-driver.ts), so the two writers queue on SQLite's lock instead of failing
// a read-then-write transaction. The rows are the ones `insertEventBatch` writes through Kysely
// on PostgreSQL; test/webhooks/intake-batcher.test.ts checks both produce the same.

/** One event as the thread receives it: its body is `bodies.subarray(start, end)`. */
export type IntakeRow = {
  id: string
  receivedAt: number
  start: number
  end: number
  headers: string
  metaAppRowId: string | null
}

/**
 * A batch packed for the thread: the bodies in one buffer, transferred, not cloned, and the rows
 * as one JSON string (cloning a string is a copy; cloning objects is a walk). A request body is
 * often a view on a larger pooled buffer, which postMessage would copy whole; packing copies only
 * the bodies' bytes, once.
 */
export function packIntakeBatch(batch: readonly (IncomingEvent & { id: string; receivedAt: number })[]): {
  rows: string
  bodies: Uint8Array
} {
  let size = 0
  for (const e of batch) size += e.body.byteLength
  const bodies = new Uint8Array(size)
  let offset = 0
  const rows: IntakeRow[] = batch.map((e) => {
    const start = offset
    bodies.set(e.body, start)
    offset += e.body.byteLength
    return {
      id: e.id,
      receivedAt: e.receivedAt,
      start,
      end: offset,
      headers: JSON.stringify(e.headers),
      metaAppRowId: e.metaAppRowId,
    }
  })
  return { rows: JSON.stringify(rows), bodies }
}

/**
 * Most events one `webhook.process` job gathers from several intake batches (decision 0126): its
 * payload stays well inside one database page, and it is five processing transactions.
 */
export const coalescedJobEvents = 50

/**
 * The thread's side: one transaction per batch, its events and their processing job. While the
 * job the previous batch went to has not been claimed yet — it is not due, or processing is
 * behind — the batch joins it instead of queueing one more (decision 0126): a job's claim and completion are two
 * commits of their own, and at a steady rate of small batches they cost more than the events. A
 * new job is due `lingerMs` after its first batch (decision 0131): at a steady rate it gathers the
 * batches of that time, and the more processing falls behind, the fewer, larger jobs it finds. No
 * threshold: each batch looks at one row.
 */
export function createIntakeCommit(
  raw: DatabaseSync,
  options: {
    /** A new job is due this long after its first batch (intakeLingerMs, decision 0131). */
    lingerMs?: number
    /** Called after a commit that queued a new job, with when it is due. */
    onJobQueued?: (dueAt: number) => void
  } = {},
) {
  const lingerMs = options.lingerMs ?? 0
  const insertEvent = raw.prepare(
    `insert into webhook_events (id, received_at, body, signature_ok, headers, meta_app_id, outcome, attempts)
     values (?, ?, ?, 1, ?, ?, 'pending', 0) on conflict (id) do nothing`,
  )
  const insertJob = raw.prepare(
    `insert into jobs (kind, payload, run_at, attempts, max_attempts, created_at)
     values ('webhook.process', ?, ?, 0, 10, ?) returning id`,
  )
  // Only a job no worker ever claimed: one being processed, or waiting for a retry, is left alone.
  // Job ids are AUTOINCREMENT on SQLite, never reused: the id remembered is that job or none.
  const joinJob = raw.prepare(
    `update jobs set payload = ?
     where id = ? and kind = 'webhook.process' and locked_by is null and attempts = 0 and failed_at is null`,
  )
  /** The job the last committed batch went to, and its events in order. */
  let last: { id: number; eventIds: string[] } | undefined
  /**
   * Commits packed batches in one transaction; returns how many of their events were new. An
   * event already stored (a batch sent again after the thread that committed it died before
   * saying so, or recovered from the journal, intake-journal.ts) is skipped and gets no job.
   */
  function commitAll(batches: readonly { rows: string; bodies: Uint8Array }[]): number {
    const ids: string[] = []
    let next: { id: number; eventIds: string[] } | undefined
    let dueAt: number | undefined
    // IMMEDIATE: take the write lock now (waiting up to busy_timeout for the main connection).
    raw.exec('BEGIN IMMEDIATE')
    try {
      for (const batch of batches) {
        for (const r of JSON.parse(batch.rows) as IntakeRow[]) {
          const inserted = insertEvent.run(
            r.id,
            r.receivedAt,
            batch.bodies.subarray(r.start, r.end),
            r.headers,
            r.metaAppRowId,
          )
          if (inserted.changes === 1) ids.push(r.id)
        }
      }
      if (ids.length === 0) {
        raw.exec('COMMIT')
        return 0
      }
      if (last && last.eventIds.length + ids.length <= coalescedJobEvents) {
        const eventIds = last.eventIds.concat(ids)
        if (joinJob.run(JSON.stringify({ eventIds }), last.id).changes === 1) next = { id: last.id, eventIds }
      }
      if (!next) {
        // More events than one job takes (a backlog handed over at once): jobs of at most 50.
        const now = Date.now()
        dueAt = now + lingerMs
        for (let i = 0; i < ids.length; i += coalescedJobEvents) {
          const eventIds = ids.slice(i, i + coalescedJobEvents)
          const job = insertJob.get(JSON.stringify({ eventIds }), dueAt, now) as { id: number }
          next = { id: Number(job.id), eventIds }
        }
      }
      raw.exec('COMMIT')
    } catch (err) {
      raw.exec('ROLLBACK')
      throw err
    }
    last = next
    if (dueAt !== undefined) options.onJobQueued?.(dueAt)
    return ids.length
  }
  return {
    raw,
    commitAll,
    commit: (packedRows: string, bodies: Uint8Array): number => commitAll([{ rows: packedRows, bodies }]),
  }
}
