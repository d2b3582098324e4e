import { Type } from 'typebox'
import type { WebhookStatus } from '../../channels/webhook-config.ts'
import { NStr, Nullable, Str } from './schema-helpers.ts'

// Every field of a WABA's webhook configuration that leaves the API: a schema (OpenAPI; fast-json-stringify drops
// anything else) and a function picking exactly those fields.

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
