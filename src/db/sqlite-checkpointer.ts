import type { DatabaseSync } from 'node:sqlite'
import { Gauge } from 'prom-client'
import type { Metrics } from '../metrics.ts'

// SQLite in WAL mode appends each commit's pages to the WAL; a checkpoint copies them back into
// the database file and syncs it. By default the connection whose commit takes the WAL past
// 1,000 pages runs that checkpoint inside its commit: the webhook thread (processing, the intake)
// and the thread that answers Meta and sends stalled for it, most of it waiting on the disk. In
// bench/processing.ts a new inbound message cost 0.61–0.83 ms of the processing thread with
// those checkpoints and 0.49–0.64 ms without them (paired runs; the slowest 5-event transaction
// 9.6–17 ms → 4.9–10.7 ms). So `wahub serve` on SQLite checkpoints on a timer instead (decision
// 0107): a PASSIVE checkpoint every 200 ms — it never takes the write lock nor waits for a
// reader. The timer runs on the webhook thread, between its transactions, on that thread's own
// connection (decision 0117: a thread of its own for it cost ~19 MB of memory). The writing
// connections keep a fallback of their own at 10,000 pages (~40 MB of WAL): if the timer stops
// or falls behind, the WAL stops growing there, as it did before at 1,000.

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
 * creates once and hands to each webhook thread it starts (a restarted thread goes on counting).
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

export type Checkpoints = {
  /** Checkpoints now, or as soon as the connection's open transaction ends. */
  run(): void
  stop(): void
}

/**
 * Checkpoints `raw`'s database every `intervalMs` on the calling thread, each run between two of
 * the connection's transactions: a run that falls inside one (a transaction spans awaits) waits
 * for its end, as SQLite refuses a checkpoint in an open transaction ("database table is
 * locked"). Progress goes to `shared` (checkpointCells).
 */
export function startCheckpoints(
  raw: DatabaseSync,
  shared: SharedArrayBuffer,
  intervalMs = checkpointIntervalMs,
): Checkpoints {
  const cells = new Float64Array(shared)
  const checkpoint = raw.prepare('PRAGMA wal_checkpoint(PASSIVE)')
  let stopped = false
  let waiting = false
  const run = () => {
    if (stopped) return
    if (raw.isTransaction) {
      waiting = true
      setImmediate(run)
      return
    }
    waiting = false
    const started = performance.now()
    const result = checkpoint.get() as { busy: number; log: number; checkpointed: number }
    cells[3] += performance.now() - started
    // Another connection checkpointing at the same moment: busy, -1 pages; the next run will do.
    if (result.busy !== 0 || result.log < 0) return
    cells[0] = result.log
    cells[1] = result.checkpointed
    cells[2] = Date.now()
    cells[4]++
  }
  // A run already waiting for a transaction's end is not asked for twice.
  const due = () => {
    if (!waiting) run()
  }
  const timer = setInterval(due, intervalMs)
  // The timer must not keep a thread alive that is otherwise done.
  timer.unref()
  return {
    run: due,
    stop() {
      stopped = true
      clearInterval(timer)
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
