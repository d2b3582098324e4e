import { Type } from 'typebox'
import type { TokenInfo } from '../../channels/token-check.ts'
import type { TokenCheck } from '../../channels/wabas.ts'
import { Millis, NStr, Nullable, Str } from './schema-helpers.ts'

// Every field of a WABA token's debug information that leaves the API: a schema (OpenAPI; fast-json-stringify drops
// anything else) and a function picking exactly those fields.

export const TokenInfoSchema = Type.Object({
  type: NStr,
  expiresAt: Nullable(Millis),
  scopes: Type.Array(Str),
  wabaIds: Type.Array(Str, {
    description: "The WABAs the token's WhatsApp permissions reach ([] = not said)",
  }),
  warnings: Type.Array(Str),
})

export function presentTokenInfo(t: TokenInfo) {
  return { type: t.type, expiresAt: t.expiresAt, scopes: t.scopes, wabaIds: t.wabaIds, warnings: t.warnings }
}

export const TokenCheckSchema = Type.Object({
  ...TokenInfoSchema.properties,
  refusal: Nullable(
    Type.Object(
      { code: Str, message: Str, fix: Str },
      { description: 'Why saving it would be refused (token_temporary); null = it may replace the old one' },
    ),
  ),
})

export function presentTokenCheck(t: TokenCheck) {
  return { ...presentTokenInfo(t), refusal: t.refusal }
}
