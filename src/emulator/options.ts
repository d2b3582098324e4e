import type { EmulatorSeed } from './seed-types.ts'

export type EmulatorDelays = {
  /** After a send is accepted: `sent` status (or the `failed` one). */
  sentMs?: number
  /** `delivered`, counted from the send. */
  deliveredMs?: number
  /** `read`, counted from the send; negative = customers never read. */
  readMs?: number
  /** Auto-reply mode: a customer answers this long after reading. */
  autoReplyMs?: number
  /** A created template is reviewed (APPROVED by default) after this long. */
  templateReviewMs?: number
}

export type EmulatorOptions = {
  /** 0 = random free port (default in-process; the CLI defaults to 4010). */
  port?: number
  host?: string
  /** App-level callback URL (can be changed later via the control API). */
  webhookUrl?: string
  /** The seeded app's secret, used to sign webhooks. */
  appSecret?: string
  verifyToken?: string
  /** A seed object or the path of a JSON seed file. */
  seed?: EmulatorSeed | string
  /** Messages per second per number; default 80; 0 or Infinity = unlimited. */
  throughput?: number
  delays?: EmulatorDelays
  webhookRetry?: { baseMs?: number; maxAttempts?: number; timeoutMs?: number }
  /** Batching of webhook deliveries; maxItems 1 = one event per delivery. */
  batch?: { maxItems?: number; windowMs?: number }
  /** Simulated customers answer on their own. */
  autoReply?: boolean
  log?: boolean
  /** Pair rate limit (M-PLAT): one message per intervalMs to a user, bursts of `burst`; false = off. */
  pairRateLimit?: { intervalMs?: number; burst?: number } | false
  /** What happens to a created template after templateReviewMs. */
  templateReview?: 'approve' | 'reject' | 'manual'
  /** Lifetime of media download URLs (M-MEDIA: 5 minutes). */
  mediaUrlTtlMs?: number
  /** Meta checks an override callback with a GET handshake before accepting it. */
  verifyCallbacks?: boolean
  /** Probability (0–1) that a message webhook comes without `contacts` (it happens at Meta). */
  omitContactsRate?: number
  /** Ledger entries kept (oldest dropped first). */
  ledgerLimit?: number
}

export type ResolvedOptions = {
  port: number
  host: string
  throughput: number
  delays: Required<EmulatorDelays>
  webhookRetry: { baseMs: number; maxAttempts: number; timeoutMs: number }
  batch: { maxItems: number; windowMs: number }
  autoReply: boolean
  log: boolean
  pairRateLimit: { intervalMs: number; burst: number } | false
  templateReview: 'approve' | 'reject' | 'manual'
  mediaUrlTtlMs: number
  verifyCallbacks: boolean
  omitContactsRate: number
  ledgerLimit: number
}

function nonNegative(value: number | undefined, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : fallback
}

/** Fills defaults once; the rest of the emulator reads only the resolved, frozen object. */
export function resolveOptions(options: EmulatorOptions): ResolvedOptions {
  const throughput = options.throughput === undefined ? 80 : options.throughput
  const pair = options.pairRateLimit
  return Object.freeze({
    port: nonNegative(options.port, 0),
    host: options.host ?? '127.0.0.1',
    // M-THR: 80 mps is the default level of a registered number.
    throughput: throughput === 0 || !Number.isFinite(throughput) || throughput < 0 ? Infinity : throughput,
    delays: {
      sentMs: nonNegative(options.delays?.sentMs, 100),
      deliveredMs: nonNegative(options.delays?.deliveredMs, 500),
      readMs: typeof options.delays?.readMs === 'number' ? options.delays.readMs : 2000,
      autoReplyMs: nonNegative(options.delays?.autoReplyMs, 1500),
      templateReviewMs: nonNegative(options.delays?.templateReviewMs, 2000),
    },
    webhookRetry: {
      baseMs: nonNegative(options.webhookRetry?.baseMs, 1000),
      maxAttempts: Math.max(1, nonNegative(options.webhookRetry?.maxAttempts, 10)),
      timeoutMs: Math.max(1, nonNegative(options.webhookRetry?.timeoutMs, 10_000)),
    },
    batch: {
      maxItems: Math.max(1, nonNegative(options.batch?.maxItems, 25)),
      windowMs: nonNegative(options.batch?.windowMs, 20),
    },
    autoReply: options.autoReply ?? false,
    log: options.log ?? false,
    // M-PLAT: 1 message / 6 s to the same user, bursts up to 45 borrowed from future quota.
    pairRateLimit:
      pair === false
        ? false
        : {
            intervalMs: nonNegative(pair?.intervalMs, 6000),
            burst: Math.max(1, nonNegative(pair?.burst, 45)),
          },
    templateReview: options.templateReview ?? 'approve',
    mediaUrlTtlMs: nonNegative(options.mediaUrlTtlMs, 5 * 60_000),
    verifyCallbacks: options.verifyCallbacks ?? true,
    omitContactsRate: Math.min(1, nonNegative(options.omitContactsRate, 0)),
    ledgerLimit: Math.max(100, nonNegative(options.ledgerLimit, 100_000)),
  })
}
