import type { Db } from '../db/connect.ts'
import { WahubError } from '../errors.ts'
import { conversationsOf, queueDelivery } from './callbacks.ts'
import { type Delivery, listDeliveries } from './delivery-log.ts'
import { getSubscription } from './subscriptions.ts'

// Redelivery (SPEC §17): one delivery, or every failed one since a time, queued again with a
// fresh set of attempts, in event order and in the conversation's lane like the first time.

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
  await db.transaction().execute(async (trx) => {
    for (const d of deliveries) {
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
