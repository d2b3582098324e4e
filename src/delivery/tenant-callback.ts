import type { Actor } from '../channels/context.ts'
import { addTenant, type Tenant, type TenantInput, updateTenant } from '../channels/tenants.ts'
import type { Db } from '../db/connect.ts'
import { syncTenantCallback } from './subscriptions.ts'

// A tenant saved with a callback URL (admin API, `wahub tenant`): channels/ keeps it on the
// tenant row, and its `legacy` webhook subscription follows (decision 0065).

export async function addTenantWithCallback(
  db: Db,
  input: TenantInput & { name: string },
  actor: Actor,
): Promise<Tenant> {
  const tenant = await addTenant(db, input, actor)
  if (tenant.callbackUrl) await syncTenantCallback(db, tenant.id, tenant.callbackUrl)
  return tenant
}

export async function updateTenantWithCallback(
  db: Db,
  idOrName: string,
  input: TenantInput,
  actor: Actor,
): Promise<Tenant> {
  const tenant = await updateTenant(db, idOrName, input, actor)
  if (input.callbackUrl !== undefined) await syncTenantCallback(db, tenant.id, tenant.callbackUrl)
  return tenant
}
