import { Worker } from 'node:worker_threads'
import { Gauge } from 'prom-client'
import type { Logger } from '../log.ts'
import { type Metrics, type ThreadHeap, threadHeap } from '../metrics.ts'

// SQLite in WAL mode appends each commit's pages to the WAL; a checkpoint copies them back into
// the database file and syncs it. By default the connection whose commit takes the WAL past
// 1,000 pages runs that checkpoint inside its commit: the webhook thread (processing, the intake)
// and the thread that answers Meta and sends stalled for it, most of it waiting on the disk. In
// bench/processing.ts a new inbound message cost 0.61–0.83 ms of the processing thread with
// those checkpoints and 0.49–0.64 ms without them (paired runs; the slowest 5-event transaction
// 9.6–17 ms → 4.9–10.7 ms). So `wahub serve` on SQLite checkpoints on a timer instead (decision
// 0107): a PASSIVE checkpoint every 200 ms — it never takes the write lock nor waits for a
// reader. The timer runs on a thread of its own with its own connection (decision 0123): a
// checkpoint is mostly a wait for the disk to sync what it copied (~50 ms of which ~10 of CPU at
// 2,000 webhooks a second), which on the webhook thread (decision 0117) held up the intake's
// commits and processing five times a second. The writing connections keep a fallback of their
// own at 10,000 pages (~40 MB of WAL): if the thread dies or falls behind, the WAL stops growing
// there, as it did before at 1,000.

/** How often the WAL is checkpointed. */
export const checkpointIntervalMs = 200

/** The writing connections' own checkpoint threshold while the timer runs (pages of WAL). */
export const fallbackAutocheckpointPages = 10_000

export type CheckpointProgress = {
  /** Pages in the WAL file (since it last restarted from its beginning). */
  walPages: number
  /** Of those, pages already copied into the database file. */
  checkpointedPages: number
  /** When the last checkpoint ran (epoch ms; 0 before the first). */
  at: number
  /** Checkpoints completed (not turned away because another connection was checkpointing), and the time all runs took (ms). */
  runs: number
  totalMs: number
}

/**
 * Where the checkpoints' progress is shared between threads: a SharedArrayBuffer the main thread
 * creates once and hands to each checkpoint thread it starts (a restarted thread goes on counting).
 */
export type CheckpointCells = { shared: SharedArrayBuffer; progress(): CheckpointProgress }

export function checkpointCells(): CheckpointCells {
  const shared = new SharedArrayBuffer(5 * 8)
  const cells = new Float64Array(shared)
  return {
    shared,
    progress: () => ({
      walPages: cells[0],
      checkpointedPages: cells[1],
      at: cells[2],
      totalMs: cells[3],
      runs: cells[4],
    }),
  }
}

export type CheckpointInit = { file: string; shared: SharedArrayBuffer; intervalMs: number }

export type SqliteCheckpointer = CheckpointCells & {
  /** Times the thread was started again after it stopped unasked. */
  readonly restarts: number
  /** The thread's V8 heap (/metrics), or undefined while no thread runs. */
  heap(): Promise<ThreadHeap | undefined>
  stop(): Promise<void>
}

/**
 * Checkpoints the SQLite `file` on a thread of its own (sqlite-checkpoint-worker.ts), started
 * again after a failure with a growing delay; meanwhile the writers' fallback bounds the WAL.
 */
export function startSqliteCheckpointer(
  file: string,
  options: { log: Logger; intervalMs?: number },
): SqliteCheckpointer {
  const cells = checkpointCells()
  const init: CheckpointInit = {
    file,
    shared: cells.shared,
    intervalMs: options.intervalMs ?? checkpointIntervalMs,
  }
  let worker: Worker | undefined
  let stopping = false
  let restarts = 0
  let restartTimer: NodeJS.Timeout | undefined
  const spawn = () => {
    const current = new Worker(new URL('./sqlite-checkpoint-worker.ts', import.meta.url), {
      workerData: init,
    })
    // The thread must not keep a process alive that is otherwise done.
    current.unref()
    worker = current
    current.on('error', (err) => options.log.warn({ err }, 'SQLite checkpoint thread failed'))
    current.on('exit', () => {
      if (stopping || worker !== current) return
      worker = undefined
      const delay = Math.min(30_000, 1000 * 2 ** Math.min(restarts, 5))
      restarts++
      options.log.warn({ restarts, delayMs: delay }, 'SQLite checkpoint thread stopped; starting it again')
      restartTimer = setTimeout(spawn, delay)
      restartTimer.unref()
    })
  }
  spawn()
  return {
    ...cells,
    get restarts() {
      return restarts
    },
    heap: () => threadHeap(worker),
    async stop() {
      stopping = true
      clearTimeout(restartTimer)
      const current = worker
      worker = undefined
      if (!current) return
      const exited = new Promise<void>((resolve) => current.once('exit', () => resolve()))
      // Referenced again while it stops: otherwise a process with nothing else left to do ends
      // before the thread's exit, with this promise (and the shutdown awaiting it) never settled.
      current.ref()
      current.postMessage({ type: 'stop' })
      await exited
    },
  }
}

/** /metrics: the WAL's size and what the checkpoints have not copied into the database file yet. */
export function registerCheckpointGauges(
  metrics: Metrics,
  checkpoints: Pick<CheckpointCells, 'progress'>,
): void {
  new Gauge({
    name: 'wahub_sqlite_wal_pages',
    help: 'Pages in the SQLite WAL file, by state: total, or not yet checkpointed into the database file',
    labelNames: ['state'] as const,
    registers: [metrics.registry],
    collect() {
      const p = checkpoints.progress()
      this.set({ state: 'total' }, p.walPages)
      this.set({ state: 'pending' }, Math.max(0, p.walPages - p.checkpointedPages))
    },
  })
}
