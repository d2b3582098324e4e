import type { Vault } from '../channels/vault.ts'
import type { Db } from '../db/connect.ts'
import { listEventsAfter, recordEvent } from '../events/events-repo.ts'
import { newId } from '../ids.ts'
import type { JobHandler } from '../jobs/types.ts'
import { deliveryAttempts, retryDelaysMs } from './callbacks.ts'
import { type Attempt, excerptChars, recordAttempt, settleDelivery } from './delivery-log.ts'
import { subscriptionIdOf } from './endpoints.ts'
import { testEventKind } from './event-types.ts'
import { legacySignature, standardWebhookHeaders } from './standard-webhooks.ts'
import {
  disableSubscription,
  getSubscription,
  noteOutcome,
  type SubscriptionTarget,
  subscriptionTarget,
} from './subscriptions.ts'

// One event to one subscription: signed per Standard Webhooks (and X-Wahub-Signature-256 for
// the tenant's callback URL, decision 0065), every attempt written to the delivery log. A
// failure is retried on the schedule of callbacks.ts (> 24 h); after the last attempt the
// delivery is failed and the subscription disabled, with a `subscription.disabled` event and
// doctor's warning (decision 0066).

type Obj = Record<string, unknown>

export type PostOutcome = {
  ok: boolean
  httpStatus: number | null
  latencyMs: number
  responseExcerpt: string | null
  error: string | null
}

async function readExcerpt(res: Response): Promise<string | null> {
  if (!res.body) return null
  const reader = res.body.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  try {
    while (size < excerptChars * 4) {
      const { done, value } = await reader.read()
      if (done) break
      chunks.push(value)
      size += value.length
    }
  } finally {
    await reader.cancel().catch(() => {})
  }
  const text = Buffer.concat(chunks).toString('utf8').slice(0, excerptChars)
  return text.length > 0 ? text : null
}

/** POSTs one signed body; never throws (a network error is an outcome). */
export async function postSigned(
  target: Pick<SubscriptionTarget, 'url' | 'secret' | 'legacy'>,
  webhookId: string,
  body: string,
  extraHeaders: Record<string, string>,
  timeoutMs: number,
): Promise<PostOutcome> {
  const started = performance.now()
  try {
    const res = await fetch(target.url, {
      method: 'POST',
      redirect: 'manual',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'wahub-webhooks',
        ...standardWebhookHeaders(target.secret, webhookId, body),
        ...(target.legacy ? { 'x-wahub-signature-256': legacySignature(target.secret, body) } : {}),
        ...extraHeaders,
      },
      body,
      signal: AbortSignal.timeout(timeoutMs),
    })
    const excerpt = await readExcerpt(res).catch(() => null)
    return {
      ok: res.status >= 200 && res.status < 300,
      httpStatus: res.status,
      latencyMs: performance.now() - started,
      responseExcerpt: excerpt,
      error: res.status >= 200 && res.status < 300 ? null : `HTTP ${res.status}`,
    }
  } catch (err) {
    const e = err as Error & { cause?: { code?: string; message?: string } }
    const reason =
      e.name === 'TimeoutError'
        ? `no answer within ${timeoutMs} ms`
        : (e.cause?.code ?? e.cause?.message ?? e.message)
    return {
      ok: false,
      httpStatus: null,
      latencyMs: performance.now() - started,
      responseExcerpt: null,
      error: `request failed: ${reason}`,
    }
  }
}

/** What the tenant receives about a message: a snapshot of it as it is now. */
async function messageSnapshot(db: Db, tenantId: string, messageId: string): Promise<Obj | null> {
  const row = await db
    .selectFrom('messages as m')
    .innerJoin('phone_numbers as p', 'p.id', 'm.phone_number_id')
    .select([
      'm.id',
      'm.conversation_id',
      'm.direction',
      'm.type',
      'm.status',
      'm.wamid',
      'm.content',
      'm.error_code',
      'm.error_title',
      'm.error_details',
      'm.error_explanation',
      'm.created_at',
      'p.phone_number_id',
    ])
    .where('m.tenant_id', '=', tenantId)
    .where('m.id', '=', messageId)
    .executeTakeFirst()
  if (!row) return null
  const content = JSON.parse(row.content) as Obj
  const out = row.direction === 'out'
  return {
    id: row.id,
    conversationId: row.conversation_id,
    direction: row.direction,
    type: row.type,
    status: row.status,
    wamid: row.wamid,
    from: out ? row.phone_number_id : (content.from ?? null),
    to: out ? (content.to ?? content.recipient ?? null) : row.phone_number_id,
    ...(out ? {} : { content }),
    error:
      row.error_code === null && row.error_title === null
        ? null
        : {
            code: row.error_code,
            title: row.error_title,
            details: row.error_details,
            explanation: row.error_explanation,
          },
    createdAt: row.created_at,
  }
}

/** The body every subscription receives for one event (the callback URL's, plus `timestamp`). */
export async function eventBody(
  db: Db,
  tenantId: string,
  event: { id: number; kind: string; createdAt: number; payload: unknown },
): Promise<string> {
  const payload = event.payload as Obj
  const messageId = typeof payload?.messageId === 'string' ? payload.messageId : undefined
  return JSON.stringify({
    id: event.id,
    type: event.kind,
    timestamp: new Date(event.createdAt).toISOString(),
    createdAt: event.createdAt,
    data: payload,
    ...(messageId ? { message: await messageSnapshot(db, tenantId, messageId) } : {}),
  })
}

export function createCallbackDeliverJob(deps: {
  db: Db
  vault: Vault
  timeoutMs?: number
}): JobHandler<'callback.deliver'> {
  const { db, vault } = deps
  return async ({ tenantId, endpointId, eventId }, { log, job }) => {
    const subscriptionId = subscriptionIdOf(tenantId, endpointId)
    const target = await subscriptionTarget(db, vault, tenantId, subscriptionId)
    if (!target) return undefined // the subscription was removed meanwhile
    if (!target.enabled) {
      await settleDelivery(db, subscriptionId, eventId, 'failed', 'not sent: the subscription is disabled')
      return undefined
    }
    const [event] = await listEventsAfter(db, { tenantId, afterId: eventId - 1, limit: 1 })
    if (!event || event.id !== eventId) return undefined
    const body = await eventBody(db, tenantId, event)
    const outcome = await postSigned(
      target,
      `evt_${eventId}`,
      body,
      { 'x-wahub-event-id': String(eventId) },
      deps.timeoutMs ?? 10_000,
    )
    const last = job.attempts >= deliveryAttempts
    const at = Date.now()
    await recordAttempt(db, {
      subscriptionId,
      tenantId,
      eventId,
      eventKind: event.kind,
      webhookId: `evt_${eventId}`,
      ...outcome,
      at,
      settle: last ? 'failed' : 'pending',
    })
    await noteOutcome(db, subscriptionId, outcome.ok, at)
    const host = new URL(target.url).host
    if (outcome.ok) {
      log.debug({ tenantId, subscriptionId, eventId, kind: event.kind, host }, 'callback delivered')
      return undefined
    }
    log.warn(
      {
        tenantId,
        subscriptionId,
        eventId,
        kind: event.kind,
        host,
        status: outcome.httpStatus,
        attempt: job.attempts,
        last,
      },
      'callback failed',
    )
    if (!last) {
      return { retry: true, delayMs: retryDelaysMs[job.attempts - 1], error: outcome.error ?? 'failed' }
    }
    const reason = `event ${eventId} (${event.kind}) failed ${deliveryAttempts} times over more than 24 hours; last: ${outcome.error}`
    if (await disableSubscription(db, subscriptionId, reason)) {
      log.warn({ tenantId, subscriptionId, host }, 'webhook subscription disabled')
      await recordEvent(db, {
        tenantId,
        kind: 'subscription.disabled',
        subjectId: subscriptionId,
        payload: { subscriptionId, host, reason },
      })
    }
    return undefined
  }
}

/** "Send test event": one signed `webhook.test` POST now, logged, not retried. */
export async function sendTestEvent(
  db: Db,
  vault: Vault,
  tenantId: string,
  subscriptionId: string,
  timeoutMs = 10_000,
): Promise<Attempt> {
  await getSubscription(db, tenantId, subscriptionId) // 404 for another tenant's
  const target = await subscriptionTarget(db, vault, tenantId, subscriptionId)
  if (!target) throw new Error('subscription vanished')
  const webhookId = newId('test')
  const now = Date.now()
  const body = JSON.stringify({
    id: null,
    type: testEventKind,
    timestamp: new Date(now).toISOString(),
    createdAt: now,
    data: {
      subscriptionId,
      message: 'A test event from Wahub: your endpoint verified its signature if it answers 2xx.',
    },
  })
  const outcome = await postSigned(target, webhookId, body, {}, timeoutMs)
  return recordAttempt(db, {
    subscriptionId,
    tenantId,
    eventId: null,
    eventKind: testEventKind,
    webhookId,
    ...outcome,
    at: Date.now(),
  })
}
