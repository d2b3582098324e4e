import type { Db } from '../db/connect.ts'

// Group commit (as the webhook intake does, webhooks/intake-batcher.ts): writes that arrive
// while a transaction is in flight share the next one. A send makes two small writes around
// its request to Meta (`sending` before, the outcome after); one commit per write would be most
// of a send's cost on SQLite (a commit ≈ 45 µs, a statement in a transaction ≈ 10 µs) and one
// WAL flush each on PostgreSQL. Under light load a group is one item and nothing waits.
// `work` gets the whole group, so it can use one multi-row statement where one per item would
// do (a round trip each on PostgreSQL). Each item still gets its own result; if a group fails,
// its items are retried one by one so one bad item cannot fail the others. With
// `transaction: false`, `work` gets the database itself: for work that is one statement (atomic on
// its own) or opens its own transactions — no BEGIN and COMMIT round trips around it.

export type GroupCommit<T, R> = {
  run(item: T): Promise<R>
}

export function createGroupCommit<T, R>(
  db: Db,
  work: (trx: Db, items: T[]) => Promise<R[]>,
  options: { concurrency?: number; maxBatch?: number; transaction?: boolean } = {},
): GroupCommit<T, R> {
  const concurrency = options.concurrency ?? 1
  const inTransaction = options.transaction ?? true
  const run = (items: T[]): Promise<R[]> =>
    inTransaction ? db.transaction().execute((trx) => work(trx, items)) : work(db, items)
  const maxBatch = options.maxBatch ?? 64
  type Pending = { item: T; resolve(r: R): void; reject(err: unknown): void }
  let queue: Pending[] = []
  let inFlight = 0
  let scheduled = false

  async function commit(batch: Pending[]): Promise<void> {
    try {
      const results = await run(batch.map((p) => p.item))
      batch.forEach((p, i) => {
        p.resolve(results[i])
      })
    } catch (err) {
      if (batch.length === 1) {
        batch[0].reject(err)
        return
      }
      for (const p of batch) {
        try {
          const [result] = await run([p.item])
          p.resolve(result)
        } catch (e) {
          p.reject(e)
        }
      }
    }
  }

  function flush(): void {
    scheduled = false
    while (inFlight < concurrency && queue.length > 0) {
      const batch = queue.slice(0, maxBatch)
      queue = queue.slice(batch.length)
      inFlight++
      void commit(batch).finally(() => {
        inFlight--
        if (queue.length > 0) flush()
      })
    }
  }

  return {
    run(item) {
      return new Promise<R>((resolve, reject) => {
        queue.push({ item, resolve, reject })
        if (!scheduled && inFlight < concurrency) {
          scheduled = true
          setImmediate(flush)
        }
      })
    },
  }
}
