import type { Db } from '../db/connect.ts'
import { newId } from '../ids.ts'
import { enqueueJob } from '../jobs/jobs-repo.ts'
import { coalescedJobEvents } from './sqlite-intake.ts'

// Group commit for the webhook intake (SPEC §5, §11). Each POST waits for a transaction that
// holds its raw event, and is answered 200 only after that transaction committed — the
// durability promise is per event. But the POSTs that arrive while a commit is in flight share
// the next transaction: one multi-row insert and one `webhook.process` job per batch instead of
// two inserts and a job per event. Under light load a batch is one event and nothing waits;
// under heavy load batches grow, which is what lets one SQLite writer keep up (bench/ingest.ts).
// A batch may also join the job of the one before while it is unclaimed (decision 0126), and a new
// job is due 20 ms after its first batch (decision 0131): createJoiningIntakeWriter on PostgreSQL,
// sqlite-intake.ts on SQLite, whose writer resolves once the batch is in the intake journal,
// before the webhook thread commits it (webhooks/intake-journal.ts, decision 0129).

export type IncomingEvent = { body: Uint8Array; metaAppRowId: string | null; headers: Record<string, string> }

/** Commits a batch of events with their processing job (`insertEventBatch` on the main connection, or sqlite-intake.ts). */
export type IntakeWriter = {
  commit(batch: readonly (IncomingEvent & { id: string; receivedAt: number })[]): Promise<void>
  close(): Promise<void>
}

export type IntakeBatcher = {
  /** Resolves with the event id once the event is committed; rejects if the commit failed. */
  store(event: IncomingEvent): Promise<string>
  /** Waits for in-flight commits (shutdown). */
  drain(): Promise<void>
  /** Drains, then stops the writer (its thread, on SQLite). */
  close(): Promise<void>
}

type Pending = IncomingEvent & {
  id: string
  receivedAt: number
  resolve(id: string): void
  reject(err: unknown): void
}

export type BatcherOptions = {
  /** Most events in one transaction (bounded by SQL parameter limits). */
  maxBatch?: number
  /** Commits in flight at once: 1 for SQLite (one writer), a few for PostgreSQL. */
  concurrency?: number
  /** Called after each commit (wakes the job runner). */
  onCommitted?: (eventIds: string[]) => void
  /**
   * Where batches are committed: by default through Kysely on the main connection
   * (`insertEventBatch`); on SQLite `wahub serve` passes the writer thread (sqlite-intake.ts).
   */
  writer?: IntakeWriter
}

export async function insertEventBatch(
  db: Db,
  batch: readonly (IncomingEvent & { id: string; receivedAt: number })[],
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await insertEvents(trx, batch)
    await enqueueJob(trx, 'webhook.process', { eventIds: batch.map((e) => e.id) }, { maxAttempts: 10 })
  })
}

async function insertEvents(db: Db, batch: readonly (IncomingEvent & { id: string; receivedAt: number })[]) {
  await db
    .insertInto('webhook_events')
    .values(
      batch.map((e) => ({
        id: e.id,
        received_at: e.receivedAt,
        body: e.body,
        signature_ok: 1,
        headers: JSON.stringify(e.headers),
        meta_app_id: e.metaAppRowId,
        outcome: 'pending',
        outcome_reason: null,
        phone_number_ids: null,
        processed_at: null,
      })),
    )
    .execute()
}

/**
 * The intake's writer through Kysely (PostgreSQL), whose batches join the job of the batch before
 * while no worker has claimed it, as the SQLite intake's do (sqlite-intake.ts, decision 0126), and
 * whose new jobs are due `lingerMs` after their first batch (decision 0131). Only this writer's own
 * last job is ever joined, by one of its commits at a time, with its id and payload remembered here;
 * the update's condition, checked under the row's lock, leaves a job a worker claimed meanwhile
 * alone, and the batch then gets a job of its own. Another instance never touches it.
 */
export function createJoiningIntakeWriter(
  db: Db,
  options: { lingerMs: number; onJobQueued?: (dueAt: number) => void },
): IntakeWriter {
  /** The last job and its events, unless a commit is joining it right now. */
  let last: { id: number; eventIds: string[] } | undefined
  return {
    async commit(batch) {
      const joinable = last
      last = undefined
      const ids = batch.map((e) => e.id)
      let next: { id: number; eventIds: string[] } | undefined
      let dueAt: number | undefined
      // On failure `last` stays unset: the joined job, if any, is as it was, and the next batch
      // starts a job of its own.
      await db.transaction().execute(async (trx) => {
        await insertEvents(trx, batch)
        if (joinable && joinable.eventIds.length + ids.length <= coalescedJobEvents) {
          const eventIds = joinable.eventIds.concat(ids)
          const joined = await trx
            .updateTable('jobs')
            .set({ payload: JSON.stringify({ eventIds }) })
            .where('id', '=', joinable.id)
            .where('kind', '=', 'webhook.process')
            .where('locked_by', 'is', null)
            .where('attempts', '=', 0)
            .where('failed_at', 'is', null)
            .executeTakeFirst()
          if (Number(joined.numUpdatedRows) === 1) next = { id: joinable.id, eventIds }
        }
        if (!next) {
          dueAt = Date.now() + options.lingerMs
          const id = await enqueueJob(
            trx,
            'webhook.process',
            { eventIds: ids },
            { maxAttempts: 10, runAt: dueAt },
          )
          next = { id, eventIds: ids }
        }
      })
      last = next
      if (dueAt !== undefined) options.onJobQueued?.(dueAt)
    },
    close: async () => undefined,
  }
}

export function createIntakeBatcher(db: Db, options: BatcherOptions = {}): IntakeBatcher {
  const maxBatch = options.maxBatch ?? 200
  const concurrency = options.concurrency ?? 1
  const writer: IntakeWriter = options.writer ?? {
    commit: (batch) => insertEventBatch(db, batch),
    close: async () => undefined,
  }
  let queue: Pending[] = []
  let inFlight = 0
  let scheduled = false
  const idle: (() => void)[] = []

  const settle = () => {
    if (inFlight === 0 && queue.length === 0) for (const resolve of idle.splice(0)) resolve()
  }

  const flush = () => {
    scheduled = false
    while (inFlight < concurrency && queue.length > 0) {
      const batch = queue.slice(0, maxBatch)
      queue = queue.slice(batch.length)
      inFlight++
      writer
        .commit(batch)
        .then(
          () => {
            for (const e of batch) e.resolve(e.id)
            options.onCommitted?.(batch.map((e) => e.id))
          },
          (err) => {
            for (const e of batch) e.reject(err)
          },
        )
        .finally(() => {
          inFlight--
          if (queue.length > 0) flush()
          settle()
        })
    }
  }

  return {
    store(event) {
      return new Promise<string>((resolve, reject) => {
        queue.push({ ...event, id: newId('evt'), receivedAt: Date.now(), resolve, reject })
        // Collect what arrives in this turn of the event loop; a commit in flight collects more.
        if (!scheduled && inFlight < concurrency) {
          scheduled = true
          setImmediate(flush)
        }
      })
    },
    drain() {
      return new Promise<void>((resolve) => {
        idle.push(resolve)
        settle()
      })
    },
    async close() {
      await this.drain()
      await writer.close()
    },
  }
}
