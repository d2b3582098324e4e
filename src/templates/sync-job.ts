import type { ChannelsContext } from '../channels/context.ts'
import { listWabas } from '../channels/wabas.ts'
import type { Db } from '../db/connect.ts'
import { WahubError } from '../errors.ts'
import { scheduleRecurringJob } from '../jobs/jobs-repo.ts'
import type { JobHandler } from '../jobs/types.ts'
import { syncTemplates } from './sync.ts'

// The `templates.sync` job (SPEC §14: synced on WABA add and on a schedule). Status, quality and
// category changes arrive by webhook; this catches what they cannot: templates created or deleted
// in WhatsApp Manager, and webhooks that were missed. A WABA that was just added is synced at
// once (`wabaId`), so its approved templates are known before the first send needs them.

/** Hourly: a template created in WhatsApp Manager is listed within the hour (one Graph list per WABA). */
export const templatesSyncEveryMs = 60 * 60_000

/** At start: the hourly sync of every WABA is scheduled once, whichever instance comes first. */
export async function scheduleTemplatesSync(db: Db, now = Date.now()): Promise<void> {
  await scheduleRecurringJob(db, 'templates.sync', now + templatesSyncEveryMs)
}

export function templatesSyncJob(ctx: ChannelsContext): JobHandler<'templates.sync'> {
  return async (payload, { job, log }) => {
    const wabas = payload.wabaId ? [payload.wabaId] : (await listWabas(ctx.db)).map((w) => w.id)
    const failures: string[] = []
    for (const waba of wabas) {
      try {
        const r = await syncTemplates(ctx, waba, 'system')
        log.info({ wabaId: r.wabaId, synced: r.synced, deleted: r.deleted }, 'templates synced')
      } catch (err) {
        if (err instanceof WahubError && err.code === 'not_found') continue // removed meanwhile
        // One WABA with a bad token does not hold up the others; doctor reports the token.
        failures.push(waba)
        log.warn({ wabaRowId: waba, error: (err as Error).message }, 'templates sync failed')
      }
    }
    if (!payload.wabaId) {
      await scheduleRecurringJob(ctx.db, 'templates.sync', Date.now() + templatesSyncEveryMs, {
        exceptJobId: job.id,
      })
      return { done: true }
    }
    // A WABA added a moment ago: retried with backoff until its templates are read.
    if (failures.length > 0) throw new Error(`templates sync of ${failures.join(', ')} failed`)
    return { done: true }
  }
}
