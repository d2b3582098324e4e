import type { MessageStatusUpdate } from '../cloud-api/webhook-types.ts'
import { scheduleAutoReply } from './auto-reply.ts'
import type { EmulatorContext } from './context.ts'
import { webhookError } from './graph-errors.ts'
import type { OutboundMessage, StatusName } from './types.ts'
import { contactOf, statusValue } from './webhook-payloads.ts'

const order: Record<StatusName, number> = { accepted: 0, sent: 1, delivered: 2, read: 3, failed: 4 }

export type SendOutcome = { failCode: number; failDetails: string } | undefined

/**
 * Status webhooks after a send (M-STATUS): sent → delivered → read at the configured delays,
 * or one `failed` with errors[] for async failures (131026 undeliverable, 131047 window).
 * Reactions only ever get `sent`. The reorder fault emits them last-first.
 */
export function scheduleStatuses(ctx: EmulatorContext, msg: OutboundMessage, outcome: SendOutcome): void {
  const { sentMs, deliveredMs, readMs } = ctx.options.delays
  if (outcome) {
    ctx.scheduler.after(sentMs, () => emitStatus(ctx, msg, 'failed', outcome))
    return
  }
  const customer = ctx.state.customers.get(msg.customerKey)
  const steps: StatusName[] = ['sent']
  if (msg.type !== 'reaction') {
    steps.push('delivered')
    if (readMs >= 0 && customer?.reads !== false) steps.push('read')
  }
  const times = [sentMs, Math.max(sentMs, deliveredMs), Math.max(sentMs, deliveredMs, readMs)]
  const emitted = ctx.faults.webhooks.reorder ? [...steps].reverse() : steps
  emitted.forEach((status, i) => {
    ctx.scheduler.after(times[i], () => {
      emitStatus(ctx, msg, status, undefined)
      if (i === emitted.length - 1 && msg.type !== 'reaction') scheduleAutoReply(ctx, msg)
    })
  })
}

function emitStatus(
  ctx: EmulatorContext,
  msg: OutboundMessage,
  status: StatusName,
  outcome: SendOutcome,
): void {
  const number = ctx.state.numbers.get(msg.phoneNumberId)
  const waba = number ? ctx.state.wabas.get(number.wabaId) : undefined
  const customer = ctx.state.customers.get(msg.customerKey)
  if (!number || !waba || !customer) return
  const now = Date.now()
  msg.statusHistory.push({ status, at: now, errorCode: outcome?.failCode })
  // Statuses only move forward in the emulator's own view (a late one is still delivered).
  if (order[status] > order[msg.status]) msg.status = status
  const s: MessageStatusUpdate = { id: msg.wamid, status, timestamp: String(Math.floor(now / 1000)) }
  if (customer.waId) s.recipient_id = customer.waId
  if (customer.userId) s.recipient_user_id = customer.userId
  if (msg.bizOpaqueCallbackData !== undefined) s.biz_opaque_callback_data = msg.bizOpaqueCallbackData
  // pricing (and conversation) appear with `sent` and with `delivered`, never with `read`.
  if ((status === 'sent' || status === 'delivered') && msg.pricing) {
    if (msg.conversation) {
      const { expiration_timestamp, ...rest } = msg.conversation
      s.conversation = status === 'sent' ? { ...rest, expiration_timestamp } : rest
    }
    s.pricing = msg.pricing
  }
  if (outcome) s.errors = [webhookError(outcome.failCode, outcome.failDetails)]
  // 2026 fixtures carry contacts on sent/delivered/read for BSUID users, not on failed.
  const contact = !outcome && customer.userId ? contactOf(customer) : undefined
  ctx.webhooks.emit({
    wabaId: waba.id,
    field: 'messages',
    phoneNumberId: number.id,
    value: statusValue(number, s, contact),
  })
}
