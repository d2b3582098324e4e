import { sql } from 'kysely'
import type { DbHandle } from '../db/connect.ts'
import type { CampaignsTable } from '../db/schema.ts'
import { recordEvent } from '../events/events-repo.ts'
import type { JobHandler, JobOutcome } from '../jobs/types.ts'
import type { Logger } from '../log.ts'
import { queueMessagesBulk } from '../messaging/bulk-enqueue.ts'
import {
  campaignProgressLive,
  numberThroughput,
  pauseCampaign,
  quietUntil,
  setStatus,
  waitingToLeave,
} from './campaigns.ts'
import { recentRecipients, tierCap, windowMs } from './limits.ts'

// A campaign's runner: the `campaign.run` job, one per campaign (its own lane, so one instance
// at a time runs it, claimed with SKIP LOCKED on PostgreSQL). Each run:
//   1. starts a scheduled campaign when its time comes, resumes one paused by the messaging
//      limit when the 24-hour window has rolled;
//   2. the quality guard: the number's quality at the campaign's guard (RED, or YELLOW) or the
//      template no longer APPROVED (PAUSED, DISABLED…) pauses it with the reason, and a
//      `campaign.paused` event (the dashboard and the tenant's callbacks get it);
//   3. waits out quiet hours;
//   4. keeps about three seconds of sending queued ahead (at the campaign's rate, at most the
//      number's throughput): takes the next pending recipients in the audience's order, as many
//      new unique users as the messaging limit still allows in the moving 24 hours (a user
//      already messaged in the window costs nothing) — none left: paused until the window
//      rolls — and queues them in bulk (messaging/bulk-enqueue.ts), 1,000 per transaction, in
//      the transaction that marks them queued: a crash leaves each recipient either pending or
//      queued with its message, never both, never twice; the send path's `unknown` covers a
//      crash mid-request; the send workers are woken after each slice;
//   5. completes the campaign when nobody is pending and nothing is waiting to leave;
// and runs again shortly (a retry of the same job, not an attempt).

export type CampaignRunnerDeps = {
  handle: DbHandle
  log: Logger
  /** Wakes this instance's send workers after a commit. */
  nudge?: () => void
  /** The clock (tests move it to roll the messaging-limit window). */
  now?: () => number
  /** How often a running campaign's runner looks again (ms). */
  tickMs?: number
  /** The longest it sleeps before looking again (a schedule, the messaging-limit window). */
  recheckMs?: number
}

const progressEveryMs = 1000
/** Recipients queued per transaction (see the fill below). */
const sliceSize = 250

export function createCampaignRunJob(deps: CampaignRunnerDeps): JobHandler<'campaign.run'> {
  const { handle, log } = deps
  const db = handle.db
  const clock = deps.now ?? Date.now
  const tickMs = deps.tickMs ?? 500
  const lastProgress = new Map<string, number>()
  const lastSent = new Map<string, string>()
  const recheckMs = deps.recheckMs ?? 60_000
  const again = (delayMs: number): JobOutcome => ({
    retry: true,
    delayMs: Math.min(recheckMs, Math.max(0, delayMs)),
    countAttempt: false,
  })

  async function progress(c: CampaignsTable, force = false): Promise<void> {
    const now = Date.now()
    if (!force && now - (lastProgress.get(c.id) ?? 0) < progressEveryMs) return
    lastProgress.set(c.id, now)
    const p = await campaignProgressLive(db, c.tenant_id, c.id, { fresh: force, status: c.status })
    // A reading reused from the last second (a large campaign, decision 0089) is not news.
    const text = JSON.stringify(p)
    if (!force && lastSent.get(c.id) === text) return
    lastSent.set(c.id, text)
    await recordEvent(db, {
      tenantId: c.tenant_id,
      kind: 'campaign.progress',
      subjectId: c.id,
      payload: { campaignId: c.id, ...p },
    })
  }

  async function pause(
    c: CampaignsTable,
    by: 'quality' | 'template' | 'messaging_limit',
    reason: string,
    resumeAt?: number,
  ) {
    log.warn({ campaignId: c.id, tenantId: c.tenant_id, by, reason, resumeAt }, 'campaign paused')
    await pauseCampaign(handle, c.tenant_id, c.id, { by, reason, resumeAt })
    await progress(c, true)
  }

  return async ({ campaignId }) => {
    const now = clock()
    let c = await db.selectFrom('campaigns').selectAll().where('id', '=', campaignId).executeTakeFirst()
    if (!c) return undefined
    if (c.status === 'paused') {
      if (c.paused_by !== 'messaging_limit' || c.resume_at === null) return undefined
      if (Number(c.resume_at) > now) return again(Number(c.resume_at) - now)
      await setStatus(db, c, { status: 'running', paused_by: null, reason: null, resume_at: null }, [
        'paused',
      ])
    } else if (c.status === 'scheduled') {
      if (c.start_at !== null && Number(c.start_at) > now) return again(Number(c.start_at) - now)
      await setStatus(db, c, { status: 'running', reason: null }, ['scheduled'])
    } else if (c.status !== 'running') {
      lastProgress.delete(c.id)
      lastSent.delete(c.id)
      return undefined
    }
    c = (await db
      .selectFrom('campaigns')
      .selectAll()
      .where('id', '=', campaignId)
      .executeTakeFirst()) as CampaignsTable
    if (c.status !== 'running') return undefined

    const number = await db
      .selectFrom('phone_numbers')
      .select([
        'quality_rating',
        'messaging_limit_tier',
        'throughput_mps',
        'throughput_level',
        'waba_id',
        'display_phone_number',
      ])
      .where('id', '=', c.phone_number_id)
      .executeTakeFirstOrThrow()
    const quality = number.quality_rating?.toUpperCase() ?? null
    if (quality === 'RED' || (quality === 'YELLOW' && c.quality_guard === 'YELLOW')) {
      await pause(
        c,
        'quality',
        `The number's quality rating is ${quality} (the campaign pauses at ${c.quality_guard}).`,
      )
      return undefined
    }
    const template = await db
      .selectFrom('templates')
      .select(['status'])
      .where('waba_id', '=', number.waba_id)
      .where('name', '=', c.template_name)
      .where('language', '=', c.template_language)
      .executeTakeFirst()
    if (template && template.status !== 'APPROVED') {
      await pause(
        c,
        'template',
        `Template ${c.template_name} (${c.template_language}) is ${template.status} at Meta.`,
      )
      return undefined
    }
    const quietEnd = quietUntil(now, c.quiet_hours, c.time_zone)
    if (quietEnd !== null) {
      const reason = `Quiet hours (${c.quiet_hours}, ${c.time_zone}) until ${new Date(quietEnd).toISOString()}.`
      if (c.reason !== reason)
        await db
          .updateTable('campaigns')
          .set({ reason, updated_at: Date.now() })
          .where('id', '=', c.id)
          .execute()
      return again(quietEnd - now)
    }
    if (c.reason?.startsWith('Quiet hours'))
      await db
        .updateTable('campaigns')
        .set({ reason: null, updated_at: Date.now() })
        .where('id', '=', c.id)
        .execute()

    const throughput = numberThroughput(number)
    const rate = Math.min(c.rate_mps ?? throughput, throughput)
    const lookahead = Math.max(200, Math.ceil(rate * 3))
    const backlog = await waitingToLeave(db, c.id)
    if (backlog >= lookahead) {
      await progress(c)
      return again(tickMs)
    }
    const pending = await db
      .selectFrom('campaign_recipients')
      .select(['seq', 'contact_id', 'wa_id', 'params'])
      .where('campaign_id', '=', c.id)
      .where('state', '=', 'pending')
      .orderBy('seq')
      // Topped up to the lookahead plus what leaves before the next look: each look queues
      // about a tick's worth (~500 at 1,000/s), not a burst of seconds (see the slices below).
      .limit(Math.min(5000, lookahead + Math.ceil((rate * tickMs) / 1000) - backlog))
      .execute()
    if (pending.length === 0) {
      if (backlog > 0) {
        await progress(c)
        return again(Math.max(tickMs, 1000))
      }
      await setStatus(db, c, { status: 'completed', finished_at: Date.now(), reason: null }, ['running'])
      await progress(c, true)
      lastProgress.delete(c.id)
      lastSent.delete(c.id)
      log.info({ campaignId: c.id, tenantId: c.tenant_id }, 'campaign completed')
      return undefined
    }

    let allowed = pending
    const cap = tierCap(number.messaging_limit_tier)
    if (Number.isFinite(cap)) {
      const recent = await recentRecipients(db, c.phone_number_id, now - windowMs)
      let budget = cap - recent.count
      allowed = []
      for (const p of pending) {
        if (recent.contactIds.has(p.contact_id)) allowed.push(p)
        else if (budget > 0) {
          budget--
          allowed.push(p)
        } else break
      }
      if (allowed.length === 0) {
        const resumeAt = (recent.oldestAt ?? now) + windowMs
        await pause(
          c,
          'messaging_limit',
          `Meta's messaging limit for this number (${number.messaging_limit_tier}: ${cap.toLocaleString('en')} unique users in a moving 24 hours) is reached; the campaign resumes by itself at ${new Date(resumeAt).toISOString()}.`,
          resumeAt,
        )
        return again(resumeAt - now)
      }
    }

    const paced = c.rate_mps !== null && c.rate_mps < throughput
    // Jobs run on the real clock (the send workers'); `now` may be a test's.
    const real = Date.now()
    const start = paced ? Math.max(real, Number(c.pace_at ?? 0)) : real
    const gap = paced ? 1000 / rate : 0
    const queueSlice = (part: typeof allowed, offset: number) =>
      db.transaction().execute(async (trx) => {
        // The campaign row first: a pause or cancel committing meanwhile wins, and nothing is queued.
        const still = await trx
          .updateTable('campaigns')
          .set({ pace_at: Math.round(start + (offset + part.length) * gap), updated_at: Date.now() })
          .where('id', '=', c.id)
          .where('status', '=', 'running')
          .executeTakeFirst()
        if (Number(still.numUpdatedRows) === 0) return 0
        const ids = await queueMessagesBulk(trx, {
          tenantId: c.tenant_id,
          numberRowId: c.phone_number_id,
          type: 'template',
          source: { source: 'campaign', createdBy: `campaign:${c.id}` },
          now,
          items: part.map((p, n) => ({
            contactId: p.contact_id,
            waId: p.wa_id,
            runAt: Math.round(start + (offset + n) * gap),
            body: {
              messaging_product: 'whatsapp',
              recipient_type: 'individual',
              to: p.wa_id,
              type: 'template',
              template: {
                name: c.template_name,
                language: { code: c.template_language },
                ...(p.params !== '[]' ? { components: JSON.parse(p.params) } : {}),
              },
            },
          })),
        })
        for (let i = 0; i < part.length; i += 500) {
          const rows = part.slice(i, i + 500)
          await trx
            .updateTable('campaign_recipients')
            .set({
              state: 'queued',
              queued_at: now,
              // One CASE written at once (Kysely's builder copies the whole CASE at each WHEN).
              message_id: sql<string>`case seq ${sql.join(
                rows.map((p, n) => sql`when ${p.seq} then ${ids[i + n]}`),
                sql` `,
              )} else null end`,
            })
            .where('campaign_id', '=', c.id)
            .where(
              'seq',
              'in',
              rows.map((p) => p.seq),
            )
            .where('state', '=', 'pending')
            .execute()
        }
        return ids.length
      })
    // A slice per transaction, the send workers woken after each: the first sends leave once
    // the first slice is committed, not the whole fill (5,000 at 1,000/s); and on SQLite, where
    // a transaction holds the thread that also sends, sending goes on between slices.
    for (let i = 0; i < allowed.length; i += sliceSize) {
      // 0: the campaign was paused or cancelled meanwhile.
      if ((await queueSlice(allowed.slice(i, i + sliceSize), i)) === 0) break
      deps.nudge?.()
      await new Promise<void>((resolve) => setImmediate(resolve))
    }
    await progress(c)
    return again(tickMs)
  }
}
