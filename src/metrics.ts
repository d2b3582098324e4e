import { getHeapStatistics } from 'node:v8'
import type { Worker } from 'node:worker_threads'
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client'

// One registry per Wahub instance (not prom-client's global), so tests can run several apps in
// one process. Served at /metrics. Domains receive the metrics they record through AppDeps.
export type Metrics = ReturnType<typeof createMetrics>

export type MetricsSources = {
  /** Webhooks answered but not processed yet, and when the oldest arrived (read at each scrape). */
  webhookBacklog?: () => Promise<{ pending: number; oldestReceivedAt: number | null }>
}

export function createMetrics(sources: MetricsSources = {}) {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry })
  const { webhookBacklog } = sources
  let backlog: Promise<{ pending: number; oldestReceivedAt: number | null }> | undefined
  // One read per scrape for both gauges.
  const readBacklog = () => {
    backlog ??= (webhookBacklog?.() ?? Promise.resolve({ pending: 0, oldestReceivedAt: null })).finally(
      () => {
        setImmediate(() => {
          backlog = undefined
        })
      },
    )
    return backlog
  }
  return {
    registry,
    httpRequests: new Counter({
      name: 'wahub_http_requests_total',
      help: 'HTTP requests answered, by route and status code',
      labelNames: ['route', 'status'] as const,
      registers: [registry],
    }),
    httpDuration: new Histogram({
      name: 'wahub_http_request_duration_seconds',
      help: 'Time to answer HTTP requests, by route',
      labelNames: ['route'] as const,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 1, 5],
      registers: [registry],
    }),
    // Messages as the analytics fold sees them (off the hot path, within a second or two).
    messages: new Counter({
      name: 'wahub_messages_total',
      help: 'Messages by what happened to them: sent (accepted outbound), delivered, read, failed, received (inbound)',
      labelNames: ['event'] as const,
      registers: [registry],
    }),
    messagesFailed: new Counter({
      name: 'wahub_messages_failed_total',
      help: "Outbound messages that failed, by Meta's error code",
      labelNames: ['code'] as const,
      registers: [registry],
    }),
    liveEvents: new Counter({
      name: 'wahub_live_events_total',
      help: 'Events handed to live streams, by what woke the read that found them: notify (PostgreSQL LISTEN: an instance committed) or poll',
      labelNames: ['wake'] as const,
      registers: [registry],
    }),
    liveListening: new Gauge({
      name: 'wahub_live_listening',
      help: '1 while the live stream LISTENs for PostgreSQL notifications (0: polling only, as on SQLite)',
      registers: [registry],
    }),
    callbacks: new Counter({
      name: 'wahub_callback_deliveries_total',
      help: "Attempts to deliver an event to a tenant's callback URL, by result (delivered, failed)",
      labelNames: ['result'] as const,
      registers: [registry],
    }),
    webhookRejected: new Counter({
      name: 'wahub_webhook_rejected_total',
      help: 'Webhook POSTs rejected before storage, by reason (signature_missing, signature_invalid, too_large)',
      labelNames: ['reason'] as const,
      registers: [registry],
    }),
    webhookBacklog: new Gauge({
      name: 'wahub_webhook_backlog_events',
      help: 'Webhooks answered 200 and stored but not processed yet (all instances: read from the database)',
      registers: [registry],
      async collect() {
        this.set((await readBacklog()).pending)
      },
    }),
    webhookLag: new Gauge({
      name: 'wahub_webhook_processing_lag_seconds',
      help: 'Age of the oldest webhook waiting to be processed (0 when none waits); doctor warns above 60 s',
      registers: [registry],
      async collect() {
        const { oldestReceivedAt } = await readBacklog()
        this.set(oldestReceivedAt === null ? 0 : Math.max(0, (Date.now() - oldestReceivedAt) / 1000))
      },
    }),
    dbDeadlocks: new Counter({
      name: 'wahub_db_deadlocks_total',
      help: 'Transactions PostgreSQL aborted as a deadlock (or serialization failure) and retried at once, by work',
      labelNames: ['work'] as const,
      registers: [registry],
    }),
    webhookWrongApp: new Counter({
      name: 'wahub_webhook_wrong_app_total',
      help: 'Stored webhooks kept as wrong_app: signed by an app whose WABAs do not hold the numbers in them',
      registers: [registry],
    }),
  }
}

/** A thread's V8 heap in bytes: what its objects use, and what the heap holds from the system. */
export type ThreadHeap = { used: number; total: number }

/** A worker thread's V8 heap; undefined when no thread runs or it is ending. */
export async function threadHeap(worker: Worker | undefined): Promise<ThreadHeap | undefined> {
  if (!worker) return undefined
  try {
    const h = await worker.getHeapStatistics()
    return { used: h.used_heap_size, total: h.total_heap_size }
  } catch {
    return undefined
  }
}

/**
 * /metrics: every thread's V8 heap (`wahub_thread_heap_bytes{thread, kind}`): the main thread's
 * and the worker threads' — each thread has a heap of its own, and together they are most of the
 * process's memory (docs/PERFORMANCE.md).
 */
export function registerThreadHeapGauge(
  metrics: Metrics,
  threads: Record<string, { heap(): Promise<ThreadHeap | undefined> } | undefined>,
): void {
  new Gauge({
    name: 'wahub_thread_heap_bytes',
    help: 'V8 heap of each thread (main, webhooks), by kind: used by objects, or total held',
    labelNames: ['thread', 'kind'] as const,
    registers: [metrics.registry],
    async collect() {
      this.reset()
      const main = getHeapStatistics()
      const heaps: (readonly [string, ThreadHeap | undefined])[] = [
        ['main', { used: main.used_heap_size, total: main.total_heap_size }],
        ...(await Promise.all(
          Object.entries(threads).map(async ([name, owner]) => [name, await owner?.heap()] as const),
        )),
      ]
      for (const [thread, heap] of heaps) {
        if (!heap) continue
        this.set({ thread, kind: 'used' }, heap.used)
        this.set({ thread, kind: 'total' }, heap.total)
      }
    },
  })
}
