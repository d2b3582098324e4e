import { flushCompileCache } from 'node:module'
import { DatabaseSync } from 'node:sqlite'
import { parentPort, workerData } from 'node:worker_threads'
import type { CheckpointInit } from './sqlite-checkpointer.ts'

// The checkpoint thread (db/sqlite-checkpointer.ts): its own connection to the SQLite file, a
// PASSIVE checkpoint every `intervalMs` — copies what it can of the WAL into the database file
// without taking the write lock or waiting for readers — and the WAL's size and progress written
// to a shared cell the main thread reads for /metrics.

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
