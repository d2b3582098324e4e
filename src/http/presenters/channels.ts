import { Type } from 'typebox'
import type { ApiKey } from '../../channels/api-keys.ts'
import type { AddAppResult, MetaApp } from '../../channels/apps.ts'
import type { ChannelSettings } from '../../channels/channel-settings.ts'
import type { ChannelNumber, ImportResult } from '../../channels/numbers.ts'
import type { Tenant } from '../../channels/tenants.ts'
import type { TokenInfo } from '../../channels/token-check.ts'
import type { User } from '../../channels/users.ts'
import type { Waba } from '../../channels/wabas.ts'
import type { WebhookStatus } from '../../channels/webhook-config.ts'
import type { StoredTemplate } from '../../templates/templates-repo.ts'
import { Millis, Nullable } from './schema-helpers.ts'

// Every field of a channel object that leaves the API, as a schema (so it is in the OpenAPI
// description and fast-json-stringify drops anything else) and as a function picking exactly
// those fields. Secrets appear only as their last 4 characters.

const Str = Type.String()
const NStr = Nullable(Type.String())

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

export const TokenInfoSchema = Type.Object({
  type: NStr,
  expiresAt: Nullable(Millis),
  scopes: Type.Array(Str),
  warnings: Type.Array(Str),
})

export function presentTokenInfo(t: TokenInfo) {
  return { type: t.type, expiresAt: t.expiresAt, scopes: t.scopes, warnings: t.warnings }
}

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

export const SettingsSchema = Type.Object({
  defaultNumberId: NStr,
  defaultPhoneNumberId: NStr,
  whatsappEnabled: Type.Boolean(),
})

export function presentSettings(s: ChannelSettings) {
  return {
    defaultNumberId: s.defaultNumberId,
    defaultPhoneNumberId: s.defaultPhoneNumberId,
    whatsappEnabled: s.whatsappEnabled,
  }
}

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

export const UserSchema = Type.Object({
  id: Str,
  email: Str,
  role: Type.Union([Type.Literal('admin'), Type.Literal('agent')]),
  tenantId: NStr,
  mustChangePassword: Type.Boolean(),
  disabled: Type.Boolean(),
  createdAt: Millis,
  lastLoginAt: Nullable(Millis),
})

export function presentUser(u: User) {
  return {
    id: u.id,
    email: u.email,
    role: u.role,
    tenantId: u.tenantId,
    mustChangePassword: u.mustChangePassword,
    disabled: u.disabled,
    createdAt: u.createdAt,
    lastLoginAt: u.lastLoginAt,
  }
}

const NumberWebhookSchema = Type.Object({
  phoneNumberId: Str,
  displayPhoneNumber: NStr,
  numberOverride: NStr,
  wabaOverride: NStr,
  application: NStr,
  effective: Nullable(
    Type.Object({
      level: Type.Union([Type.Literal('number'), Type.Literal('waba'), Type.Literal('application')]),
      url: Str,
    }),
  ),
  pointsToUs: Type.Boolean(),
})

export const WebhookStatusSchema = Type.Object({
  wabaId: Str,
  callbackUrl: Str,
  appId: NStr,
  subscribed: Type.Boolean(),
  subscribedApps: Type.Array(Type.Object({ id: Str, name: NStr, overrideCallbackUri: NStr })),
  wabaOverride: NStr,
  numbers: Type.Array(NumberWebhookSchema),
  ok: Type.Boolean(),
  problems: Type.Array(Type.Object({ problem: Str, fix: Str })),
})

export function presentWebhookStatus(s: WebhookStatus) {
  return {
    wabaId: s.wabaId,
    callbackUrl: s.callbackUrl,
    appId: s.appId,
    subscribed: s.subscribed,
    subscribedApps: s.subscribedApps.map((a) => ({
      id: a.id,
      name: a.name,
      overrideCallbackUri: a.overrideCallbackUri,
    })),
    wabaOverride: s.wabaOverride,
    numbers: s.numbers.map((n) => ({
      phoneNumberId: n.phoneNumberId,
      displayPhoneNumber: n.displayPhoneNumber,
      numberOverride: n.numberOverride,
      wabaOverride: n.wabaOverride,
      application: n.application,
      effective: n.effective ? { level: n.effective.level, url: n.effective.url } : null,
      pointsToUs: n.pointsToUs,
    })),
    ok: s.ok,
    problems: s.problems.map((p) => ({ problem: p.problem, fix: p.fix })),
  }
}

export const TemplateSchema = Type.Object({
  id: Str,
  wabaRowId: Str,
  metaTemplateId: NStr,
  name: Str,
  language: Str,
  category: NStr,
  status: Str,
  qualityScore: NStr,
  rejectedReason: NStr,
  parameterFormat: NStr,
  components: Type.Array(Type.Unknown()),
  syncedAt: Nullable(Millis),
  updatedAt: Millis,
})

export function presentTemplate(t: StoredTemplate) {
  return {
    id: t.id,
    wabaRowId: t.wabaRowId,
    metaTemplateId: t.metaTemplateId,
    name: t.name,
    language: t.language,
    category: t.category,
    status: t.status,
    qualityScore: t.qualityScore,
    rejectedReason: t.rejectedReason,
    parameterFormat: t.parameterFormat,
    components: t.components,
    syncedAt: t.syncedAt,
    updatedAt: t.updatedAt,
  }
}
