import { Type } from 'typebox'
import type { AddAppResult, MetaApp } from '../../channels/apps.ts'
import { Millis, NStr, Str } from './schema-helpers.ts'

// Every field of a Meta app that leaves the API: a schema (OpenAPI; fast-json-stringify drops
// anything else) and a function picking exactly those fields. Secrets appear only as their last 4 characters.

export const AppSchema = Type.Object({
  id: Str,
  appId: Str,
  name: NStr,
  appSecretLast4: NStr,
  verifyTokenLast4: Str,
  createdAt: Millis,
  updatedAt: Millis,
})

export function presentApp(a: MetaApp) {
  return {
    id: a.id,
    appId: a.appId,
    name: a.name,
    appSecretLast4: a.appSecretLast4,
    verifyTokenLast4: a.verifyTokenLast4,
    createdAt: a.createdAt,
    updatedAt: a.updatedAt,
  }
}

export const AddAppResultSchema = Type.Object({
  app: AppSchema,
  created: Type.Boolean(),
  callbackUrl: Type.String({
    description: 'Paste into App Dashboard > WhatsApp > Configuration > Callback URL',
  }),
  verifyToken: Type.Optional(
    Type.String({
      description: 'Shown only when set by this call: paste it into the Verify token field now',
    }),
  ),
  warnings: Type.Array(Str),
})

export function presentAddApp(r: AddAppResult) {
  return {
    app: presentApp(r.app),
    created: r.created,
    callbackUrl: r.callbackUrl,
    ...(r.verifyToken ? { verifyToken: r.verifyToken } : {}),
    warnings: r.warnings,
  }
}
