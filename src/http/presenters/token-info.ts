import { Type } from 'typebox'
import type { TokenInfo } from '../../channels/token-check.ts'
import { Millis, NStr, Nullable, Str } from './schema-helpers.ts'

// Every field of a WABA token's debug information that leaves the API: a schema (OpenAPI; fast-json-stringify drops
// anything else) and a function picking exactly those fields.

export const TokenInfoSchema = Type.Object({
  type: NStr,
  expiresAt: Nullable(Millis),
  scopes: Type.Array(Str),
  warnings: Type.Array(Str),
})

export function presentTokenInfo(t: TokenInfo) {
  return { type: t.type, expiresAt: t.expiresAt, scopes: t.scopes, warnings: t.warnings }
}
