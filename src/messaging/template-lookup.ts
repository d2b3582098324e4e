import type { Db } from '../db/connect.ts'
import { WahubError } from '../errors.ts'
import { syncTemplates } from '../templates/sync.ts'
import { listTemplates, type StoredTemplate } from '../templates/templates-repo.ts'
import type { MessagingContext } from './context.ts'

// The template a send names, from the local cache (SPEC §6: checked before Meta is asked).
// A name the cache does not know (or does not know as sendable) triggers a sync of the WABA
// from Graph — at most once a minute per WABA across every instance, the last attempt being
// remembered in template_sync_marks — then the cache is read again.

export const autoSyncIntervalMs = 60_000
/** A sync attempt older than this without completing is taken for dead (its instance died). */
const syncStaleMs = 30_000

/** True when this caller may sync the WABA now (no sync attempt in the last minute anywhere). */
export async function claimTemplateSync(db: Db, wabaRowId: string, now = Date.now()): Promise<boolean> {
  const row = await db
    .insertInto('template_sync_marks')
    .values({ waba_id: wabaRowId, attempted_at: now, completed_at: null })
    .onConflict((oc) =>
      oc
        .column('waba_id')
        .doUpdateSet({ attempted_at: now })
        .where('template_sync_marks.attempted_at', '<=', now - autoSyncIntervalMs),
    )
    .returning('waba_id')
    .executeTakeFirst()
  return row !== undefined
}

async function markSyncDone(db: Db, wabaRowId: string): Promise<void> {
  await db
    .updateTable('template_sync_marks')
    .set({ completed_at: Date.now() })
    .where('waba_id', '=', wabaRowId)
    .execute()
}

/** Waits (bounded) while another instance's sync of this WABA is running. */
async function awaitOtherSync(db: Db, wabaRowId: string): Promise<void> {
  const deadline = Date.now() + 15_000
  while (Date.now() < deadline) {
    const mark = await db
      .selectFrom('template_sync_marks')
      .selectAll()
      .where('waba_id', '=', wabaRowId)
      .executeTakeFirst()
    const running =
      mark &&
      (mark.completed_at === null || mark.completed_at < mark.attempted_at) &&
      Date.now() - mark.attempted_at < syncStaleMs
    if (!running) return
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

// Sends in this process that need the same sync wait for it instead of being refused.
const inFlight = new Map<string, Promise<string | undefined>>()

/** Syncs the WABA's templates unless done in the last minute; the failure, if any. */
async function syncOnDemand(
  ctx: MessagingContext,
  wabaRowId: string,
  name: string,
): Promise<string | undefined> {
  const running = inFlight.get(wabaRowId)
  if (running) return running
  const work = (async () => {
    if (!(await claimTemplateSync(ctx.db, wabaRowId))) {
      await awaitOtherSync(ctx.db, wabaRowId)
      return undefined
    }
    try {
      const result = await syncTemplates(ctx, wabaRowId, 'system')
      ctx.log.info(
        { wabaId: result.wabaId, synced: result.synced, template: name },
        'templates synced for a send',
      )
      return undefined
    } catch (err) {
      // The cache stays as it is; the send is judged on what it holds.
      ctx.log.warn({ err, wabaRowId, template: name }, 'template auto-sync failed')
      return (err as Error).message
    } finally {
      await markSyncDone(ctx.db, wabaRowId).catch(() => {})
    }
  })()
  inFlight.set(wabaRowId, work)
  try {
    return await work
  } finally {
    inFlight.delete(wabaRowId)
  }
}

const statusFixes: Record<string, string> = {
  PENDING:
    'It is still in review at Meta: wait for the approval (minutes to 24 hours; `wahub templates sync` refreshes it), or send another approved template.',
  REJECTED:
    'Meta rejected it: read the reason in WhatsApp Manager > Message templates, edit and resubmit it, or send another approved template.',
  PAUSED:
    'Meta paused it after low-quality feedback (it resumes by itself after the pause, or when edited): send another approved template meanwhile.',
  DISABLED: 'Meta disabled it for repeated low quality; it cannot be sent again: create a new template.',
  IN_APPEAL: 'Its rejection is under appeal: wait for the decision or send another approved template.',
  LIMIT_EXCEEDED: 'The WABA is over its template limit: delete unused templates in WhatsApp Manager.',
}

function sameLanguage(a: string, b: string): boolean {
  return a.toLowerCase().replace('-', '_') === b.toLowerCase().replace('-', '_')
}

function pick(all: StoredTemplate[], language: string): StoredTemplate | undefined {
  return all.find((t) => t.language === language && t.status !== 'DELETED')
}

async function lookup(db: Db, wabaRowId: string, name: string): Promise<StoredTemplate[]> {
  return listTemplates(db, { wabaRowId, name })
}

export async function templateForSend(
  ctx: MessagingContext,
  wabaRowId: string,
  name: string,
  language: string,
): Promise<StoredTemplate> {
  let all = await lookup(ctx.db, wabaRowId, name)
  let found = pick(all, language)
  const usable = found && found.status === 'APPROVED' && found.components.length > 0
  let syncFailure: string | undefined
  if (!usable) {
    syncFailure = await syncOnDemand(ctx, wabaRowId, name)
    all = await lookup(ctx.db, wabaRowId, name)
    found = pick(all, language)
  }
  const languages = all.filter((t) => t.status !== 'DELETED').map((t) => t.language)
  if (!found) {
    const near = languages.find((l) => sameLanguage(l, language))
    const exists = languages.length > 0
    throw new WahubError(
      'template_not_found',
      exists
        ? `Template ${name} exists in ${languages.join(', ')}, not in ${language}.${near ? ` Languages must match exactly: use ${near}.` : ''}`
        : all.length > 0
          ? `Template ${name} was deleted at Meta.`
          : syncFailure
            ? `No template named ${name} in Wahub's template cache, and reading the templates from Meta failed (${syncFailure}).`
            : `No template named ${name} in this number's WhatsApp Business Account (checked with Meta).`,
      { name, language, languages, ...(syncFailure ? { syncFailed: syncFailure } : {}) },
    )
  }
  if (found.status !== 'APPROVED') {
    const reason = found.rejectedReason ? ` (reason ${found.rejectedReason})` : ''
    throw new WahubError(
      'template_not_approved',
      `Template ${name} (${language}) is ${found.status}${reason}, not APPROVED.`,
      { name, language, status: found.status, rejectedReason: found.rejectedReason },
      statusFixes[found.status],
    )
  }
  return found
}

async function approvedOf(db: Db, wabaRowId: string) {
  const rows = await listTemplates(db, { wabaRowId, status: 'APPROVED' })
  return rows.map((t) => ({ name: t.name, language: t.language, category: t.category }))
}

/**
 * Approved templates of a WABA, for the `window_closed` answer. A cache without any (a WABA
 * whose add-time sync has not run yet or failed) is synced first — at most once a minute — so
 * the answer's "send one of these" is never an empty list when Meta has some.
 */
export async function approvedTemplates(ctx: MessagingContext, wabaRowId: string) {
  const known = await approvedOf(ctx.db, wabaRowId)
  if (known.length > 0) return known
  await syncOnDemand(ctx, wabaRowId, '(window_closed)')
  return approvedOf(ctx.db, wabaRowId)
}
