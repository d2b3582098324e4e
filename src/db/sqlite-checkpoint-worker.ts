import { flushCompileCache } from 'node:module'
import { DatabaseSync } from 'node:sqlite'
import { parentPort, workerData } from 'node:worker_threads'
import type { CheckpointInit } from './sqlite-checkpointer.ts'

// The checkpoint thread (db/sqlite-checkpointer.ts, decisions 0107 and 0123): a connection of its
// own to the SQLite file and a PASSIVE checkpoint every `intervalMs` — it copies what it can of
// the WAL into the database file without taking the write lock or waiting for readers, then syncs
// the file. Most of a run is that wait for the disk; here it holds up no thread with work to do.
// Progress goes to the shared cells the main thread reads for /metrics. It imports nothing at run
// time but Node's own modules: each module loaded here is memory this thread keeps.

const init = workerData as CheckpointInit
const port = parentPort
if (!port) throw new Error('sqlite-checkpoint-worker.ts runs as a worker thread (db/sqlite-checkpointer.ts)')

const db = new DatabaseSync(init.file)
// It copies WAL frames into the file; it reads through no page cache worth keeping.
db.exec('PRAGMA cache_size = -256')
const checkpoint = db.prepare('PRAGMA wal_checkpoint(PASSIVE)')
const cells = new Float64Array(init.shared)
// This thread's module into Node's compile cache (when on): see bin/node24.cjs.
flushCompileCache()

const timer = setInterval(() => {
  const started = performance.now()
  const result = checkpoint.get() as { busy: number; log: number; checkpointed: number }
  cells[3] += performance.now() - started
  // Another connection checkpointing at the same moment: busy, -1 pages; the next run will do.
  if (result.busy !== 0 || result.log < 0) return
  cells[0] = result.log
  cells[1] = result.checkpointed
  cells[2] = Date.now()
  cells[4]++
}, init.intervalMs)

port.on('message', (message: { type: 'stop' }) => {
  if (message.type !== 'stop') return
  clearInterval(timer)
  db.close()
  port.close()
})
