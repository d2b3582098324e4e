import type { DbHandle } from '../db/connect.ts'
import type { Logger } from '../log.ts'
import type { PriceTable } from './price-table.ts'
import { loadPriceTables } from './prices-repo.ts'
import { foldRollups } from './rollup.ts'

// Runs the rollup fold every second on every instance (the fold's cursor lock keeps instances
// from folding the same page). Price tables are re-read once a minute, so an imported card is
// used from the next minute on. `foldNow` lets tests and the API wait for figures to be current.

export type RollupPump = { foldNow(): Promise<void>; stop(): Promise<void> }

export function startRollupPump(
  handle: DbHandle,
  log: Logger,
  options: { intervalMs?: number } = {},
): RollupPump {
  let stopped = false
  let running: Promise<void> | undefined
  let tables: { at: number; list: PriceTable[] } | undefined
  const round = async () => {
    const now = Date.now()
    if (!tables || now - tables.at > 60_000) tables = { at: now, list: await loadPriceTables(handle.db) }
    await foldRollups(handle.db, { tables: tables.list, rowLocks: handle.caps.multiProcess })
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
      await round()
    },
    async stop() {
      stopped = true
      clearInterval(timer)
      await running
    },
  }
}
