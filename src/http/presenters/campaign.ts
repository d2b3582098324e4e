import { Type } from 'typebox'
import type { Audience } from '../../campaigns/audiences.ts'
import type { Campaign, Progress } from '../../campaigns/campaigns.ts'
import type { Suppression } from '../../campaigns/suppressions.ts'
import { Millis, Nullable } from './schema-helpers.ts'

// Campaigns, audiences and the suppression list as the API shows them (docs/CAMPAIGNS.md).

export const ParameterSchema = Type.Object(
  {
    component: Type.Optional(Type.Union([Type.Literal('body'), Type.Literal('header')])),
    name: Type.Optional(
      Type.String({ minLength: 1, maxLength: 60, description: 'Named parameters: the placeholder' }),
    ),
    attribute: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 50,
        description: 'The recipient attribute (CSV column) giving the value',
      }),
    ),
    text: Type.Optional(Type.String({ minLength: 1, maxLength: 1000, description: 'A fixed value' })),
  },
  { additionalProperties: false },
)

export const CampaignSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  audienceId: Type.String(),
  numberId: Type.String(),
  template: Type.Object({ name: Type.String(), language: Type.String() }),
  parameters: Type.Array(ParameterSchema),
  status: Type.Union([
    Type.Literal('draft'),
    Type.Literal('scheduled'),
    Type.Literal('running'),
    Type.Literal('paused'),
    Type.Literal('cancelled'),
    Type.Literal('completed'),
  ]),
  reason: Nullable(Type.String({ description: 'Why it is paused or waiting' })),
  pausedBy: Nullable(Type.String({ description: 'user | quality | template | messaging_limit' })),
  qualityGuard: Type.Union([Type.Literal('RED'), Type.Literal('YELLOW')]),
  startAt: Nullable(Millis),
  timeZone: Type.String(),
  quietHours: Nullable(Type.String()),
  rateMps: Nullable(Type.Integer()),
  resumeAt: Nullable(Millis),
  launchedAt: Nullable(Millis),
  finishedAt: Nullable(Millis),
  createdAt: Millis,
  updatedAt: Millis,
})

export function presentCampaign(c: Campaign) {
  return {
    id: c.id,
    name: c.name,
    audienceId: c.audienceId,
    numberId: c.numberId,
    template: { name: c.template.name, language: c.template.language },
    parameters: c.parameters.map((p) => ({ ...p })),
    status: c.status,
    reason: c.reason,
    pausedBy: c.pausedBy,
    qualityGuard: c.qualityGuard,
    startAt: c.startAt,
    timeZone: c.timeZone,
    quietHours: c.quietHours,
    rateMps: c.rateMps,
    resumeAt: c.resumeAt,
    launchedAt: c.launchedAt,
    finishedAt: c.finishedAt,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
  }
}

export const ProgressSchema = Type.Object({
  recipients: Type.Integer(),
  pending: Type.Integer(),
  queued: Type.Integer(),
  sending: Type.Integer(),
  sent: Type.Integer(),
  delivered: Type.Integer(),
  read: Type.Integer(),
  failed: Type.Integer(),
  unknown: Type.Integer(),
  cancelled: Type.Integer(),
  skipped: Type.Object({ optedOut: Type.Integer(), invalid: Type.Integer() }),
  failedByCode: Type.Record(Type.String(), Type.Integer()),
  replied: Type.Integer(),
  optedOut: Type.Integer(),
  costMicros: Type.Integer({ description: 'Estimated cost of the delivered messages so far (millionths)' }),
  currency: Nullable(Type.String()),
})

export function presentProgress(p: Progress, cost: { micros: number; currency: string | null }) {
  return {
    recipients: p.recipients,
    pending: p.pending,
    queued: p.queued,
    sending: p.sending,
    sent: p.sent,
    delivered: p.delivered,
    read: p.read,
    failed: p.failed,
    unknown: p.unknown,
    cancelled: p.cancelled,
    skipped: { optedOut: p.skipped.optedOut, invalid: p.skipped.invalid },
    failedByCode: { ...p.failedByCode },
    replied: p.replied,
    optedOut: p.optedOut,
    costMicros: cost.micros,
    currency: cost.currency,
  }
}

export const RowErrorSchema = Type.Object({
  row: Type.Integer(),
  field: Type.String(),
  problem: Type.String(),
})

export const AudienceSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  source: Type.Union([Type.Literal('csv'), Type.Literal('filter'), Type.Literal('inline')]),
  size: Type.Integer({ description: 'Recipients in the snapshot' }),
  rejected: Type.Integer({ description: 'Rows that could not be used (see errors)' }),
  duplicates: Type.Integer({ description: 'Rows repeating a number already in it' }),
  columns: Type.Array(Type.String(), { description: 'Attribute columns (usable as parameters)' }),
  errors: Type.Array(RowErrorSchema, { description: 'The rejected rows: line and why (the first 1,000)' }),
  createdAt: Millis,
})

export function presentAudience(a: Audience) {
  return {
    id: a.id,
    name: a.name,
    source: a.source,
    size: a.size,
    rejected: a.rejected,
    duplicates: a.duplicates,
    columns: [...a.columns],
    errors: a.errors.map((e) => ({ row: e.row, field: e.field, problem: e.problem })),
    createdAt: a.createdAt,
  }
}

export const SuppressionSchema = Type.Object({
  waId: Type.String(),
  source: Type.String({ description: 'keyword | button | api | cli | dashboard' }),
  detail: Nullable(Type.String({ description: 'The keyword or button, or who added it' })),
  messageId: Nullable(Type.String({ description: 'The reply that opted out' })),
  createdAt: Millis,
})

export function presentSuppression(s: Suppression) {
  return { waId: s.waId, source: s.source, detail: s.detail, messageId: s.messageId, createdAt: s.createdAt }
}
