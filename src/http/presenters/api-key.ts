import { Type } from 'typebox'
import type { ApiKey } from '../../accounts/api-keys.ts'
import { Millis, NStr, Nullable, Str } from './schema-helpers.ts'

// Every field of an API key that leaves the API: a schema (OpenAPI; fast-json-stringify drops
// anything else) and a function picking exactly those fields. Secrets appear only as their last 4 characters.

const ScopeSchema = Type.Union([Type.Literal('send'), Type.Literal('read'), Type.Literal('admin')])

export const ApiKeySchema = Type.Object({
  id: Str,
  tenantId: NStr,
  name: NStr,
  hint: Type.String({ description: 'wh_… and the last 4 characters' }),
  scopes: Type.Array(ScopeSchema),
  createdAt: Millis,
  lastUsedAt: Nullable(Millis),
  revokedAt: Nullable(Millis),
})

export function presentApiKey(k: ApiKey) {
  return {
    id: k.id,
    tenantId: k.tenantId,
    name: k.name,
    hint: k.hint,
    scopes: k.scopes,
    createdAt: k.createdAt,
    lastUsedAt: k.lastUsedAt,
    revokedAt: k.revokedAt,
  }
}
