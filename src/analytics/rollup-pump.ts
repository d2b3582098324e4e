import type { DbHandle } from '../db/connect.ts'
import type { Logger } from '../log.ts'
import type { Metrics } from '../metrics.ts'
import { recordNumberHistory } from './number-history.ts'
import type { PriceTable } from './price-table.ts'
import { loadPriceTables } from './prices-repo.ts'
import { type FoldTally, foldRollups } from './rollup.ts'

// Runs the rollup fold every second on every instance (the fold's cursor lock keeps instances
// from folding the same page). Price tables are re-read once a minute, so an imported card is
// used from the next minute on; numbers' quality, limit and throughput are compared with their
// history every 30 s. `foldNow` lets tests wait for figures to be current.
// `wahub serve` runs it on the webhook thread (webhooks/processor.ts, decision 0092): folding is
// catch-up work like processing, paced the same way between its pages, and on SQLite it shares the
// thread's connection instead of holding the write lock the intake and processing wait on.

export type RollupPump = { foldNow(): Promise<void>; stop(): Promise<void> }

/** Adds what a folded page counted to the message counters (`wahub_messages_total`, …). */
export function countFoldTally(metrics: Metrics, t: FoldTally): void {
  if (t.sent) metrics.messages.inc({ event: 'sent' }, t.sent)
  if (t.received) metrics.messages.inc({ event: 'received' }, t.received)
  if (t.delivered) metrics.messages.inc({ event: 'delivered' }, t.delivered)
  if (t.read) metrics.messages.inc({ event: 'read' }, t.read)
  for (const [code, n] of t.failed) {
    metrics.messages.inc({ event: 'failed' }, n)
    metrics.messagesFailed.inc({ code: String(code) }, n)
  }
}

export function startRollupPump(
  handle: DbHandle,
  log: Logger,
  options: {
    intervalMs?: number
    /** Each committed page's tally (the webhook thread sends it to the main thread's metrics). */
    onTally?: (t: FoldTally) => void
    /** Messages a fold transaction reads (rollup.ts's default when absent). */
    pageSize?: number
    /** Awaited after each page's transaction, with its duration and the round's age: the thread's pacing. */
    afterPage?: (workMs: number, lagMs: number) => Promise<void>
  } = {},
): RollupPump {
  let stopped = false
  let running: Promise<void> | undefined
  let tables: { at: number; list: PriceTable[] } | undefined
  let historyAt = 0
  const round = async () => {
    const now = Date.now()
    if (!tables || now - tables.at > 60_000) tables = { at: now, list: await loadPriceTables(handle.db) }
    await foldRollups(handle.db, {
      tables: tables.list,
      rowLocks: handle.caps.multiProcess,
      onTally: options.onTally,
      pageSize: options.pageSize,
      afterPage: options.afterPage,
    })
    if (now - historyAt >= 30_000) {
      historyAt = now
      await recordNumberHistory(handle.db, now)
    }
  }
  const tick = async () => {
    try {
      await round()
    } catch (err) {
      if (!stopped) log.warn({ err }, 'analytics fold failed')
    }
  }
  const timer = setInterval(() => {
    if (!running && !stopped) running = tick().finally(() => (running = undefined))
  }, options.intervalMs ?? 1000)
  timer.unref()
  return {
    async foldNow() {
      while (running) await running
      tables = undefined
      historyAt = 0
      await round()
    },
    async stop() {
      stopped = true
      clearInterval(timer)
      await running
    },
  }
}
