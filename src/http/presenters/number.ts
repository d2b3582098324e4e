import { Type } from 'typebox'
import type { ChannelNumber, ImportResult } from '../../channels/numbers.ts'
import { Millis, NStr, Nullable, Str } from './schema-helpers.ts'

// Every field of a phone number (and a number import) that leaves the API: a schema (OpenAPI; fast-json-stringify drops
// anything else) and a function picking exactly those fields.

export const NumberSchema = Type.Object({
  id: Str,
  phoneNumberId: Str,
  wabaRowId: Str,
  tenantId: NStr,
  displayPhoneNumber: NStr,
  verifiedName: NStr,
  nameStatus: NStr,
  qualityRating: NStr,
  messagingLimitTier: NStr,
  throughputLevel: NStr,
  throughputMps: Nullable(Type.Integer()),
  codeVerificationStatus: NStr,
  platformType: NStr,
  status: NStr,
  accountMode: NStr,
  registered: Nullable(Type.Boolean()),
  isSandbox: Type.Boolean(),
  refreshedAt: Nullable(Millis),
  createdAt: Millis,
  updatedAt: Millis,
})

export function presentNumber(n: ChannelNumber) {
  return {
    id: n.id,
    phoneNumberId: n.phoneNumberId,
    wabaRowId: n.wabaRowId,
    tenantId: n.tenantId,
    displayPhoneNumber: n.displayPhoneNumber,
    verifiedName: n.verifiedName,
    nameStatus: n.nameStatus,
    qualityRating: n.qualityRating,
    messagingLimitTier: n.messagingLimitTier,
    throughputLevel: n.throughputLevel,
    throughputMps: n.throughputMps,
    codeVerificationStatus: n.codeVerificationStatus,
    platformType: n.platformType,
    status: n.status,
    accountMode: n.accountMode,
    registered: n.registered,
    isSandbox: n.isSandbox,
    refreshedAt: n.refreshedAt,
    createdAt: n.createdAt,
    updatedAt: n.updatedAt,
  }
}

export const ImportResultSchema = Type.Object({
  wabaId: Str,
  numbers: Type.Array(NumberSchema),
  created: Type.Integer(),
  updated: Type.Integer(),
  missing: Type.Array(Str, { description: 'Numbers Wahub holds that Meta no longer lists' }),
})

export function presentImport(r: ImportResult) {
  return {
    wabaId: r.wabaId,
    numbers: r.numbers.map(presentNumber),
    created: r.created,
    updated: r.updated,
    missing: r.missing,
  }
}
