import type { Db } from '../db/connect.ts'
import { newId } from '../ids.ts'
import { enqueueJob } from '../jobs/jobs-repo.ts'

// Group commit for the webhook intake (SPEC §5, §11). Each POST waits for a transaction that
// holds its raw event, and is answered 200 only after that transaction committed — the
// durability promise is per event. But the POSTs that arrive while a commit is in flight share
// the next transaction: one multi-row insert and one `webhook.process` job per batch instead of
// two inserts and a job per event. Under light load a batch is one event and nothing waits;
// under heavy load batches grow, which is what lets one SQLite writer keep up (bench/ingest.ts).

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
  /**
   * True while webhooks arrive faster than `floodPerSecond`, measured over the last second
   * (bursts within a second do not count as a flood): the job runner then defers webhook
   * processing so the intake keeps answering fast.
   */
  flooded(): boolean
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
   * Arrival rate above which the intake counts as flooded. 8,000/s: up to there intake and
   * processing both fit on one core, so at SPEC §11's sustained 5,000/s the inbox stays
   * current (p99 answer 7 ms); above it the intake comes first (bench/ingest.ts, decision 0007).
   */
  floodPerSecond?: number
  /**
   * Where batches are committed: by default through Kysely on the main connection
   * (`insertEventBatch`); on SQLite `wahub serve` passes the writer thread (sqlite-intake.ts).
   */
  writer?: IntakeWriter
  /** For tests. */
  clock?: () => number
}

export async function insertEventBatch(
  db: Db,
  batch: readonly (IncomingEvent & { id: string; receivedAt: number })[],
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx
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
    await enqueueJob(trx, 'webhook.process', { eventIds: batch.map((e) => e.id) }, { maxAttempts: 10 })
  })
}

export function createIntakeBatcher(db: Db, options: BatcherOptions = {}): IntakeBatcher {
  const maxBatch = options.maxBatch ?? 200
  const concurrency = options.concurrency ?? 1
  const floodPerSecond = options.floodPerSecond ?? 8000
  const clock = options.clock ?? Date.now
  const writer: IntakeWriter = options.writer ?? {
    commit: (batch) => insertEventBatch(db, batch),
    close: async () => undefined,
  }
  // Arrivals per 100 ms slot over the last second (a ring of 10 slots).
  const slots = new Array<number>(10).fill(0)
  let slotAt = 0
  const advance = (now: number) => {
    const slot = Math.floor(now / 100)
    if (slot - slotAt >= 10) slots.fill(0)
    else for (let s = slotAt + 1; s <= slot; s++) slots[s % 10] = 0
    slotAt = Math.max(slotAt, slot)
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
      advance(clock())
      slots[slotAt % 10]++
      return new Promise<string>((resolve, reject) => {
        queue.push({ ...event, id: newId('evt'), receivedAt: Date.now(), resolve, reject })
        // Collect what arrives in this turn of the event loop; a commit in flight collects more.
        if (!scheduled && inFlight < concurrency) {
          scheduled = true
          setImmediate(flush)
        }
      })
    },
    flooded() {
      advance(clock())
      return slots.reduce((a, b) => a + b, 0) > floodPerSecond
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
