import type { Vault } from '../channels/vault.ts'
import type { Db } from '../db/connect.ts'
import { type CallbackTarget, callbackTarget } from './callback-secret.ts'

// Where a tenant's events are delivered: its endpoints. A `callback.deliver` job names one
// endpoint and one event, so a tenant with several endpoints (webhook subscriptions, later) gets
// one job per endpoint and event, each retried on its own. Today every tenant has at most one
// endpoint, the callback URL on its row, whose id is `tenantEndpointId`; a subscriptions table
// would add endpoints with their own ids here, and nothing else in the pump or the job changes.

export type Endpoint = { id: string; tenantId: string }

/** The id of the endpoint held on the tenant's row (`tenants.callback_url`). */
export const tenantEndpointId = 'tenant'

/** The endpoints events of these tenants go to, by tenant (tenants with none are left out). */
export async function endpointsOf(db: Db, tenantIds: readonly string[]): Promise<Map<string, Endpoint[]>> {
  const out = new Map<string, Endpoint[]>()
  if (tenantIds.length === 0) return out
  const rows = await db
    .selectFrom('tenants')
    .select('id')
    .where('id', 'in', [...new Set(tenantIds)])
    .where('callback_url', 'is not', null)
    .execute()
  for (const r of rows) out.set(r.id, [{ id: tenantEndpointId, tenantId: r.id }])
  return out
}

/** The URL and secret of one endpoint now, or undefined when it was removed meanwhile. */
export async function endpointTarget(
  db: Db,
  vault: Vault,
  endpoint: Endpoint,
): Promise<CallbackTarget | undefined> {
  if (endpoint.id === tenantEndpointId) return callbackTarget(db, vault, endpoint.tenantId)
  return undefined
}
