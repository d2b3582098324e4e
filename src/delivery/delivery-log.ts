import type { Db } from '../db/connect.ts'
import { newId } from '../ids.ts'

// The delivery log of a subscription (SPEC §17): one `webhook_deliveries` row per event and
// subscription (pending → delivered | failed) and one `webhook_attempts` row per POST with its
// HTTP status, latency and the first bytes of the answer — never a header or the secret.

export type DeliveryStatus = 'pending' | 'delivered' | 'failed'

export type Attempt = {
  id: string
  subscriptionId: string
  deliveryId: string | null
  eventId: number | null
  eventKind: string
  webhookId: string
  httpStatus: number | null
  ok: boolean
  latencyMs: number
  responseExcerpt: string | null
  error: string | null
  at: number
  /** Which try of its delivery this was (1 = the first POST); null for a test event. */
  attempt?: number | null
}

export type Delivery = {
  id: string
  subscriptionId: string
  eventId: number
  eventKind: string
  status: DeliveryStatus
  attempts: number
  lastError: string | null
  createdAt: number
  updatedAt: number
}

export const excerptChars = 500

/** A delivery (re)starts: pending, its attempts counted again from zero. */
export async function openDelivery(
  db: Db,
  d: { subscriptionId: string; tenantId: string; eventId: number; eventKind: string },
  now = Date.now(),
): Promise<void> {
  await db
    .insertInto('webhook_deliveries')
    .values({
      id: newId('whd', now),
      subscription_id: d.subscriptionId,
      tenant_id: d.tenantId,
      event_id: d.eventId,
      event_kind: d.eventKind,
      status: 'pending',
      attempts: 0,
      last_error: null,
      created_at: now,
      updated_at: now,
    })
    .onConflict((oc) =>
      oc
        .columns(['subscription_id', 'event_id'])
        .doUpdateSet({ status: 'pending', attempts: 0, updated_at: now }),
    )
    .execute()
}

async function deliveryId(db: Db, subscriptionId: string, eventId: number): Promise<string | null> {
  const row = await db
    .selectFrom('webhook_deliveries')
    .select('id')
    .where('subscription_id', '=', subscriptionId)
    .where('event_id', '=', eventId)
    .executeTakeFirst()
  return row?.id ?? null
}

/** One POST's outcome; with an event, its delivery's state moves too (`settle`: the final word). */
export async function recordAttempt(
  db: Db,
  a: Omit<Attempt, 'id' | 'deliveryId'> & { tenantId: string; settle?: DeliveryStatus },
): Promise<Attempt> {
  const id = newId('wha', a.at)
  const delivery = a.eventId === null ? null : await deliveryId(db, a.subscriptionId, a.eventId)
  await db
    .insertInto('webhook_attempts')
    .values({
      id,
      subscription_id: a.subscriptionId,
      tenant_id: a.tenantId,
      delivery_id: delivery,
      event_id: a.eventId,
      event_kind: a.eventKind,
      webhook_id: a.webhookId,
      http_status: a.httpStatus,
      ok: a.ok ? 1 : 0,
      latency_ms: Math.round(a.latencyMs),
      response_excerpt: a.responseExcerpt?.slice(0, excerptChars) ?? null,
      error: a.error?.slice(0, excerptChars) ?? null,
      at: a.at,
    })
    .execute()
  if (delivery) {
    await db
      .updateTable('webhook_deliveries')
      .set((eb) => ({
        attempts: eb('attempts', '+', 1),
        status: a.ok ? 'delivered' : (a.settle ?? 'pending'),
        last_error: a.ok ? null : (a.error ?? `HTTP ${a.httpStatus}`).slice(0, excerptChars),
        updated_at: a.at,
      }))
      .where('id', '=', delivery)
      .execute()
  }
  const { tenantId: _t, settle: _s, ...rest } = a
  return {
    id,
    deliveryId: delivery,
    ...rest,
    responseExcerpt: rest.responseExcerpt?.slice(0, excerptChars) ?? null,
  }
}

/** A delivery ends without a POST (its subscription is disabled). */
export async function settleDelivery(
  db: Db,
  subscriptionId: string,
  eventId: number,
  status: DeliveryStatus,
  error: string,
): Promise<void> {
  await db
    .updateTable('webhook_deliveries')
    .set({ status, last_error: error, updated_at: Date.now() })
    .where('subscription_id', '=', subscriptionId)
    .where('event_id', '=', eventId)
    .execute()
}

export async function listAttempts(
  db: Db,
  tenantId: string,
  subscriptionId: string,
  filter: { before?: number; failedOnly?: boolean; limit?: number } = {},
): Promise<Attempt[]> {
  let q = db
    .selectFrom('webhook_attempts')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('subscription_id', '=', subscriptionId)
    .orderBy('at', 'desc')
    .orderBy('id', 'desc')
    .limit(Math.min(filter.limit ?? 50, 200))
  if (filter.before !== undefined) q = q.where('at', '<', filter.before)
  if (filter.failedOnly) q = q.where('ok', '=', 0)
  const rows = await q.execute()
  const ordinals = await attemptOrdinals(
    db,
    tenantId,
    rows.flatMap((r) => (r.delivery_id ? [r.delivery_id] : [])),
  )
  return rows.map((r) => ({
    id: r.id,
    subscriptionId: r.subscription_id,
    deliveryId: r.delivery_id,
    attempt: r.delivery_id ? (ordinals.get(r.id) ?? null) : null,
    eventId: r.event_id === null ? null : Number(r.event_id),
    eventKind: r.event_kind,
    webhookId: r.webhook_id,
    httpStatus: r.http_status,
    ok: r.ok === 1,
    latencyMs: r.latency_ms,
    responseExcerpt: r.response_excerpt,
    error: r.error,
    at: Number(r.at),
  }))
}

/** Each attempt's place among its delivery's attempts (ids are time-ordered), for the log's "attempt n". */
async function attemptOrdinals(
  db: Db,
  tenantId: string,
  deliveryIds: string[],
): Promise<Map<string, number>> {
  const ordinals = new Map<string, number>()
  if (deliveryIds.length === 0) return ordinals
  const rows = await db
    .selectFrom('webhook_attempts')
    .select(['id', 'delivery_id'])
    .where('tenant_id', '=', tenantId)
    .where('delivery_id', 'in', [...new Set(deliveryIds)])
    .orderBy('at')
    .orderBy('id')
    .execute()
  const seen = new Map<string, number>()
  for (const r of rows) {
    const n = (seen.get(r.delivery_id ?? '') ?? 0) + 1
    seen.set(r.delivery_id ?? '', n)
    ordinals.set(r.id, n)
  }
  return ordinals
}

export async function listDeliveries(
  db: Db,
  tenantId: string,
  subscriptionId: string,
  filter: { status?: DeliveryStatus; since?: number; ids?: string[]; limit?: number },
): Promise<Delivery[]> {
  let q = db
    .selectFrom('webhook_deliveries')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('subscription_id', '=', subscriptionId)
    .orderBy('event_id')
    .limit(Math.min(filter.limit ?? 1000, 5000))
  if (filter.status) q = q.where('status', '=', filter.status)
  if (filter.since !== undefined) q = q.where('created_at', '>=', filter.since)
  if (filter.ids) q = q.where('id', 'in', filter.ids.length ? filter.ids : [''])
  const rows = await q.execute()
  return rows.map((r) => ({
    id: r.id,
    subscriptionId: r.subscription_id,
    eventId: Number(r.event_id),
    eventKind: r.event_kind,
    status: r.status as DeliveryStatus,
    attempts: r.attempts,
    lastError: r.last_error,
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  }))
}
