import { applyNumberField } from '../channels/number-updates.ts'
import { knownPhoneNumberIds, type RoutedNumber, routeNumber } from '../channels/routing.ts'
import type { MessageStatusUpdate } from '../cloud-api/webhook-types.ts'
import type { Db } from '../db/connect.ts'
import { recordEvent } from '../events/events-repo.ts'
import { recordInbound } from '../inbox/inbound.ts'
import type { JobHandler } from '../jobs/types.ts'
import { applyStatus } from '../messaging/status.ts'
import { applyTemplateField } from '../templates/status-updates.ts'
import { loadEvent, setEventOutcome } from './events-repo.ts'
import { metaTimeMs, parseWebhook, type WebhookItem } from './parse.ts'

// Processes one stored webhook event (SPEC §5), in one transaction: every item of every entry
// and change. Routing is by metadata.phone_number_id; an item for a number Wahub does not know
// (or one not assigned to a tenant) is not dropped: the event is kept as `unrouted`, logged
// with the known ids, and processed again when the number is added (replay). Everything is
// idempotent, so processing an event twice changes nothing.

type Obj = Record<string, unknown>
type LogLine = { level: 'info' | 'warn'; fields: Obj; msg: string }

export type ProcessDeps = { db: Db; onReplayNeeded?: () => void }

const templateFields = new Set([
  'message_template_status_update',
  'message_template_quality_update',
  'template_category_update',
])
const numberFields = new Set(['phone_number_quality_update', 'phone_number_name_update'])

export function createWebhookProcessJob(deps: ProcessDeps): JobHandler<'webhook.process'> {
  return async ({ eventId }, { log }) => {
    const event = await loadEvent(deps.db, eventId)
    if (event?.outcome !== 'pending') return undefined

    let payload: unknown
    try {
      payload = JSON.parse(event.body.toString('utf8'))
    } catch (err) {
      // Signed by Meta's app secret but not JSON: kept as rejected, never retried (decision 0007).
      const reason = `the body is not valid JSON (${(err as Error).message})`
      await setEventOutcome(deps.db, eventId, 'rejected', { reason })
      log.warn({ eventId, reason }, 'webhook rejected')
      return undefined
    }
    const object = (payload as Obj | null)?.object
    if (object !== undefined && object !== 'whatsapp_business_account') {
      const reason = `object is "${String(object)}", not whatsapp_business_account`
      await setEventOutcome(deps.db, eventId, 'rejected', { reason })
      log.warn({ eventId, reason }, 'webhook rejected')
      return undefined
    }

    const items = parseWebhook(payload)
    const logs: LogLine[] = []
    const unrouted = new Set<string>()
    const unassigned = new Set<string>()
    const malformed: string[] = []

    await deps.db.transaction().execute(async (trx) => {
      const routes = new Map<string, RoutedNumber | undefined>()
      const route = async (phoneNumberId: string) => {
        if (!routes.has(phoneNumberId)) routes.set(phoneNumberId, await routeNumber(trx, phoneNumberId))
        return routes.get(phoneNumberId)
      }
      for (const item of items) {
        await processItem(trx, item, { eventId, route, logs, unrouted, unassigned, malformed })
      }
      if (unrouted.size > 0 || unassigned.size > 0) {
        const reason = [
          unrouted.size > 0 ? `unknown phone_number_id ${[...unrouted].join(', ')}` : '',
          unassigned.size > 0 ? `number ${[...unassigned].join(', ')} is not assigned to a tenant` : '',
        ]
          .filter(Boolean)
          .join('; ')
        await setEventOutcome(trx, eventId, 'unrouted', {
          reason,
          phoneNumberIds: [...unrouted, ...unassigned],
        })
        await recordEvent(trx, {
          tenantId: null,
          kind: 'webhook.unrouted',
          subjectId: eventId,
          payload: { reason },
        })
      } else {
        const reason = malformed.length > 0 ? `skipped: ${malformed.slice(0, 5).join('; ')}` : null
        await setEventOutcome(trx, eventId, 'processed', { reason })
      }
    })

    for (const line of logs) log[line.level](line.fields, line.msg)
    if (unrouted.size > 0 || unassigned.size > 0) {
      // The line a person greps for when events "go nowhere" (seed 000's "Platform not found").
      log.warn(
        {
          eventId,
          unknownPhoneNumberIds: [...unrouted],
          unassignedPhoneNumberIds: [...unassigned],
          knownPhoneNumberIds: await knownPhoneNumberIds(deps.db),
        },
        'webhook unrouted',
      )
    }
    if (malformed.length > 0) log.warn({ eventId, problems: malformed.slice(0, 10) }, 'webhook items skipped')
    return undefined
  }
}

type ItemContext = {
  eventId: string
  route: (phoneNumberId: string) => Promise<RoutedNumber | undefined>
  logs: LogLine[]
  unrouted: Set<string>
  unassigned: Set<string>
  malformed: string[]
}

async function processItem(db: Db, item: WebhookItem, ctx: ItemContext): Promise<void> {
  switch (item.kind) {
    case 'malformed':
      ctx.malformed.push(item.reason)
      return
    case 'message': {
      const routed = await ctx.route(item.phoneNumberId)
      if (!routed) return void ctx.unrouted.add(item.phoneNumberId)
      if (!routed.tenantId) return void ctx.unassigned.add(item.phoneNumberId)
      const at = metaTimeMs((item.message as Obj).timestamp) ?? Date.now()
      const result = await recordInbound(
        db,
        { tenantId: routed.tenantId, numberRowId: routed.id },
        { message: item.message, contact: item.contact, valueErrors: item.valueErrors, at },
      )
      if (result.kind === 'skipped') ctx.malformed.push(result.reason)
      else if (result.kind === 'stored' && result.inserted) {
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
      const status = item.status as MessageStatusUpdate
      const result = await applyStatus(db, {
        metaPhoneNumberId: item.phoneNumberId,
        numberRowId: routed.id,
        status,
        webhookEventId: ctx.eventId,
      })
      if (!result.stored) return
      const error = status.status === 'failed' ? status.errors?.[0] : undefined
      if (result.messageId && result.changed) {
        await recordEvent(db, {
          tenantId: result.tenantId,
          kind: 'message.status',
          subjectId: result.messageId,
          payload: { messageId: result.messageId, status: status.status, errorCode: error?.code ?? null },
        })
      }
      ctx.logs.push({
        level: error ? 'warn' : 'info',
        fields: {
          eventId: ctx.eventId,
          wamid: status.id,
          status: status.status,
          messageId: result.messageId,
          phoneNumberId: item.phoneNumberId,
          ...(error ? { code: error.code, title: error.title } : {}),
          ...(result.messageId ? {} : { unknownWamid: true }),
        },
        msg: error ? 'send failed' : 'status update',
      })
      return
    }
    case 'value_errors': {
      const routed = await ctx.route(item.phoneNumberId)
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
      let tenantId: string | null = null
      let kind: Parameters<typeof recordEvent>[1]['kind'] = 'webhook.field'
      let subjectId: string | null = null
      if (templateFields.has(item.field)) {
        const update = await applyTemplateField(db, item.wabaId, item.field, item.value)
        tenantId = update?.tenantId ?? null
        kind =
          item.field === 'message_template_status_update'
            ? 'template.status'
            : item.field === 'message_template_quality_update'
              ? 'template.quality'
              : 'template.category'
        subjectId = update?.name ?? null
      } else if (numberFields.has(item.field)) {
        const update = await applyNumberField(db, item.wabaId, item.field, item.value)
        tenantId = update?.tenantId ?? null
        kind = item.field === 'phone_number_quality_update' ? 'number.quality' : 'number.name'
        subjectId = update?.numberRowId ?? null
      } else if (item.field === 'account_update') {
        kind = 'account.update'
      }
      await recordEvent(db, {
        tenantId,
        kind,
        subjectId,
        payload: { field: item.field, wabaId: item.wabaId, value: item.value },
      })
      ctx.logs.push({
        level: 'info',
        fields: { eventId: ctx.eventId, field: item.field, wabaId: item.wabaId },
        msg: 'webhook field',
      })
      return
    }
  }
}
