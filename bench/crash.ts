import { runCrash } from '../test/helpers/crash-run.ts'
import { printTable } from './lib.ts'

// SPEC §11 durability: `kill -9` of `wahub serve` (SQLite) in the middle of a 10,000-event burst
// from the emulator's simulated customers, restart on the same port, and let the emulator's
// retries deliver the rest. Every webhook answered 200 must be in the database, every message
// stored exactly once. (The test suite runs a 2,000-event version: test/webhooks/crash.test.ts.)
//   npm run bench -- crash          (BENCH_EVENTS=10000, BENCH_KILL_AT=5000 by default)

const events = Number(process.env.BENCH_EVENTS ?? 10_000)
const killAt = Number(process.env.BENCH_KILL_AT ?? Math.floor(events / 2))
const result = await runCrash(events, killAt)
printTable('kill -9 during a webhook burst (SQLite)', [
  { figure: 'webhooks sent by simulated customers (one message each)', value: result.events, target: '-' },
  { figure: 'deliveries answered 200 when wahub was killed', value: result.answeredBeforeKill, target: '-' },
  { figure: 'events in webhook_events right after the kill', value: result.storedBeforeKill, target: '-' },
  { figure: 'delivery attempts answered 200', value: result.answered200, target: '-' },
  { figure: 'answered 200 but missing from the database', value: result.answered200Missing, target: '0' },
  {
    figure: 'delivery attempts that failed (retried by the emulator)',
    value: result.failedAttempts,
    target: '> 0',
  },
  { figure: 'deliveries the emulator gave up on', value: result.deliveriesGivenUp, target: '0' },
  { figure: 'distinct messages in the inbox', value: result.messagesStored, target: String(result.events) },
  { figure: 'duplicate messages', value: result.duplicateMessages, target: '0' },
  { figure: 'total time, burst to all processed (ms)', value: result.totalMs, target: '-' },
])
const ok =
  result.answered200Missing === 0 &&
  result.deliveriesGivenUp === 0 &&
  result.messagesStored === result.events &&
  result.duplicateMessages === 0
if (!ok) process.exitCode = 1
