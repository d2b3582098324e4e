import { Type } from 'typebox'
import type { Attempt, Delivery } from '../../delivery/delivery-log.ts'
import type { Subscription } from '../../delivery/subscriptions.ts'
import { Millis, NStr, Nullable } from './schema-helpers.ts'

export const WebhookSubscriptionSchema = Type.Object({
  id: Type.String(),
  url: Type.String(),
  description: NStr,
  events: Type.Array(Type.String(), { description: 'Event types and wildcards (`*`, `message.*`)' }),
  legacy: Type.Boolean({ description: "The tenant's callback URL (also signed X-Wahub-Signature-256)" }),
  enabled: Type.Boolean(),
  disabledReason: NStr,
  failingSince: Nullable(Millis),
  hasSecret: Type.Boolean(),
  createdAt: Millis,
  updatedAt: Millis,
})

export function presentSubscription(s: Subscription) {
  return {
    id: s.id,
    url: s.url,
    description: s.description,
    events: s.events,
    legacy: s.legacy,
    enabled: s.enabled,
    disabledReason: s.disabledReason,
    failingSince: s.failingSince,
    hasSecret: s.hasSecret,
    createdAt: s.createdAt,
    updatedAt: s.updatedAt,
  }
}

export const WebhookAttemptSchema = Type.Object({
  id: Type.String(),
  deliveryId: NStr,
  eventId: Nullable(Type.Integer()),
  eventKind: Type.String(),
  webhookId: Type.String({ description: 'The webhook-id header (the same on every retry of one event)' }),
  httpStatus: Nullable(Type.Integer()),
  ok: Type.Boolean(),
  latencyMs: Type.Integer(),
  responseExcerpt: Nullable(Type.String({ description: 'The first 500 characters of the answer' })),
  error: NStr,
  at: Millis,
  attempt: Nullable(
    Type.Integer({ description: 'Which try of its delivery this was (1 = first); null for a test event' }),
  ),
})

export function presentAttempt(a: Attempt) {
  return {
    id: a.id,
    deliveryId: a.deliveryId,
    eventId: a.eventId,
    eventKind: a.eventKind,
    webhookId: a.webhookId,
    httpStatus: a.httpStatus,
    ok: a.ok,
    latencyMs: a.latencyMs,
    responseExcerpt: a.responseExcerpt,
    error: a.error,
    at: a.at,
    attempt: a.attempt ?? null,
  }
}

export const WebhookDeliverySchema = Type.Object({
  id: Type.String(),
  eventId: Type.Integer(),
  eventKind: Type.String(),
  status: Type.Union([Type.Literal('pending'), Type.Literal('delivered'), Type.Literal('failed')]),
  attempts: Type.Integer(),
  lastError: NStr,
  createdAt: Millis,
  updatedAt: Millis,
})

export function presentDelivery(d: Delivery) {
  return {
    id: d.id,
    eventId: d.eventId,
    eventKind: d.eventKind,
    status: d.status,
    attempts: d.attempts,
    lastError: d.lastError,
    createdAt: d.createdAt,
    updatedAt: d.updatedAt,
  }
}
