import { Type } from 'typebox'
import { Nullable } from '../../presenters/schema-helpers.ts'

// Request and answer shapes of /api/v1/analytics/* (OpenAPI at /docs).

const day = '^\\d{4}-\\d{2}-\\d{2}(T\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?(Z|[+-]\\d{2}:\\d{2})?)?$'

export const AnalyticsQuery = Type.Object({
  from: Type.Optional(
    Type.String({
      pattern: day,
      description: 'Start (inclusive), a UTC date YYYY-MM-DD or an ISO date-time; default 7 days ago',
      examples: ['2026-01-01'],
    }),
  ),
  to: Type.Optional(
    Type.String({
      pattern: day,
      description: 'End (exclusive), a UTC date YYYY-MM-DD or an ISO date-time; default now',
    }),
  ),
  tenant_id: Type.Optional(
    Type.String({ maxLength: 100, description: 'Operators only: one tenant (default all)' }),
  ),
  number_id: Type.Optional(
    Type.String({ maxLength: 100, description: "The business number: Wahub's id or Meta's phone_number_id" }),
  ),
  template: Type.Optional(
    Type.String({ maxLength: 512, description: "A template's name ('' = not a template)" }),
  ),
  category: Type.Optional(
    Type.String({ maxLength: 40, description: 'marketing, utility, authentication, service, …' }),
  ),
  country: Type.Optional(
    Type.String({ pattern: '^[A-Za-z]{2}$', description: "The other party's country, ISO 3166 alpha-2" }),
  ),
  direction: Type.Optional(Type.Union([Type.Literal('in'), Type.Literal('out')])),
  format: Type.Optional(
    Type.Union([Type.Literal('json'), Type.Literal('csv')], {
      description: 'csv: a spreadsheet-ready download',
    }),
  ),
})

export const Figures = Type.Object({
  sent: Type.Integer({ description: 'Outbound messages accepted' }),
  received: Type.Integer({ description: 'Inbound messages' }),
  delivered: Type.Integer({ description: 'Outbound messages delivered (or read)' }),
  read: Type.Integer(),
  failed: Type.Integer(),
  replies: Type.Integer({ description: 'Inbound messages that reply to one of ours' }),
  billable: Type.Integer({ description: 'Delivered messages Meta charges for (PMP, type regular)' }),
  unpriced: Type.Integer({ description: 'Billable messages the price table has no rate for' }),
  cbp: Type.Integer({ description: 'Messages priced under conversation-based pricing (before 2025-07-01)' }),
  optOuts: Type.Integer({
    description:
      'Inbound messages asking to stop (STOP, unsubscribe, "Stop promotions"… as the whole reply; docs/ANALYTICS.md)',
  }),
  cost: Type.Number({ description: 'Estimated cost in the price table currency' }),
  deliveryRate: Nullable(Type.Number({ description: 'delivered / sent' })),
  readRate: Nullable(Type.Number({ description: 'read / delivered' })),
  firstResponses: Type.Integer({
    description:
      "Conversations answered: the business's first message after the customer's first since the last resolution",
  }),
  avgFirstResponseSeconds: Nullable(
    Type.Number({ description: 'Mean time to that first response, seconds' }),
  ),
  resolutions: Type.Integer({
    description: 'Conversations set to resolved in the team inbox (with a customer message)',
  }),
  avgResolutionSeconds: Nullable(
    Type.Number({ description: "Mean time from the customer's first message to the resolution, seconds" }),
  ),
})

export const SummaryAnswer = Type.Object({
  from: Type.Integer(),
  to: Type.Integer(),
  currency: Nullable(Type.String()),
  figures: Figures,
})

export const TimeseriesQuery = Type.Intersect([
  AnalyticsQuery,
  Type.Object({
    interval: Type.Optional(Type.Union([Type.Literal('hour'), Type.Literal('day')], { default: 'day' })),
  }),
])

export const TimeseriesAnswer = Type.Object({
  interval: Type.String(),
  currency: Nullable(Type.String()),
  points: Type.Array(Type.Intersect([Type.Object({ at: Type.Integer() }), Figures])),
})

export const BreakdownQuery = Type.Intersect([
  AnalyticsQuery,
  Type.Object({
    by: Type.Union(
      ['tenant', 'number', 'template', 'category', 'country', 'outcome', 'direction'].map((d) =>
        Type.Literal(d),
      ),
      { description: 'The dimension to group by', examples: ['template'] },
    ),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
  }),
])

export const BreakdownAnswer = Type.Object({
  by: Type.String(),
  currency: Nullable(Type.String()),
  rows: Type.Array(Type.Intersect([Type.Object({ key: Type.String() }), Figures])),
})

export const FailuresQuery = Type.Intersect([
  AnalyticsQuery,
  Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 20 })) }),
])

export const FailuresAnswer = Type.Object({
  failures: Type.Array(
    Type.Object({
      code: Type.Integer({ description: "Meta's error code" }),
      count: Type.Integer(),
      title: Type.String(),
      meaning: Type.String(),
      fix: Type.String(),
      category: Type.String(),
    }),
  ),
})

export const PricesAnswer = Type.Object({
  tables: Type.Array(
    Type.Object({
      effectiveFrom: Type.String(),
      currency: Type.String(),
      source: Type.String(),
      origin: Type.String({ description: 'bundled with Wahub or imported by an operator' }),
      markets: Type.Integer(),
      rates: Type.Record(Type.String(), Type.Record(Type.String(), Type.Number())),
    }),
  ),
})

const NumberValues = {
  quality_rating: Nullable(Type.String({ description: 'GREEN, YELLOW, RED, NA' })),
  messaging_limit_tier: Nullable(Type.String({ description: 'e.g. TIER_1K, TIER_UNLIMITED' })),
  throughput_level: Nullable(Type.String({ description: 'STANDARD, HIGH' })),
}

export const NumbersAnswer = Type.Object({
  numbers: Type.Array(
    Type.Object({
      numberId: Type.String(),
      phoneNumberId: Type.String(),
      displayPhoneNumber: Nullable(Type.String()),
      tenantId: Nullable(Type.String()),
      current: Type.Object(NumberValues),
      history: Type.Array(Type.Object({ at: Type.Integer(), ...NumberValues })),
    }),
  ),
})
