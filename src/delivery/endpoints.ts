import type { Db } from '../db/connect.ts'
import { matchesFilters } from './event-types.ts'
import { enabledSubscriptionsOf, legacySubscriptionId } from './subscriptions.ts'

// Where a tenant's events are delivered: its enabled webhook subscriptions whose filter takes
// the event's kind (subscriptions.ts). A `callback.deliver` job names one subscription and one
// event, so each is retried on its own.

export type Endpoint = { id: string; tenantId: string }

/** Jobs queued before subscriptions named `tenant` (or nothing): the tenant's callback URL. */
export const tenantEndpointId = 'tenant'

export function subscriptionIdOf(tenantId: string, endpointId: string | undefined): string {
  return endpointId === undefined || endpointId === tenantEndpointId
    ? legacySubscriptionId(tenantId)
    : endpointId
}

/** The endpoints each event goes to, by event id (events of tenants with none are left out). */
export async function endpointsFor(
  db: Db,
  events: readonly { id: number; tenantId: string | null; kind: string }[],
): Promise<Map<number, Endpoint[]>> {
  const out = new Map<number, Endpoint[]>()
  const subscriptions = await enabledSubscriptionsOf(
    db,
    events.flatMap((e) => (e.tenantId === null ? [] : [e.tenantId])),
  )
  for (const e of events) {
    const matching = (subscriptions.get(e.tenantId ?? '') ?? []).filter((s) =>
      matchesFilters(s.events, e.kind),
    )
    if (matching.length > 0)
      out.set(
        e.id,
        matching.map((s) => ({ id: s.id, tenantId: s.tenantId })),
      )
  }
  return out
}
