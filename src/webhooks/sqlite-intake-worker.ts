import { parentPort, workerData } from 'node:worker_threads'
import { openSqlite } from '../db/sqlite-driver.ts'
import type { IntakeBatchMessage, IntakeRow } from './sqlite-intake.ts'

// The SQLite intake's writer thread (webhooks/sqlite-intake.ts, decision 0016). It owns a second
// connection to the database file and commits each batch of raw webhook events with its
// `webhook.process` job in one transaction, so the main thread keeps reading and answering
// HTTP while SQLite writes. The statements are the same rows `insertEventBatch` writes through
// Kysely on PostgreSQL; test/webhooks/intake-batcher.test.ts checks both produce the same.

const { file } = workerData as { file: string }
const { raw } = openSqlite(file)
const insertEvent = raw.prepare(
  `insert into webhook_events (id, received_at, body, signature_ok, headers, meta_app_id, outcome, attempts)
   values (?, ?, ?, 1, ?, ?, 'pending', 0)`,
)
const insertJob = raw.prepare(
  `insert into jobs (kind, payload, run_at, attempts, max_attempts, created_at)
   values ('webhook.process', ?, ?, 0, 10, ?)`,
)

parentPort?.on('message', (message: IntakeBatchMessage) => {
  try {
    const rows = JSON.parse(message.rows) as IntakeRow[]
    // IMMEDIATE: take the write lock now (waiting up to busy_timeout for the main connection).
    raw.exec('BEGIN IMMEDIATE')
    try {
      for (const r of rows) {
        const body = message.bodies.subarray(r.start, r.end)
        insertEvent.run(r.id, r.receivedAt, body, r.headers, r.metaAppRowId)
      }
      const now = Date.now()
      insertJob.run(JSON.stringify({ eventIds: rows.map((r) => r.id) }), now, now)
      raw.exec('COMMIT')
    } catch (err) {
      raw.exec('ROLLBACK')
      throw err
    }
    parentPort?.postMessage({ seq: message.seq, ok: true })
  } catch (err) {
    parentPort?.postMessage({ seq: message.seq, ok: false, message: (err as Error).message })
  }
})
