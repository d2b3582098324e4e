import type { Db } from '../db/connect.ts'
import { WahubError } from '../errors.ts'
import { bringForward, liveJobs } from '../jobs/jobs-repo.ts'
import { conversationsOf, deliveryLane, queueDelivery } from './callbacks.ts'
import { type Delivery, listDeliveries } from './delivery-log.ts'
import { subscriptionIdOf } from './endpoints.ts'
import { getSubscription } from './subscriptions.ts'

// Redelivery (SPEC §17): one delivery, or every failed one since a time, queued again with a
// fresh set of attempts, in event order and in the conversation's lane like the first time.
// A delivery still pending (its next retry is hours away) is not queued twice: its waiting
// retry runs now instead, with the lane's earlier ones, so the receiver gets it once and in
// order (decision 0080).

export async function redeliver(
  db: Db,
  tenantId: string,
  subscriptionId: string,
  which: { deliveryId: string } | { failedSince: number },
): Promise<Delivery[]> {
  const subscription = await getSubscription(db, tenantId, subscriptionId)
  if (!subscription.enabled)
    throw new WahubError(
      'conflict',
      `Webhook subscription ${subscriptionId} is disabled${subscription.disabledReason ? ` (${subscription.disabledReason})` : ''}.`,
      undefined,
      'Enable it first (PATCH with enabled: true, or `wahub subscription update --enable`), then redeliver.',
    )
  const deliveries =
    'deliveryId' in which
      ? await listDeliveries(db, tenantId, subscriptionId, { ids: [which.deliveryId] })
      : await listDeliveries(db, tenantId, subscriptionId, { status: 'failed', since: which.failedSince })
  if ('deliveryId' in which && deliveries.length === 0)
    throw new WahubError('not_found', `No delivery ${which.deliveryId} of subscription ${subscriptionId}.`)
  if (deliveries.length === 0) return []
  const events = await db
    .selectFrom('events')
    .select(['id', 'payload'])
    .where('tenant_id', '=', tenantId)
    .where(
      'id',
      'in',
      deliveries.map((d) => d.eventId),
    )
    .execute()
  const conversations = await conversationsOf(
    db,
    events.map((e) => ({ id: Number(e.id), payload: JSON.parse(e.payload) })),
  )
  const retried = new Set<number>()
  for (const d of deliveries.filter((x) => x.status === 'pending')) {
    const lane = deliveryLane(subscriptionId, conversations.get(d.eventId) ?? null)
    const jobs = await liveJobs(db, 'callback.deliver', lane)
    const own = jobs.filter((j) => {
      const p = j.payload as { tenantId: string; endpointId?: string; eventId: number }
      return p.eventId === d.eventId && subscriptionIdOf(p.tenantId, p.endpointId) === subscriptionId
    })
    // No job left to try it: queue it again like a failed one. One being sent right now is left
    // to finish (a copy queued behind it would wait for its next retry, then arrive twice).
    if (own.length === 0) continue
    const upTo = Math.max(...own.map((j) => j.id))
    await bringForward(
      db,
      jobs.filter((j) => j.id <= upTo && (lane !== null || own.includes(j))).map((j) => j.id),
    )
    retried.add(d.eventId)
  }
  await db.transaction().execute(async (trx) => {
    for (const d of deliveries) {
      if (retried.has(d.eventId)) continue
      await queueDelivery(trx, {
        tenantId,
        subscriptionId,
        eventId: d.eventId,
        eventKind: d.eventKind,
        conversationId: conversations.get(d.eventId) ?? null,
      })
    }
  })
  return listDeliveries(db, tenantId, subscriptionId, { ids: deliveries.map((d) => d.id) })
}
