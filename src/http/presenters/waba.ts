import { Type } from 'typebox'
import type { Waba } from '../../channels/wabas.ts'
import { Millis, NStr, Nullable, Str } from './schema-helpers.ts'

// Every field of a WhatsApp Business Account that leaves the API: a schema (OpenAPI; fast-json-stringify drops
// anything else) and a function picking exactly those fields. Secrets appear only as their last 4 characters.

export const WabaSchema = Type.Object({
  id: Str,
  wabaId: Str,
  name: NStr,
  metaAppRowId: NStr,
  tenantId: NStr,
  tokenLast4: Str,
  tokenType: NStr,
  tokenExpiresAt: Nullable(Millis),
  apiVersion: NStr,
  graphUrl: NStr,
  isSandbox: Type.Boolean(),
  numberCount: Type.Integer(),
  createdAt: Millis,
  updatedAt: Millis,
})

export function presentWaba(w: Waba) {
  return {
    id: w.id,
    wabaId: w.wabaId,
    name: w.name,
    metaAppRowId: w.metaAppRowId,
    tenantId: w.tenantId,
    tokenLast4: w.tokenLast4,
    tokenType: w.tokenType,
    tokenExpiresAt: w.tokenExpiresAt,
    apiVersion: w.apiVersion,
    graphUrl: w.graphUrl,
    isSandbox: w.isSandbox,
    numberCount: w.numberCount,
    createdAt: w.createdAt,
    updatedAt: w.updatedAt,
  }
}
