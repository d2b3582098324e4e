import { Worker } from 'node:worker_threads'
import type { IntakeWriter } from './intake-batcher.ts'

// On SQLite the intake's commits run on a writer thread (sqlite-intake-worker.ts) with its own
// connection: node:sqlite is synchronous, and committing on the main thread stopped every HTTP
// request while SQLite wrote — at webhook rates the main thread sat idle a fifth of the time
// waiting for the load generator to refill the pipeline (decision 0016). The main connection
// begins its transactions IMMEDIATE (db/sqlite-driver.ts), so the two writers queue on
// SQLite's lock instead of failing a read-then-write transaction.

/** One event as the writer thread receives it: its body is `bodies.subarray(start, end)`. */
export type IntakeRow = {
  id: string
  receivedAt: number
  start: number
  end: number
  headers: string
  metaAppRowId: string | null
}

/**
 * A batch for the writer thread: the bodies packed into one buffer, transferred, not cloned,
 * and the rows as one JSON string (cloning a string is a copy; cloning objects is a walk).
 */
export type IntakeBatchMessage = { seq: number; rows: string; bodies: Uint8Array }

type Reply = { seq: number; ok: boolean; message?: string }

type Waiting = Map<number, { resolve(): void; reject(err: Error): void }>
type Thread = { worker: Worker; waiting: Waiting }

export function createSqliteIntakeWriter(file: string): IntakeWriter {
  let thread: Thread | undefined
  let seq = 0

  const start = (): Thread => {
    const worker = new Worker(new URL('./sqlite-intake-worker.ts', import.meta.url), {
      workerData: { file },
      // A writer thread needs little heap; small limits keep its share of RSS small.
      resourceLimits: { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 2 },
    })
    const started: Thread = { worker, waiting: new Map() }
    // A thread that failed or stopped rejects what it still held (Meta delivers those again);
    // the next batch starts a new thread.
    const fail = (err: Error) => {
      if (thread === started) thread = undefined
      for (const w of started.waiting.values()) w.reject(err)
      started.waiting.clear()
    }
    worker.on('message', (reply: Reply) => {
      const pending = started.waiting.get(reply.seq)
      started.waiting.delete(reply.seq)
      if (reply.ok) pending?.resolve()
      else pending?.reject(new Error(`webhook intake commit failed: ${reply.message}`))
    })
    worker.on('error', (err) => fail(new Error(`webhook intake writer failed: ${err.message}`)))
    worker.on('exit', (code) => fail(new Error(`webhook intake writer stopped (exit ${code})`)))
    return started
  }

  return {
    commit(batch) {
      thread ??= start()
      const current = thread
      // A request body is often a view on a larger pooled buffer, which postMessage would copy
      // whole; packing the bodies copies only their bytes, once.
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
      const id = ++seq
      return new Promise<void>((resolve, reject) => {
        current.waiting.set(id, { resolve, reject })
        const message: IntakeBatchMessage = { seq: id, rows: JSON.stringify(rows), bodies }
        current.worker.postMessage(message, [bodies.buffer])
      })
    },
    async close() {
      const current = thread
      thread = undefined
      if (current) await current.worker.terminate()
    },
  }
}
