import type { Faults } from './faults.ts'
import type { Ledger } from './ledger.ts'
import type { ResolvedOptions } from './options.ts'
import type { PairLimiter, ThroughputLimiter } from './rate-limits.ts'
import type { Scheduler } from './scheduler.ts'
import type { EmulatorState } from './types.ts'
import type { WebhookDispatcher } from './webhooks-out.ts'

export type EmulatorLog = {
  info(fields: Record<string, unknown>, message: string): void
  warn(fields: Record<string, unknown>, message: string): void
  error(fields: Record<string, unknown>, message: string): void
}

/** Everything a route or command of the emulator works on; built once by startEmulator. */
export type EmulatorContext = {
  state: EmulatorState
  options: ResolvedOptions
  ledger: Ledger
  scheduler: Scheduler
  throughput: ThroughputLimiter
  pair: PairLimiter
  faults: Faults
  webhooks: WebhookDispatcher
  /** Set once the server listens: media download URLs point here. */
  baseUrl: string
  log: EmulatorLog
  counters: { webhooksWithoutCallback: number; webhooksNotSubscribed: number }
  /** Customers' canned answers (auto-reply); settable from the control API. */
  autoReply: boolean
}
