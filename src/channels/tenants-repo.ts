import type { Db } from '../db/connect.ts'
import type { TenantsTable } from '../db/schema.ts'
import { WahubError } from '../errors.ts'

// Queries of the tenants table. Tenants are found by id (`ten_…`) or by name: the CLI says
// `--tenant acme`, the API uses ids.

export type TenantRow = Omit<TenantsTable, 'enabled' | 'whatsapp_enabled' | 'auto_assign'> & {
  enabled: number
  whatsapp_enabled: number
  auto_assign: number
}

export async function findTenant(db: Db, idOrName: string): Promise<TenantRow> {
  const row = await db
    .selectFrom('tenants')
    .selectAll()
    .where((eb) => eb.or([eb('id', '=', idOrName), eb('name', '=', idOrName)]))
    .executeTakeFirst()
  if (!row) {
    throw new WahubError(
      'not_found',
      `No tenant ${idOrName}.`,
      undefined,
      'List tenants with `wahub tenant list`.',
    )
  }
  return row
}

export async function tenantById(db: Db, id: string): Promise<TenantRow | undefined> {
  return db.selectFrom('tenants').selectAll().where('id', '=', id).executeTakeFirst()
}
