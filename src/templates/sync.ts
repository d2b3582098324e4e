import { recordAudit } from '../channels/audit-repo.ts'
import type { Actor, ChannelsContext } from '../channels/context.ts'
import { callGraph } from '../channels/graph-failure.ts'
import { wabaTarget } from '../channels/graph-target.ts'
import { markMissingDeleted, upsertTemplate } from './templates-repo.ts'

// `wahub templates sync`: every template of a WABA (all languages, all pages) from Graph into
// the templates table. Status changes between syncs arrive by webhook
// (message_template_status_update, issue 5); this is the full refresh.

export type SyncResult = { wabaId: string; synced: number; deleted: number; byStatus: Record<string, number> }

export async function syncTemplates(ctx: ChannelsContext, waba: string, actor: Actor): Promise<SyncResult> {
  const t = await wabaTarget(ctx, waba)
  const listed = await callGraph(`listing the templates of WABA ${t.wabaId}`, () =>
    ctx.graph.listTemplates(t.target, t.wabaId),
  )
  const now = Date.now()
  const byStatus: Record<string, number> = {}
  for (const template of listed) {
    byStatus[template.status ?? 'UNKNOWN'] = (byStatus[template.status ?? 'UNKNOWN'] ?? 0) + 1
  }
  // One transaction: a reader (a window_closed refusal listing the approved templates, the
  // Templates page) sees the WABA's templates before the sync or after it, never half of them.
  const deleted = await ctx.db.transaction().execute(async (trx) => {
    for (const template of listed) await upsertTemplate(trx, t.wabaRowId, template, now)
    return markMissingDeleted(trx, t.wabaRowId, listed, now)
  })
  // Syncs Wahub runs by itself (on add, hourly, for a send) are not someone's action: the audit
  // log would fill with one row per WABA an hour.
  if (actor === 'system') return { wabaId: t.wabaId, synced: listed.length, deleted, byStatus }
  await recordAudit(ctx.db, {
    actor,
    action: 'templates.sync',
    targetType: 'waba',
    targetId: t.wabaRowId,
    details: { synced: listed.length, deleted },
  })
  return { wabaId: t.wabaId, synced: listed.length, deleted, byStatus }
}
