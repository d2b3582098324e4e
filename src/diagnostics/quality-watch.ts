import { getSetting, setSetting } from '../channels/settings-repo.ts'
import type { Db } from '../db/connect.ts'
import { type EventKind, recordEvent } from '../events/events-repo.ts'
import { scheduleRecurringJob } from '../jobs/jobs-repo.ts'
import type { JobHandler } from '../jobs/types.ts'
import { type DoctorContext, runDoctor } from './doctor.ts'
import { type NumberOwner, numberOwners, wabaRefs } from './facts-repo.ts'
import type { Check } from './types.ts'

// The quality watch (issue 7): every hour, the channel checks of doctor (cached Graph reads)
// look for a number whose quality dropped to YELLOW or RED, a paused template, or a token
// expiring within 7 days. Each such condition records ONE event when it starts (the Events list,
// live updates, tenants' callbacks); doctor shows the same as a warning for as long as it lasts.
// The conditions seen are kept in settings, so a condition that clears and comes back alerts
// again. This and the Graph cache are the only writes of diagnostics/.

export const qualityWatchEveryMs = 60 * 60_000
const alertsKey = 'diagnostics.alerts'

export type Alert = {
  key: string
  kind: EventKind
  tenantId: string | null
  subjectId: string | null
  payload: Record<string, unknown>
}

type NumberRef = Omit<NumberOwner, 'waba_id'>

function wabaIdOf(subject: string | null): string | undefined {
  return subject?.match(/^WABA (\d+)/)?.[1]
}

/** The alerts the current checks describe (pure: from doctor's checks to alert keys). */
export function alertsOf(
  checks: Check[],
  numbers: NumberRef[],
  wabas: { id: string; waba_id: string; tenant_id: string | null }[],
): Alert[] {
  const out: Alert[] = []
  for (const c of checks) {
    const d = c.data ?? {}
    if (c.id === 'number.quality' && (d.qualityRating === 'YELLOW' || d.qualityRating === 'RED')) {
      const n = numbers.find((x) => x.phone_number_id === d.phoneNumberId)
      out.push({
        key: `number.quality:${d.phoneNumberId}:${d.qualityRating}`,
        kind: 'number.quality',
        tenantId: n ? (n.tenant_id ?? n.waba_tenant_id) : null,
        subjectId: n?.id ?? null,
        payload: {
          source: 'quality_watch',
          phoneNumberId: d.phoneNumberId,
          qualityRating: d.qualityRating,
          messagingLimitTier: d.messagingLimitTier ?? null,
          seen: c.seen,
          fix: c.fix,
        },
      })
    }
    if (c.id === 'templates' && Array.isArray(d.paused)) {
      const wabaId = wabaIdOf(c.subject)
      const w = wabas.find((x) => x.waba_id === wabaId)
      for (const t of d.paused as { name: string; language: string }[]) {
        out.push({
          key: `template.paused:${wabaId}:${t.name}:${t.language}`,
          kind: 'template.status',
          tenantId: w?.tenant_id ?? null,
          subjectId: t.name,
          payload: {
            source: 'quality_watch',
            wabaId,
            name: t.name,
            language: t.language,
            status: 'PAUSED',
            fix: c.fix,
          },
        })
      }
    }
    if (c.id === 'token' && d.expiring === true && typeof d.expiresAt === 'number') {
      const wabaId = wabaIdOf(c.subject)
      const w = wabas.find((x) => x.waba_id === wabaId)
      out.push({
        key: `token.expiring:${wabaId}:${d.expiresAt}`,
        kind: 'token.expiring',
        tenantId: w?.tenant_id ?? null,
        subjectId: w?.id ?? null,
        payload: {
          source: 'quality_watch',
          wabaId,
          expiresAt: d.expiresAt,
          type: d.type ?? null,
          seen: c.seen,
          fix: c.fix,
        },
      })
    }
  }
  return out
}

/** One run of the watch; returns the alerts that started now (each recorded as an event). */
export async function watchQuality(ctx: DoctorContext): Promise<Alert[]> {
  // Fresh reads: once an hour per object, and a cached GREEN must not hide a drop.
  const report = await runDoctor(ctx, { sections: ['wabas'], fresh: true })
  const current = alertsOf(report.checks, await numberOwners(ctx.db), await wabaRefs(ctx.db))
  const seen = (await getSetting<Record<string, number>>(ctx.db, alertsKey)) ?? {}
  const started = current.filter((a) => seen[a.key] === undefined)
  for (const a of started) {
    await recordEvent(ctx.db, {
      tenantId: a.tenantId,
      kind: a.kind,
      subjectId: a.subjectId,
      payload: a.payload,
    })
  }
  const next: Record<string, number> = {}
  for (const a of current) next[a.key] = seen[a.key] ?? report.generatedAt
  await setSetting(ctx.db, alertsKey, next)
  return started
}

/** At start: one watch run is always scheduled (a minute after start, then hourly). */
export async function scheduleQualityWatch(db: Db, now = Date.now()): Promise<void> {
  await scheduleRecurringJob(db, 'quality.watch', now + 60_000)
}

export function qualityWatchJob(ctx: DoctorContext): JobHandler<'quality.watch'> {
  return async (_payload, { job, log }) => {
    const started = await watchQuality(ctx)
    for (const a of started) log.warn({ kind: a.kind, key: a.key }, 'quality watch alert')
    await scheduleRecurringJob(ctx.db, 'quality.watch', Date.now() + qualityWatchEveryMs, {
      exceptJobId: job.id,
    })
    return { done: true }
  }
}
