import { noteInboundReply } from '../campaigns/suppressions.ts'
import { applyNumberField } from '../channels/number-updates.ts'
import {
  knownPhoneNumberIds,
  type RoutedNumber,
  routeNumber,
  signedByOwner,
  wabaAppRowId,
} from '../channels/routing.ts'
import { metaTimeMs } from '../cloud-api/meta-time.ts'
import type { InboundMessage, MessageStatusUpdate } from '../cloud-api/webhook-types.ts'
import type { Db } from '../db/connect.ts'
import type { DialectCapabilities } from '../db/dialect.ts'
import { lockSubjects, retryOnDeadlock } from '../db/ordered-locks.ts'
import { recordEvent, recordEvents } from '../events/events-repo.ts'
import { recordInbound, senderOf } from '../inbox/inbound.ts'
import { InboundBatch } from '../inbox/inbound-batch.ts'
import { enqueueJob } from '../jobs/jobs-repo.ts'
import type { JobHandler } from '../jobs/types.ts'
import { applyStatuses, type StatusInput } from '../messaging/status.ts'
import { applyTemplateField } from '../templates/status-updates.ts'
import {
  clipReason,
  loadEvents,
  type StoredEvent,
  setEventOutcome,
  setEventsProcessed,
} from './events-repo.ts'
import { parseWebhook, type WebhookItem } from './parse.ts'

// Processes one stored webhook event (SPEC §5), in one transaction: every item of every entry
// and change. Routing is by metadata.phone_number_id; an item for a number Wahub does not know
// (or one not assigned to a tenant) is not dropped: the event is kept as `unrouted`, logged
// with the known ids, and processed again when the number is added (replay). Everything is
// idempotent, so processing an event twice changes nothing.

type Obj = Record<string, unknown>
type LogLine = { level: 'info' | 'warn'; fields: Obj; msg: string }

/**
 * PostgreSQL's text cannot hold U+0000 and Meta never sends it: a signed body with one (the fuzz
 * suite's `"name":"\u0000"`) failed every retry on PostgreSQL and was processed on SQLite. Every
 * string of the payload loses its NULs before anything is stored, the same on both databases.
 */
function withoutNul(_key: string, value: unknown): unknown {
  return typeof value === 'string' && value.includes('\u0000') ? value.replaceAll('\u0000', '') : value
}

export type ProcessDeps = {
  db: Db
  caps: DialectCapabilities
  /** Counts a transaction PostgreSQL aborted as a deadlock (it is run again at once). */
  onDeadlock?: () => void
  onReplayNeeded?: () => void
  /** Called once per event kept as wrong_app (signed by an app that does not own its numbers). */
  onWrongApp?: () => void
}

const templateFields = new Set([
  'message_template_status_update',
  'message_template_quality_update',
  'template_category_update',
])
const numberFields = new Set(['phone_number_quality_update', 'phone_number_name_update'])

type EventOutcome = {
  id: string
  outcome: 'processed' | 'unrouted' | 'wrong_app' | 'rejected'
  reason: string | null
  phoneNumberIds: string[]
  wrongApp: string[]
  unrouted: string[]
  unassigned: string[]
  malformed: string[]
}

export function createWebhookProcessJob(deps: ProcessDeps): JobHandler<'webhook.process'> {
  return async ({ eventIds }, { job, log }) => {
    const events = (await loadEvents(deps.db, eventIds)).filter((e) => e.outcome === 'pending')
    if (events.length === 0) return undefined
    let logs: LogLine[] = []
    let outcomes: EventOutcome[] = []
    try {
      await retryOnDeadlock(
        () =>
          deps.db.transaction().execute(async (trx) => {
            logs = []
            outcomes = await processEvents(trx, deps.caps, events, logs)
          }),
        (err) => {
          deps.onDeadlock?.()
          log.warn({ err, events: events.length }, 'webhook batch retried after a deadlock')
        },
      )
    } catch (err) {
      if (events.length > 1) {
        // One bad event must not hold back the others: retry each on its own.
        await deps.db.transaction().execute(async (trx) => {
          for (const e of events)
            await enqueueJob(trx, 'webhook.process', { eventIds: [e.id] }, { maxAttempts: 10 })
        })
        log.warn({ err, events: events.length }, 'webhook batch split after an error')
        return undefined
      }
      if (job.attempts >= job.maxAttempts) {
        await setEventOutcome(deps.db, events[0].id, 'failed', { reason: (err as Error).message })
        log.error({ err, eventId: events[0].id }, 'webhook processing failed')
        return undefined
      }
      throw err
    }

    for (const line of logs) log[line.level](line.fields, line.msg)
    let known: string[] | undefined
    for (const o of outcomes) {
      if (o.outcome === 'rejected')
        log.warn({ eventId: o.id, reason: clipReason(o.reason, 200) }, 'webhook rejected')
      if (o.outcome === 'wrong_app') {
        deps.onWrongApp?.()
        log.warn({ eventId: o.id, ids: o.wrongApp, reason: o.reason }, 'webhook wrong app')
      }
      if (o.outcome === 'unrouted') {
        known ??= await knownPhoneNumberIds(deps.db)
        // The line a person greps for when events "go nowhere" (seed 000's "Platform not found").
        log.warn(
          {
            eventId: o.id,
            unknownPhoneNumberIds: o.unrouted,
            unassignedPhoneNumberIds: o.unassigned,
            knownPhoneNumberIds: known,
          },
          'webhook unrouted',
        )
      }
      if (o.malformed.length > 0)
        log.warn(
          { eventId: o.id, problems: o.malformed.slice(0, 10).map((p) => clipReason(p, 200)) },
          'webhook items skipped',
        )
    }
    return undefined
  }
}

async function processEvents(
  db: Db,
  caps: DialectCapabilities,
  events: StoredEvent[],
  logs: LogLine[],
): Promise<EventOutcome[]> {
  const routes = new Map<string, RoutedNumber | undefined>()
  const route = async (phoneNumberId: string) => {
    if (!routes.has(phoneNumberId)) routes.set(phoneNumberId, await routeNumber(db, phoneNumberId))
    return routes.get(phoneNumberId)
  }
  const outcomes: EventOutcome[] = []
  const parsed: { event: StoredEvent; outcome: EventOutcome; items: WebhookItem[] }[] = []
  for (const event of events) {
    const outcome: EventOutcome = {
      id: event.id,
      outcome: 'processed',
      reason: null,
      phoneNumberIds: [],
      wrongApp: [],
      unrouted: [],
      unassigned: [],
      malformed: [],
    }
    outcomes.push(outcome)
    let payload: unknown
    try {
      // A NUL can only arrive as the escape \u0000 (JSON forbids raw control characters), so
      // the reviver (a JavaScript call per key and value of the payload) runs only then.
      const text = event.body.toString('utf8')
      payload = JSON.parse(text, /\\u0000/i.test(text) ? withoutNul : undefined)
    } catch (err) {
      // Signed by Meta's app secret but not JSON: kept as rejected, never retried (decision 0007).
      outcome.outcome = 'rejected'
      outcome.reason = `the body is not valid JSON (${(err as Error).message})`
      continue
    }
    const object = (payload as Obj | null)?.object
    if (object !== undefined && object !== 'whatsapp_business_account') {
      outcome.outcome = 'rejected'
      outcome.reason = `object is "${String(object)}", not whatsapp_business_account`
      continue
    }
    parsed.push({ event, outcome, items: [...parseWebhook(payload)] })
  }
  // Every customer and WABA of the batch, locked in one global order before the first write:
  // concurrent batches that share customers queue instead of deadlocking (decision 0020).
  await lockSubjects(
    db,
    caps,
    parsed.flatMap((p) => p.items.flatMap(subjectsOf)),
  )
  // The batch's messages are placed together (inbox/inbound-batch.ts, decision 0112): their
  // senders' contacts and conversations read here in one statement, and what nothing reads back
  // written at the next flush — before any other kind of write below, and at the end.
  const inbound = new InboundBatch()
  const senders: Parameters<InboundBatch['prefetch']>[1][number][] = []
  for (const { event, items } of parsed) {
    for (const item of items) {
      if (item.kind !== 'message') continue
      const routed = await route(item.phoneNumberId)
      if (!routed?.tenantId || !signedByOwner(routed.metaAppRowId, event.metaAppRowId)) continue
      senders.push({
        tenantId: routed.tenantId,
        numberRowId: routed.id,
        key: senderOf(item),
        wamid: String((item.message as Obj).id),
      })
    }
  }
  await inbound.prefetch(db, senders)
  const statuses: PendingStatus[] = []
  const keywords = new Map<string, ReadonlySet<string>>()
  for (const { event, outcome, items } of parsed) {
    const unrouted = new Set<string>()
    const unassigned = new Set<string>()
    const wrongApp = new Set<string>()
    for (const item of items) {
      await processItem(db, item, {
        eventId: event.id,
        signer: event.metaAppRowId,
        wrongApp,
        route,
        logs,
        unrouted,
        unassigned,
        malformed: outcome.malformed,
        statuses,
        inbound,
        keywords,
      })
    }
    outcome.unrouted = [...unrouted]
    outcome.unassigned = [...unassigned]
    outcome.wrongApp = [...wrongApp]
    if (wrongApp.size > 0) {
      // Kept, never routed into a tenant: the items for the signer's own numbers (if any) were
      // processed; doctor shows the rest with the fix (diagnostics/checks/traffic.ts).
      outcome.outcome = 'wrong_app'
      outcome.reason = `signed by an app that does not own ${[...wrongApp].join(', ')}`
      outcome.phoneNumberIds = [...wrongApp]
    } else if (unrouted.size > 0 || unassigned.size > 0) {
      outcome.outcome = 'unrouted'
      outcome.reason = [
        unrouted.size > 0 ? `unknown phone_number_id ${[...unrouted].join(', ')}` : '',
        unassigned.size > 0 ? `number ${[...unassigned].join(', ')} is not assigned to a tenant` : '',
      ]
        .filter(Boolean)
        .join('; ')
      outcome.phoneNumberIds = [...unrouted, ...unassigned]
      await inbound.flush(db)
      await recordEvent(db, {
        tenantId: null,
        kind: 'webhook.unrouted',
        subjectId: event.id,
        payload: { reason: outcome.reason },
      })
    } else if (outcome.malformed.length > 0) {
      outcome.reason = `skipped: ${outcome.malformed.slice(0, 5).join('; ')}`
    }
  }
  await inbound.flush(db)
  await applyBatchStatuses(db, statuses, logs)
  // Most events end plainly processed: one update for all of them.
  const plain = outcomes.filter((o) => o.outcome === 'processed' && o.reason === null).map((o) => o.id)
  if (plain.length > 0) await setEventsProcessed(db, plain)
  for (const o of outcomes) {
    if (o.outcome === 'processed' && o.reason === null) continue
    await setEventOutcome(db, o.id, o.outcome, { reason: o.reason, phoneNumberIds: o.phoneNumberIds })
  }
  return outcomes
}

/** The subjects an item writes under (ordered-locks.ts): its customer, or its WABA's templates and numbers. */
function subjectsOf(item: WebhookItem): string[] {
  switch (item.kind) {
    case 'message': {
      const m = item.message as InboundMessage & Obj
      const keys = [customerKey(item.contact?.wa_id ?? m.from, item.contact?.user_id ?? m.from_user_id)]
      const system = m.system as Obj | undefined
      if (system) keys.push(customerKey(system.wa_id ?? system.new_wa_id, undefined))
      return keys
    }
    case 'status':
      return [customerKey(item.status.recipient_id, undefined, item.status.id)]
    case 'field':
      return [`waba:${item.wabaId ?? ''}`]
    default:
      return []
  }
}

function customerKey(waId: unknown, userId: unknown, fallback = ''): string {
  if (typeof waId === 'string' && waId !== '') return `customer:${waId}`
  if (typeof userId === 'string' && userId !== '') return `customer-user:${userId}`
  return `other:${fallback}`
}

type ItemContext = {
  eventId: string
  /** meta_apps.id of the app whose secret verified the event. */
  signer: string | null
  /** Numbers (or WABAs) the signing app does not own: never routed (SPEC §12). */
  wrongApp: Set<string>
  route: (phoneNumberId: string) => Promise<RoutedNumber | undefined>
  logs: LogLine[]
  unrouted: Set<string>
  unassigned: Set<string>
  malformed: string[]
  /** The batch's status webhooks, applied together after its items (applyBatchStatuses). */
  statuses: PendingStatus[]
  /** The batch's inbound messages (flushed before any other kind of write). */
  inbound: InboundBatch
  /** Each tenant's opt-out keywords, read once per transaction (campaigns/suppressions.ts). */
  keywords: Map<string, ReadonlySet<string>>
}

type PendingStatus = { eventId: string; input: StatusInput }

/** The batch's statuses in one go: stored, applied, their events in one statement, logged. */
async function applyBatchStatuses(db: Db, pending: readonly PendingStatus[], logs: LogLine[]): Promise<void> {
  const results = await applyStatuses(
    db,
    pending.map((p) => p.input),
  )
  const events: Parameters<typeof recordEvents>[1][number][] = []
  for (const [n, result] of results.entries()) {
    if (!result.stored) continue
    const { eventId, input } = pending[n]
    const status = input.status
    const error = status.status === 'failed' ? status.errors?.[0] : undefined
    if (result.messageId && result.changed)
      events.push({
        tenantId: result.tenantId,
        kind: 'message.status',
        subjectId: result.messageId,
        payload: { messageId: result.messageId, status: status.status, errorCode: error?.code ?? null },
      })
    logs.push({
      level: error ? 'warn' : 'info',
      fields: {
        eventId,
        wamid: status.id,
        status: status.status,
        messageId: result.messageId,
        phoneNumberId: input.metaPhoneNumberId,
        ...(error ? { code: error.code, title: error.title } : {}),
        ...(result.messageId ? {} : { unknownWamid: true }),
      },
      msg: error ? 'send failed' : 'status update',
    })
  }
  await recordEvents(db, events)
}

async function processItem(db: Db, item: WebhookItem, ctx: ItemContext): Promise<void> {
  switch (item.kind) {
    case 'malformed':
      ctx.malformed.push(item.reason)
      return
    case 'message': {
      const routed = await ctx.route(item.phoneNumberId)
      if (!routed) return void ctx.unrouted.add(item.phoneNumberId)
      if (!signedByOwner(routed.metaAppRowId, ctx.signer)) return void ctx.wrongApp.add(item.phoneNumberId)
      if (!routed.tenantId) return void ctx.unassigned.add(item.phoneNumberId)
      const at = metaTimeMs((item.message as Obj).timestamp) ?? Date.now()
      const result = await recordInbound(
        db,
        { tenantId: routed.tenantId, numberRowId: routed.id },
        { message: item.message, contact: item.contact, valueErrors: item.valueErrors, at },
        ctx.inbound,
      )
      if (result.kind === 'skipped') ctx.malformed.push(result.reason)
      else if (result.kind === 'stored' && result.inserted) {
        // A STOP-like reply puts the sender on the tenant's suppression list (campaigns/).
        const from = (item.contact as Obj | undefined)?.wa_id ?? (item.message as Obj).from
        await noteInboundReply(
          db,
          {
            tenantId: routed.tenantId,
            waId: typeof from === 'string' && from !== '' ? from : null,
            messageId: result.messageId,
            message: item.message as Obj,
            at,
          },
          { beforeWrite: () => ctx.inbound.flush(db), keywords: ctx.keywords },
        )
        ctx.logs.push({
          level: 'info',
          fields: {
            eventId: ctx.eventId,
            messageId: result.messageId,
            conversationId: result.conversationId,
            tenantId: routed.tenantId,
            phoneNumberId: item.phoneNumberId,
            type: result.type,
          },
          msg: 'inbound message',
        })
      }
      return
    }
    case 'status': {
      const routed = await ctx.route(item.phoneNumberId)
      if (!routed) return void ctx.unrouted.add(item.phoneNumberId)
      if (!signedByOwner(routed.metaAppRowId, ctx.signer)) return void ctx.wrongApp.add(item.phoneNumberId)
      // Applied with the batch's other statuses after the loop (applyStatuses: few statements).
      ctx.statuses.push({
        eventId: ctx.eventId,
        input: {
          metaPhoneNumberId: item.phoneNumberId,
          numberRowId: routed.id,
          status: item.status as MessageStatusUpdate,
          webhookEventId: ctx.eventId,
        },
      })
      return
    }
    case 'value_errors': {
      await ctx.inbound.flush(db)
      const routed = await ctx.route(item.phoneNumberId)
      if (routed && !signedByOwner(routed.metaAppRowId, ctx.signer))
        return void ctx.wrongApp.add(item.phoneNumberId)
      await recordEvent(db, {
        tenantId: routed?.tenantId ?? null,
        kind: 'webhook.field',
        subjectId: ctx.eventId,
        payload: { field: 'messages.errors', phoneNumberId: item.phoneNumberId, errors: item.errors },
      })
      ctx.logs.push({
        level: 'warn',
        fields: {
          eventId: ctx.eventId,
          phoneNumberId: item.phoneNumberId,
          codes: item.errors.map((e) => e.code),
        },
        msg: 'webhook errors',
      })
      return
    }
    case 'field': {
      await ctx.inbound.flush(db)
      const owner = item.wabaId ? await wabaAppRowId(db, item.wabaId) : undefined
      if (item.wabaId && owner !== undefined && !signedByOwner(owner, ctx.signer))
        return void ctx.wrongApp.add(item.wabaId)
      let tenantIds: (string | null)[] = [null]
      let kind: Parameters<typeof recordEvent>[1]['kind'] = 'webhook.field'
      let subjectId: string | null = null
      if (templateFields.has(item.field)) {
        const update = await applyTemplateField(db, item.wabaId, item.field, item.value)
        // One event per tenant sending with the WABA's templates (each hears of it by callback).
        if (update && update.tenantIds.length > 0) tenantIds = update.tenantIds
        kind =
          item.field === 'message_template_status_update'
            ? 'template.status'
            : item.field === 'message_template_quality_update'
              ? 'template.quality'
              : 'template.category'
        subjectId = update?.name ?? null
      } else if (numberFields.has(item.field)) {
        const update = await applyNumberField(db, item.wabaId, item.field, item.value)
        tenantIds = [update?.tenantId ?? null]
        kind = item.field === 'phone_number_quality_update' ? 'number.quality' : 'number.name'
        subjectId = update?.numberRowId ?? null
      } else if (item.field === 'account_update') {
        kind = 'account.update'
      }
      for (const tenantId of tenantIds) {
        await recordEvent(db, {
          tenantId,
          kind,
          subjectId,
          payload: { field: item.field, wabaId: item.wabaId, value: item.value },
        })
      }
      ctx.logs.push({
        level: 'info',
        fields: { eventId: ctx.eventId, field: item.field, wabaId: item.wabaId },
        msg: 'webhook field',
      })
      return
    }
  }
}
