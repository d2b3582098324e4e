import { sql } from 'kysely'
import { resolveSenderNumber } from '../channels/sender.ts'
import type { Db } from '../db/connect.ts'
import type { CampaignStatus, CampaignsTable } from '../db/schema.ts'
import { WahubError } from '../errors.ts'
import { recordEvent } from '../events/events-repo.ts'
import { newId } from '../ids.ts'
import { scheduleLaneJob } from '../jobs/jobs-repo.ts'
import { withdrawQueued } from '../messaging/bulk-enqueue.ts'
import type { MessagingContext } from '../messaging/context.ts'
import { templateForSend } from '../messaging/template-lookup.ts'
import { checkTemplateParams, expectationOf, type SentComponent } from '../templates/params.ts'
import { type DbAccess, getAudience } from './audiences.ts'
import { recentRecipients, tierCap, windowMs } from './limits.ts'
import { forgetFigures, liveFigure, reuseForMs } from './live-figures.ts'
import { type CampaignParameter, componentsFor } from './params.ts'

// Campaigns (issue 18, docs/CAMPAIGNS.md): a template with per-recipient parameters, sent from
// one number to an audience, on a schedule, within the number's throughput and Meta's messaging
// limit. Lifecycle: draft → (launch) scheduled → running ⇄ paused → completed | cancelled.
// Launching copies the audience into campaign_recipients (who is skipped and why, each one's
// parameters): what a campaign sends no longer depends on the audience or the list changing.
// The runner (runner.ts) queues the recipients in bulk; pause and cancel take back what is
// still queued (messaging/bulk-enqueue.ts withdrawQueued), atomically with the send worker.

export type Campaign = {
  id: string
  name: string
  audienceId: string
  numberId: string
  template: { name: string; language: string }
  parameters: CampaignParameter[]
  status: CampaignStatus
  reason: string | null
  pausedBy: string | null
  qualityGuard: 'RED' | 'YELLOW'
  startAt: number | null
  timeZone: string
  quietHours: string | null
  rateMps: number | null
  resumeAt: number | null
  launchedAt: number | null
  finishedAt: number | null
  createdAt: number
  updatedAt: number
}

export type CampaignInput = {
  name: string
  audienceId: string
  from?: string
  template: { name: string; language: string }
  parameters?: CampaignParameter[]
  startAt?: number
  timeZone?: string
  quietHours?: string | null
  rateMps?: number
  qualityGuard?: 'RED' | 'YELLOW'
}

function bad(field: string, message: string, problem: string): WahubError {
  return new WahubError('validation_failed', `${field}: ${message}`, [{ field, problem }])
}

export function checkTimeZone(timeZone: string): void {
  try {
    new Intl.DateTimeFormat('en', { timeZone })
  } catch {
    throw bad(
      'timeZone',
      `"${timeZone}" is not an IANA time zone (like Europe/Madrid or America/Sao_Paulo).`,
      'unknown time zone',
    )
  }
}

/** "21:00-08:00" → minutes from midnight, or throws naming the field. */
export function parseQuietHours(text: string): { from: number; to: number } {
  const m = /^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)$/.exec(text)
  if (!m || m[1] + m[2] === m[3] + m[4])
    throw bad(
      'quietHours',
      `"${text}" should be two times like 21:00-08:00 (24-hour clock, different).`,
      'not HH:MM-HH:MM',
    )
  return { from: Number(m[1]) * 60 + Number(m[2]), to: Number(m[3]) * 60 + Number(m[4]) }
}

function localMinutes(at: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(at))
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value ?? 0)
  return get('hour') * 60 + get('minute')
}

/** When quiet hours (in the campaign's time zone) end, if `at` is inside them; else null. */
export function quietUntil(at: number, quietHours: string | null, timeZone: string): number | null {
  if (!quietHours) return null
  const { from, to } = parseQuietHours(quietHours)
  const now = localMinutes(at, timeZone)
  const inside = from < to ? now >= from && now < to : now >= from || now < to
  if (!inside) return null
  const minutes = (to - now + 1440) % 1440
  return at - (at % 60_000) + minutes * 60_000
}

function toCampaign(r: CampaignsTable): Campaign {
  return {
    id: r.id,
    name: r.name,
    audienceId: r.audience_id,
    numberId: r.phone_number_id,
    template: { name: r.template_name, language: r.template_language },
    parameters: JSON.parse(r.parameters) as CampaignParameter[],
    status: r.status,
    reason: r.reason,
    pausedBy: r.paused_by,
    qualityGuard: r.quality_guard,
    startAt: r.start_at === null ? null : Number(r.start_at),
    timeZone: r.time_zone,
    quietHours: r.quiet_hours,
    rateMps: r.rate_mps,
    resumeAt: r.resume_at === null ? null : Number(r.resume_at),
    launchedAt: r.launched_at === null ? null : Number(r.launched_at),
    finishedAt: r.finished_at === null ? null : Number(r.finished_at),
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  }
}

export async function campaignRow(db: Db, tenantId: string, id: string): Promise<CampaignsTable> {
  const row = await db
    .selectFrom('campaigns')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .executeTakeFirst()
  if (!row) throw new WahubError('not_found', `No campaign ${id}.`)
  return row
}

export async function getCampaign(db: Db, tenantId: string, id: string): Promise<Campaign> {
  return toCampaign(await campaignRow(db, tenantId, id))
}

export async function listCampaigns(db: Db, tenantId: string): Promise<Campaign[]> {
  const rows = await db
    .selectFrom('campaigns')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .orderBy('id', 'desc')
    .limit(200)
    .execute()
  return rows.map(toCampaign)
}

async function numberFacts(db: Db, numberRowId: string) {
  return db
    .selectFrom('phone_numbers')
    .select(['quality_rating', 'messaging_limit_tier', 'throughput_mps', 'throughput_level'])
    .where('id', '=', numberRowId)
    .executeTakeFirstOrThrow()
}

/** Meta's default throughput per number is 80 msg/s; 1,000 after the upgrade (FACTS §7, M-THR). */
export function numberThroughput(n: {
  throughput_mps: number | null
  throughput_level: string | null
}): number {
  return n.throughput_mps ?? (n.throughput_level === 'HIGH' ? 1000 : 80)
}

export async function createCampaign(
  ctx: MessagingContext,
  tenantId: string,
  input: CampaignInput,
  createdBy: string | null,
): Promise<Campaign> {
  const { db } = ctx
  const timeZone = input.timeZone ?? 'UTC'
  checkTimeZone(timeZone)
  if (input.quietHours) parseQuietHours(input.quietHours)
  const audience = await getAudience(db, tenantId, input.audienceId).catch(() => {
    throw bad('audienceId', `no audience ${input.audienceId} in this tenant.`, 'unknown audience')
  })
  const sender = await resolveSenderNumber(db, tenantId, input.from)
  const template = await templateForSend(ctx, sender.wabaRowId, input.template.name, input.template.language)
  const parameters = input.parameters ?? []
  // The template's parameters checked once, with the first recipient's values.
  const first = await db
    .selectFrom('audience_members')
    .select('attributes')
    .where('audience_id', '=', audience.id)
    .orderBy('row')
    .executeTakeFirst()
  const attributes = first ? (JSON.parse(first.attributes) as Record<string, string>) : {}
  const sample = componentsFor(
    parameters.map((p) =>
      p.attribute !== undefined && attributes[p.attribute] === undefined
        ? { ...p, attribute: undefined, text: 'x' }
        : p,
    ),
    attributes,
  )
  if ('missing' in sample)
    throw bad('parameters', `a parameter has neither attribute nor text.`, 'empty parameter')
  for (const p of parameters) {
    if (p.attribute !== undefined && !audience.columns.includes(p.attribute))
      throw bad(
        'parameters',
        `the audience has no column "${p.attribute}" (it has: ${audience.columns.join(', ') || 'none'}).`,
        'unknown attribute',
      )
  }
  const problems = checkTemplateParams(expectationOf(template), sample.components as SentComponent[])
  if (problems.length > 0)
    throw new WahubError(
      'template_params_mismatch',
      `Template ${template.name} (${template.language}): ${problems[0]}.`,
      {
        problems,
      },
    )
  const facts = await numberFacts(db, sender.numberRowId)
  const cap = numberThroughput(facts)
  if (input.rateMps !== undefined && input.rateMps > cap)
    throw bad(
      'rateMps',
      `${input.rateMps} msg/s is above this number's throughput (${cap} msg/s); give at most ${cap}.`,
      'above the number’s throughput',
    )
  const now = Date.now()
  const id = newId('cmp', now)
  await db
    .insertInto('campaigns')
    .values({
      id,
      tenant_id: tenantId,
      name: input.name,
      audience_id: audience.id,
      phone_number_id: sender.numberRowId,
      template_name: template.name,
      template_language: template.language,
      parameters: JSON.stringify(parameters),
      status: 'draft',
      reason: null,
      paused_by: null,
      quality_guard: input.qualityGuard ?? 'RED',
      start_at: input.startAt ?? null,
      time_zone: timeZone,
      quiet_hours: input.quietHours ?? null,
      rate_mps: input.rateMps ?? null,
      pace_at: null,
      resume_at: null,
      launched_at: null,
      finished_at: null,
      created_by: createdBy,
      created_at: now,
      updated_at: now,
    })
    .execute()
  return getCampaign(db, tenantId, id)
}

async function suppressedAmong(db: Db, tenantId: string, waIds: readonly string[]): Promise<Set<string>> {
  const out = new Set<string>()
  for (let i = 0; i < waIds.length; i += 500) {
    const rows = await db
      .selectFrom('suppressions')
      .select('wa_id')
      .where('tenant_id', '=', tenantId)
      .where('wa_id', 'in', waIds.slice(i, i + 500))
      .execute()
    for (const r of rows) out.add(r.wa_id)
  }
  return out
}

type Planned = {
  seq: number
  contactId: string
  waId: string
  params: string
  skip: 'opted_out' | 'invalid' | null
  reason: string | null
}

/** Every member of the audience with what the campaign would do with them, a page at a time. */
async function* planPages(db: Db, tenantId: string, c: CampaignsTable): AsyncGenerator<Planned[]> {
  const parameters = JSON.parse(c.parameters) as CampaignParameter[]
  let after = -1
  for (;;) {
    const rows = await db
      .selectFrom('audience_members')
      .select(['row', 'contact_id', 'wa_id', 'attributes'])
      .where('audience_id', '=', c.audience_id)
      .where('row', '>', after)
      .orderBy('row')
      .limit(2000)
      .execute()
    if (rows.length === 0) return
    after = rows[rows.length - 1].row
    const suppressed = await suppressedAmong(
      db,
      tenantId,
      rows.map((r) => r.wa_id),
    )
    yield rows.map((r) => {
      const built = componentsFor(parameters, JSON.parse(r.attributes) as Record<string, string>)
      const missing = 'missing' in built ? built.missing : null
      return {
        seq: r.row,
        contactId: r.contact_id,
        waId: r.wa_id,
        params: 'components' in built ? JSON.stringify(built.components) : '[]',
        skip: suppressed.has(r.wa_id) ? 'opted_out' : missing ? 'invalid' : null,
        reason: suppressed.has(r.wa_id)
          ? 'on the suppression list'
          : missing
            ? `no value for ${missing}`
            : null,
      }
    })
  }
}

async function plan(db: Db, tenantId: string, c: CampaignsTable): Promise<Planned[]> {
  const out: Planned[] = []
  for await (const page of planPages(db, tenantId, c)) out.push(...page)
  return out
}

export type DryRun = {
  audience: number
  wouldSend: number
  skipped: { optedOut: number; invalid: number; duplicate: number; overLimit: number }
  messagingLimit: { tier: string | null; cap: number | null; usedToday: number; available: number | null }
  throughputMps: number
  /** The wa_ids that would be sent to (the route prices them by market). */
  recipients: string[]
  templateCategory: string | null
}

/** What launching now would do (also after launch: what the snapshot holds). */
export async function dryRun(ctx: MessagingContext, tenantId: string, id: string): Promise<DryRun> {
  const { db } = ctx
  const c = await campaignRow(db, tenantId, id)
  const audience = await getAudience(db, tenantId, c.audience_id)
  const planned = await plan(db, tenantId, c)
  const candidates = planned.filter((p) => !p.skip)
  const facts = await numberFacts(db, c.phone_number_id)
  const cap = tierCap(facts.messaging_limit_tier)
  const now = Date.now()
  let usedToday = 0
  let overLimit = 0
  if (Number.isFinite(cap)) {
    const recent = await recentRecipients(db, c.phone_number_id, now - windowMs)
    usedToday = recent.count
    const fresh = candidates.filter((p) => !recent.contactIds.has(p.contactId)).length
    overLimit = Math.max(0, fresh - Math.max(0, cap - usedToday))
  }
  const sendable = candidates.slice(0, candidates.length - overLimit)
  const template = await db
    .selectFrom('templates as t')
    .innerJoin('phone_numbers as p', 'p.waba_id', 't.waba_id')
    .select('t.category')
    .where('p.id', '=', c.phone_number_id)
    .where('t.name', '=', c.template_name)
    .where('t.language', '=', c.template_language)
    .executeTakeFirst()
  return {
    audience: audience.size + audience.rejected + audience.duplicates,
    wouldSend: sendable.length,
    skipped: {
      optedOut: planned.filter((p) => p.skip === 'opted_out').length,
      invalid: audience.rejected + planned.filter((p) => p.skip === 'invalid').length,
      duplicate: audience.duplicates,
      overLimit,
    },
    messagingLimit: {
      tier: facts.messaging_limit_tier,
      cap: Number.isFinite(cap) ? cap : null,
      usedToday,
      available: Number.isFinite(cap) ? Math.max(0, cap - usedToday) : null,
    },
    throughputMps: numberThroughput(facts),
    recipients: sendable.map((p) => p.waId),
    templateCategory: template?.category ?? null,
  }
}

export async function setStatus(
  db: Db,
  c: { id: string; tenant_id: string },
  changes: Partial<CampaignsTable> & { status: CampaignStatus },
  from: readonly CampaignStatus[],
): Promise<boolean> {
  const r = await db
    .updateTable('campaigns')
    .set({ ...changes, updated_at: Date.now() })
    .where('id', '=', c.id)
    .where('status', 'in', [...from])
    .executeTakeFirst()
  if (Number(r.numUpdatedRows) === 0) return false
  forgetFigures(c.id)
  await recordEvent(db, {
    tenantId: c.tenant_id,
    kind: changes.status === 'paused' ? 'campaign.paused' : 'campaign.status',
    subjectId: c.id,
    payload: {
      campaignId: c.id,
      status: changes.status,
      reason: changes.reason ?? null,
      pausedBy: changes.paused_by ?? null,
    },
  })
  return true
}

/** The campaign's runner, one at a time per campaign across instances (a lane of its own). */
export function scheduleRun(db: Db, campaignId: string, at: number): Promise<void> {
  return scheduleLaneJob(db, 'campaign.run', { campaignId }, `campaign:${campaignId}`, at, {
    maxAttempts: 1000,
  })
}

function conflict(c: CampaignsTable, wanted: string): WahubError {
  return new WahubError('conflict', `Campaign ${c.id} is ${c.status}; it cannot be ${wanted}.`)
}

/** Copies the audience into the campaign's recipients and schedules its runner (one transaction). */
export async function launchCampaign(
  handle: DbAccess,
  tenantId: string,
  id: string,
  options: { startAt?: number } = {},
): Promise<Campaign> {
  const db = handle.db
  const c = await campaignRow(db, tenantId, id)
  if (c.status !== 'draft') throw conflict(c, 'launched')
  const startAt = options.startAt ?? (c.start_at === null ? Date.now() : Number(c.start_at))
  // The audience is copied a page at a time inside the transaction: a 100,000-row audience is
  // never held in memory whole.
  await db.transaction().execute(async (trx) => {
    const moved = await setStatus(
      trx,
      c,
      { status: 'scheduled', start_at: startAt, launched_at: Date.now(), reason: null },
      ['draft'],
    )
    if (!moved) throw conflict(c, 'launched')
    for await (const page of planPages(trx, tenantId, c))
      for (let i = 0; i < page.length; i += 500) {
        await trx
          .insertInto('campaign_recipients')
          .values(
            page.slice(i, i + 500).map((p) => ({
              campaign_id: c.id,
              seq: p.seq,
              contact_id: p.contactId,
              wa_id: p.waId,
              params: p.params,
              state: p.skip ? ('skipped' as const) : ('pending' as const),
              reason: p.skip ? `${p.skip}: ${p.reason}` : null,
              message_id: null,
              queued_at: null,
            })),
          )
          .execute()
      }
    await scheduleRun(trx, c.id, startAt)
  })
  return getCampaign(db, tenantId, id)
}

/** Takes back the campaign's queued messages; `to`: what their recipients become. */
export async function withdrawCampaign(
  trx: Db,
  c: CampaignsTable,
  to: 'pending' | 'cancelled',
): Promise<number> {
  let total = 0
  let after = -1
  for (;;) {
    const rows = await trx
      .selectFrom('campaign_recipients as r')
      .innerJoin('messages as m', 'm.id', 'r.message_id')
      .select(['r.seq', 'r.message_id'])
      .where('r.campaign_id', '=', c.id)
      .where('r.state', '=', 'queued')
      .where('m.status', '=', 'queued')
      .where('r.seq', '>', after)
      .orderBy('r.seq')
      .limit(1000)
      .execute()
    if (rows.length === 0) break
    after = rows[rows.length - 1].seq
    const taken = new Set(
      await withdrawQueued(
        trx,
        c.tenant_id,
        rows.map((r) => r.message_id as string),
      ),
    )
    const seqs = rows.filter((r) => taken.has(r.message_id as string)).map((r) => r.seq)
    for (let i = 0; i < seqs.length; i += 500) {
      await trx
        .updateTable('campaign_recipients')
        .set(
          to === 'pending'
            ? { state: 'pending', message_id: null, queued_at: null }
            : { state: 'cancelled', reason: 'cancelled before it was sent' },
        )
        .where('campaign_id', '=', c.id)
        .where('seq', 'in', seqs.slice(i, i + 500))
        .execute()
    }
    total += seqs.length
  }
  if (to === 'cancelled') {
    await trx
      .updateTable('campaign_recipients')
      .set({ state: 'cancelled', reason: 'cancelled before it was queued' })
      .where('campaign_id', '=', c.id)
      .where('state', '=', 'pending')
      .execute()
  }
  return total
}

/**
 * Pauses a scheduled or running campaign, taking back what is still queued. `by`: user, or the
 * guard that paused it (quality, template, messaging_limit — the last resumes by itself at
 * `resumeAt`).
 */
export async function pauseCampaign(
  handle: DbAccess,
  tenantId: string,
  id: string,
  how: { by: 'user' | 'quality' | 'template' | 'messaging_limit'; reason: string; resumeAt?: number },
): Promise<Campaign> {
  const db = handle.db
  const c = await campaignRow(db, tenantId, id)
  if (c.status !== 'running' && c.status !== 'scheduled') throw conflict(c, 'paused')
  await db.transaction().execute(async (trx) => {
    const moved = await setStatus(
      trx,
      c,
      { status: 'paused', paused_by: how.by, reason: how.reason, resume_at: how.resumeAt ?? null },
      ['running', 'scheduled'],
    )
    if (!moved) throw conflict(c, 'paused')
    // At the messaging limit what is queued is within the limit: it leaves. Otherwise it waits.
    if (how.by !== 'messaging_limit') await withdrawCampaign(trx, c, 'pending')
  })
  return getCampaign(db, tenantId, id)
}

export async function resumeCampaign(handle: DbAccess, tenantId: string, id: string): Promise<Campaign> {
  const db = handle.db
  const c = await campaignRow(db, tenantId, id)
  if (c.status !== 'paused') throw conflict(c, 'resumed')
  await db.transaction().execute(async (trx) => {
    const moved = await setStatus(
      trx,
      c,
      { status: 'running', paused_by: null, reason: null, resume_at: null },
      ['paused'],
    )
    if (!moved) throw conflict(c, 'resumed')
    await scheduleRun(trx, c.id, Date.now())
  })
  return getCampaign(db, tenantId, id)
}

export async function cancelCampaign(handle: DbAccess, tenantId: string, id: string): Promise<Campaign> {
  const db = handle.db
  const c = await campaignRow(db, tenantId, id)
  const from: CampaignStatus[] = ['draft', 'scheduled', 'running', 'paused']
  if (!from.includes(c.status)) throw conflict(c, 'cancelled')
  await db.transaction().execute(async (trx) => {
    const moved = await setStatus(
      trx,
      c,
      { status: 'cancelled', finished_at: Date.now(), reason: null, resume_at: null },
      from,
    )
    if (!moved) throw conflict(c, 'cancelled')
    await withdrawCampaign(trx, c, 'cancelled')
  })
  return getCampaign(db, tenantId, id)
}

export async function removeCampaign(db: Db, tenantId: string, id: string): Promise<void> {
  const c = await campaignRow(db, tenantId, id)
  if (c.status === 'running' || c.status === 'scheduled' || c.status === 'paused')
    throw new WahubError('conflict', `Campaign ${id} is ${c.status}; cancel it first.`)
  await db.deleteFrom('campaigns').where('id', '=', c.id).execute()
}

export type Progress = {
  recipients: number
  pending: number
  queued: number
  sending: number
  sent: number
  delivered: number
  read: number
  failed: number
  unknown: number
  cancelled: number
  skipped: { optedOut: number; invalid: number }
  failedByCode: Record<string, number>
  replied: number
  optedOut: number
}

/**
 * A campaign's range of recipient numbers (its audience's rows), from the primary key's two ends.
 * Two subqueries of one aggregate each: SQLite answers a lone min() or max() with one index
 * seek, but `min(seq), max(seq)` together with a scan of every recipient (~6 ms at 100,000,
 * 0.2 ms now; the runner looks twice a second and each progress reading once).
 */
export async function seqRange(db: Db, campaignId: string): Promise<{ from: number; to: number } | null> {
  const end = (fn: 'min' | 'max') =>
    db
      .selectFrom('campaign_recipients')
      .select((eb) => eb.fn[fn]<number>('seq').as('v'))
      .where('campaign_id', '=', campaignId)
  const r = await db.selectNoFrom([end('min').as('lo'), end('max').as('hi')]).executeTakeFirst()
  return r?.lo === null || r?.lo === undefined ? null : { from: Number(r.lo), to: Number(r.hi) }
}

/**
 * Runs `page(from, to)` over a campaign's recipients a slice of the audience at a time (seq
 * ranges on the primary key), so a large campaign's report is several short statements — on
 * SQLite the process answers requests and sends between them — rather than one long one.
 */
export async function bySeqSlices<T>(
  db: Db,
  campaignId: string,
  page: (from: number, to: number) => Promise<T[]>,
  slice = 10_000,
): Promise<T[]> {
  const range = await seqRange(db, campaignId)
  const out: T[] = []
  if (!range) return out
  for (let from = range.from; from <= range.to; from += slice)
    out.push(...(await page(from, from + slice - 1)))
  return out
}

/** Where every recipient is: the snapshot's states joined with their messages' statuses. */
export async function campaignProgress(db: Db, tenantId: string, id: string): Promise<Progress> {
  const c = await campaignRow(db, tenantId, id)
  const rows = await bySeqSlices(db, c.id, (from, to) =>
    db
      .selectFrom('campaign_recipients as r')
      .leftJoin('messages as m', 'm.id', 'r.message_id')
      .leftJoin('conversations as cv', 'cv.id', 'm.conversation_id')
      .select([
        'r.state',
        'r.reason',
        'm.status',
        'm.error_code',
        (eb) => eb.fn.countAll<number | string>().as('n'),
        (eb) =>
          eb.fn
            .sum<number | string | null>(
              eb.case().when('cv.last_inbound_at', '>', eb.ref('m.created_at')).then(1).else(0).end(),
            )
            .as('replied'),
      ])
      .where('r.campaign_id', '=', c.id)
      .where('r.seq', '>=', from)
      .where('r.seq', '<=', to)
      .groupBy(['r.state', 'r.reason', 'm.status', 'm.error_code'])
      .execute(),
  )
  const p: Progress = {
    recipients: 0,
    pending: 0,
    queued: 0,
    sending: 0,
    sent: 0,
    delivered: 0,
    read: 0,
    failed: 0,
    unknown: 0,
    cancelled: 0,
    skipped: { optedOut: 0, invalid: 0 },
    failedByCode: {},
    replied: 0,
    optedOut: 0,
  }
  for (const r of rows) {
    const n = Number(r.n)
    p.recipients += n
    p.replied += Number(r.replied ?? 0)
    if (r.state === 'pending') p.pending += n
    else if (r.state === 'cancelled') p.cancelled += n
    else if (r.state === 'skipped') {
      if (r.reason?.startsWith('opted_out')) p.skipped.optedOut += n
      else p.skipped.invalid += n
    } else {
      const s = r.status ?? 'queued'
      if (
        s === 'queued' ||
        s === 'sending' ||
        s === 'sent' ||
        s === 'delivered' ||
        s === 'read' ||
        s === 'unknown'
      )
        p[s] += n
      else if (s === 'failed') {
        p.failed += n
        const code = String(r.error_code ?? 'none')
        p.failedByCode[code] = (p.failedByCode[code] ?? 0) + n
      } else p.cancelled += n
    }
  }
  if (c.launched_at !== null) {
    const opted = await db
      .selectFrom('campaign_recipients as r')
      .innerJoin('suppressions as s', (j) =>
        j.onRef('s.wa_id', '=', 'r.wa_id').on('s.tenant_id', '=', tenantId),
      )
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('r.campaign_id', '=', c.id)
      .where('r.state', '!=', 'skipped')
      .where('s.created_at', '>=', Number(c.launched_at))
      .executeTakeFirstOrThrow()
    p.optedOut = Number(opted.n)
  }
  return p
}

/**
 * How long a reading of this campaign's figures may be reused now (live-figures.ts, decision
 * 0089): 0 unless it is running (or scheduled) and large.
 */
export async function figuresReuseMs(db: Db, campaignId: string, status: CampaignStatus): Promise<number> {
  if (status !== 'running' && status !== 'scheduled') return 0
  const range = await seqRange(db, campaignId)
  return range ? reuseForMs(range.to - range.from + 1) : 0
}

/**
 * campaignProgress as a watcher reads it: while a large campaign runs, a recent reading of this
 * process may be reused (live-figures.ts, decision 0089); `fresh: true` forces a new one.
 */
export async function campaignProgressLive(
  db: Db,
  tenantId: string,
  id: string,
  options: { fresh?: boolean; status?: CampaignStatus } = {},
): Promise<Progress> {
  const status = options.status ?? (await campaignRow(db, tenantId, id)).status
  const reuseMs = options.fresh ? 0 : await figuresReuseMs(db, id, status)
  const { value } = await liveFigure(`progress:${id}`, reuseMs, () => campaignProgress(db, tenantId, id))
  return value
}

/**
 * How many of the campaign's queued recipients still wait for their message to leave (queued or
 * being sent). Those whose message has left — sent, failed, unknown… — become `done`, so this
 * look (the runner's, twice a second) stays as small as the backlog, never the whole
 * campaign. Never touches a recipient whose message is still queued (pause and cancel take
 * those back, withdrawCampaign).
 */
export async function waitingToLeave(db: Db, campaignId: string): Promise<number> {
  // Messages leave in about the order they were queued: only the oldest queued recipients are
  // joined with their messages; the rest are counted on the index (still waiting, or looked at
  // on a later pass).
  const oldest = 2000
  const rows = await db
    .selectFrom('campaign_recipients as r')
    .innerJoin('messages as m', 'm.id', 'r.message_id')
    .select(['r.seq', 'm.status'])
    .where('r.campaign_id', '=', campaignId)
    .where('r.state', '=', 'queued')
    .orderBy('r.seq')
    .limit(oldest)
    .execute()
  const left = rows.filter((r) => r.status !== 'queued' && r.status !== 'sending').map((r) => r.seq)
  for (let i = 0; i < left.length; i += 500) {
    await db
      .updateTable('campaign_recipients')
      .set({ state: 'done' })
      .where('campaign_id', '=', campaignId)
      .where('seq', 'in', left.slice(i, i + 500))
      .where('state', '=', 'queued')
      .execute()
  }
  if (rows.length < oldest) return rows.length - left.length
  const all = await db
    .selectFrom('campaign_recipients')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('campaign_id', '=', campaignId)
    .where('state', '=', 'queued')
    .executeTakeFirstOrThrow()
  return Number(all.n)
}

export type ResultRow = {
  seq: number
  waId: string
  state: string
  reason: string | null
  messageId: string | null
  status: string | null
  statusAt: number | null
  errorCode: number | null
  errorTitle: string | null
  replied: boolean
}

/** Every recipient's outcome, in the audience's order, a page at a time (the CSV export). */
export async function* campaignResults(db: Db, tenantId: string, id: string): AsyncGenerator<ResultRow> {
  const c = await campaignRow(db, tenantId, id)
  let after = -1
  for (;;) {
    const rows = await db
      .selectFrom('campaign_recipients as r')
      .leftJoin('messages as m', 'm.id', 'r.message_id')
      .leftJoin('conversations as cv', 'cv.id', 'm.conversation_id')
      .select([
        'r.seq',
        'r.wa_id',
        'r.state',
        'r.reason',
        'r.message_id',
        'm.status',
        'm.status_at',
        'm.error_code',
        'm.error_title',
        sql<number>`case when cv.last_inbound_at > m.created_at then 1 else 0 end`.as('replied'),
      ])
      .where('r.campaign_id', '=', c.id)
      .where('r.seq', '>', after)
      .orderBy('r.seq')
      .limit(1000)
      .execute()
    for (const r of rows) {
      yield {
        seq: r.seq,
        waId: r.wa_id,
        state: r.state,
        reason: r.reason,
        messageId: r.message_id,
        status: r.status,
        statusAt: r.status_at === null ? null : Number(r.status_at),
        errorCode: r.error_code,
        errorTitle: r.error_title,
        replied: Number(r.replied) === 1,
      }
    }
    if (rows.length < 1000) return
    after = rows[rows.length - 1].seq
  }
}
