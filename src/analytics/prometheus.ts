import { Gauge } from 'prom-client'
import type { Db } from '../db/connect.ts'
import type { Metrics } from '../metrics.ts'

// Gauges read from the shared database when /metrics is scraped: queue depth and the age of the
// oldest due job per kind, how long a number's rate lane makes the next send wait, and each number's quality
// rating. Every instance reports the same values: aggregate them with max(), not sum(). The
// counters of messages, callbacks and lane waits are in metrics.ts, fed as things happen.

const qualityValue: Record<string, number> = { GREEN: 3, YELLOW: 2, RED: 1 }

/** Jobs per kind: `is` null failed_at = waiting or running, `is not` = given up. */
function jobsByKind(db: Db, failed: 'is' | 'is not') {
  return db
    .selectFrom('jobs')
    .select(['kind', (eb) => eb.fn.countAll<number>().as('n')])
    .where('failed_at', failed, null)
    .groupBy('kind')
    .execute()
}

export function registerDbGauges(metrics: Metrics, db: Db): void {
  const registers = [metrics.registry]
  new Gauge({
    name: 'wahub_jobs_queued',
    help: 'Jobs waiting or running, by kind (shared database: aggregate with max)',
    labelNames: ['kind'] as const,
    registers,
    async collect() {
      this.reset()
      for (const r of await jobsByKind(db, 'is')) this.set({ kind: r.kind }, Number(r.n))
    },
  })
  new Gauge({
    name: 'wahub_jobs_oldest_due_age_seconds',
    help: 'Age of the oldest job that is due and not yet done, by kind (0 when none)',
    labelNames: ['kind'] as const,
    registers,
    async collect() {
      this.reset()
      const now = Date.now()
      const rows = await db
        .selectFrom('jobs')
        .select(['kind', (eb) => eb.fn.min('run_at').as('oldest')])
        .where('failed_at', 'is', null)
        .where('run_at', '<=', now)
        .groupBy('kind')
        .execute()
      for (const r of rows) this.set({ kind: r.kind }, Math.max(0, (now - Number(r.oldest)) / 1000))
    },
  })
  new Gauge({
    name: 'wahub_jobs_failed',
    help: 'Jobs that gave up after their last attempt, by kind (callback.deliver: callbacks never delivered)',
    labelNames: ['kind'] as const,
    registers,
    async collect() {
      this.reset()
      for (const r of await jobsByKind(db, 'is not')) this.set({ kind: r.kind }, Number(r.n))
    },
  })
  new Gauge({
    name: 'wahub_rate_lane_wait_seconds',
    help: "How long a send booked now would wait in its number's cluster-wide rate lane",
    labelNames: ['number_id'] as const,
    registers,
    async collect() {
      this.reset()
      const nowUs = Date.now() * 1000
      const rows = await db
        .selectFrom('rate_lanes')
        .select(['key', 'tat_us'])
        .where('kind', '=', 'number')
        .execute()
      for (const r of rows) {
        this.set({ number_id: r.key.replace(/^number:/, '') }, Math.max(0, (Number(r.tat_us) - nowUs) / 1e6))
      }
    },
  })
  new Gauge({
    name: 'wahub_number_quality',
    help: "Each number's quality rating: 3 GREEN, 2 YELLOW, 1 RED, 0 unknown",
    labelNames: ['phone_number_id', 'display_phone_number', 'tenant_id'] as const,
    registers,
    async collect() {
      this.reset()
      const rows = await db
        .selectFrom('phone_numbers')
        .select(['phone_number_id', 'display_phone_number', 'tenant_id', 'quality_rating'])
        .execute()
      for (const r of rows) {
        this.set(
          {
            phone_number_id: r.phone_number_id,
            display_phone_number: r.display_phone_number ?? '',
            tenant_id: r.tenant_id ?? '',
          },
          qualityValue[r.quality_rating ?? ''] ?? 0,
        )
      }
    },
  })
}
