import { Type } from 'typebox'
import type { Tenant } from '../../channels/tenants.ts'
import { Millis, NStr, Str } from './schema-helpers.ts'

// Every field of a tenant that leaves the API: a schema (OpenAPI; fast-json-stringify drops
// anything else) and a function picking exactly those fields.

export const TenantSchema = Type.Object({
  id: Str,
  name: Str,
  enabled: Type.Boolean(),
  whatsappEnabled: Type.Boolean(),
  autoAssign: Type.Boolean({ description: 'Round-robin assignment among available agents' }),
  defaultNumberId: NStr,
  numbers: Type.Array(Type.Object({ id: Str, phoneNumberId: Str, displayPhoneNumber: NStr })),
  callbackUrl: NStr,
  createdAt: Millis,
  updatedAt: Millis,
})

export function presentTenant(t: Tenant) {
  return {
    id: t.id,
    name: t.name,
    enabled: t.enabled,
    whatsappEnabled: t.whatsappEnabled,
    autoAssign: t.autoAssign,
    defaultNumberId: t.defaultNumberId,
    numbers: t.numbers.map((n) => ({
      id: n.id,
      phoneNumberId: n.phoneNumberId,
      displayPhoneNumber: n.displayPhoneNumber,
    })),
    callbackUrl: t.callbackUrl,
    createdAt: t.createdAt,
    updatedAt: t.updatedAt,
  }
}
