import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client'

// One registry per Wahub instance (not prom-client's global), so tests can run several apps in
// one process. Served at /metrics. Domains receive the metrics they record through AppDeps.
export type Metrics = ReturnType<typeof createMetrics>

export function createMetrics() {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry })
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
    webhookRejected: new Counter({
      name: 'wahub_webhook_rejected_total',
      help: 'Webhook POSTs rejected before storage, by reason (signature_missing, signature_invalid, too_large)',
      labelNames: ['reason'] as const,
      registers: [registry],
    }),
    webhookWrongApp: new Counter({
      name: 'wahub_webhook_wrong_app_total',
      help: 'Stored webhooks kept as wrong_app: signed by an app whose WABAs do not hold the numbers in them',
      registers: [registry],
    }),
  }
}
