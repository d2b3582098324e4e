import { Type } from 'typebox'
import { sendTestEvent } from '../../../delivery/deliver-job.ts'
import { listAttempts, listDeliveries } from '../../../delivery/delivery-log.ts'
import { eventFilters } from '../../../delivery/event-types.ts'
import { redeliver } from '../../../delivery/redeliver.ts'
import {
  createSubscription,
  getSubscription,
  listSubscriptions,
  removeSubscription,
  rotateSubscriptionSecret,
  updateSubscription,
  urlPolicyOf,
} from '../../../delivery/subscriptions.ts'
import { commonErrors, IdParams, NoContent, Nullable } from '../../presenters/schema-helpers.ts'
import {
  presentAttempt,
  presentDelivery,
  presentSubscription,
  WebhookAttemptSchema,
  WebhookDeliverySchema,
  WebhookSubscriptionSchema,
} from '../../presenters/webhook-subscription.ts'
import { TenantQuery, tenantOf } from '../../tenant-scope.ts'
import { routes } from '../plugin.ts'

// A tenant's webhook subscriptions (SPEC §17, docs/INTEGRATIONS.md): several URLs with event
// filters, each signed per Standard Webhooks with its own secret; the delivery log, redelivery
// and a test event. Managed by the tenant's keys with the send scope (and by operators, naming
// the tenant); read with the read scope.

const tags = ['webhook subscriptions']
const read = { access: { scope: 'read', tenant: 'any' } } as const
const write = { access: { scope: 'send', tenant: 'any' } } as const
const Url = Type.String({ minLength: 1, maxLength: 2000, examples: ['https://example.com/wahub-events'] })
const Events = Type.Array(Type.String({ minLength: 1, maxLength: 60, examples: ['message.*'] }), {
  minItems: 1,
  maxItems: 50,
  description: `Event types or wildcards: ${eventFilters.join(', ')}`,
})
const Description = Nullable(Type.String({ maxLength: 200 }))
const SecretAnswer = Type.Object({
  subscription: WebhookSubscriptionSchema,
  secret: Type.String({
    description:
      'whsec_… signing secret (Standard Webhooks): shown only now; verify with the standardwebhooks package',
  }),
})

export const webhookSubscriptionRoutes = routes(async (app, { handle: { db }, vault, config }) => {
  const policy = urlPolicyOf(config)

  app.get(
    '/webhook-subscriptions/event-types',
    {
      config: read,
      schema: {
        tags,
        summary: 'The event types and wildcards a subscription may filter on',
        response: { 200: Type.Object({ eventTypes: Type.Array(Type.String()) }), ...commonErrors },
      },
    },
    async () => ({ eventTypes: [...eventFilters] }),
  )

  app.get(
    '/webhook-subscriptions',
    {
      config: read,
      schema: {
        tags,
        summary: "The tenant's webhook subscriptions",
        querystring: TenantQuery,
        response: {
          200: Type.Object({ subscriptions: Type.Array(WebhookSubscriptionSchema) }),
          ...commonErrors,
        },
      },
    },
    async (req) => ({
      subscriptions: (await listSubscriptions(db, tenantOf(req, req.query.tenant_id))).map(
        presentSubscription,
      ),
    }),
  )

  app.post(
    '/webhook-subscriptions',
    {
      config: write,
      schema: {
        tags,
        summary: 'Subscribe a URL to events (its signing secret is shown once, in this answer)',
        querystring: TenantQuery,
        body: Type.Object(
          { url: Url, events: Type.Optional(Events), description: Type.Optional(Description) },
          { additionalProperties: false },
        ),
        response: { 201: SecretAnswer, ...commonErrors },
      },
    },
    async (req, reply) => {
      const created = await createSubscription(
        db,
        vault,
        tenantOf(req, req.query.tenant_id),
        req.body,
        policy,
      )
      return reply
        .code(201)
        .send({ subscription: presentSubscription(created.subscription), secret: created.secret })
    },
  )

  app.get(
    '/webhook-subscriptions/:id',
    {
      config: read,
      schema: {
        tags,
        summary: 'One webhook subscription',
        params: IdParams,
        querystring: TenantQuery,
        response: { 200: WebhookSubscriptionSchema, ...commonErrors },
      },
    },
    async (req) =>
      presentSubscription(await getSubscription(db, tenantOf(req, req.query.tenant_id), req.params.id)),
  )

  app.patch(
    '/webhook-subscriptions/:id',
    {
      config: write,
      schema: {
        tags,
        summary: 'Change a subscription: URL, events, description; enable it again after it was disabled',
        params: IdParams,
        querystring: TenantQuery,
        body: Type.Object(
          {
            url: Type.Optional(Url),
            events: Type.Optional(Events),
            description: Type.Optional(Description),
            enabled: Type.Optional(Type.Boolean()),
          },
          { additionalProperties: false },
        ),
        response: { 200: WebhookSubscriptionSchema, ...commonErrors },
      },
    },
    async (req) =>
      presentSubscription(
        await updateSubscription(db, tenantOf(req, req.query.tenant_id), req.params.id, req.body, policy),
      ),
  )

  app.delete(
    '/webhook-subscriptions/:id',
    {
      config: write,
      schema: {
        tags,
        summary: 'Remove a subscription and its delivery log',
        params: IdParams,
        querystring: TenantQuery,
        response: { 204: NoContent, ...commonErrors },
      },
    },
    async (req, reply) => {
      await removeSubscription(db, tenantOf(req, req.query.tenant_id), req.params.id)
      return reply.code(204).send(null)
    },
  )

  app.post(
    '/webhook-subscriptions/:id/secret',
    {
      config: write,
      schema: {
        tags,
        summary: 'Rotate the signing secret (shown once; the old one stops at once)',
        params: IdParams,
        querystring: TenantQuery,
        response: { 201: SecretAnswer, ...commonErrors },
      },
    },
    async (req, reply) => {
      const tenantId = tenantOf(req, req.query.tenant_id)
      const secret = await rotateSubscriptionSecret(db, vault, tenantId, req.params.id)
      return reply.code(201).send({
        subscription: presentSubscription(await getSubscription(db, tenantId, req.params.id)),
        secret,
      })
    },
  )

  app.post(
    '/webhook-subscriptions/:id/test',
    {
      config: write,
      schema: {
        tags,
        summary: 'Send a signed webhook.test event now and answer with the attempt',
        params: IdParams,
        querystring: TenantQuery,
        response: { 200: WebhookAttemptSchema, ...commonErrors },
      },
    },
    async (req) =>
      presentAttempt(await sendTestEvent(db, vault, tenantOf(req, req.query.tenant_id), req.params.id)),
  )

  app.get(
    '/webhook-subscriptions/:id/attempts',
    {
      config: read,
      schema: {
        tags,
        summary: 'The delivery log: every attempt, newest first',
        params: IdParams,
        querystring: Type.Object({
          ...TenantQuery.properties,
          before: Type.Optional(Type.Integer({ minimum: 0, description: 'Epoch ms: attempts before this' })),
          failed: Type.Optional(Type.Boolean({ description: 'Only failed attempts' })),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
        }),
        response: { 200: Type.Object({ attempts: Type.Array(WebhookAttemptSchema) }), ...commonErrors },
      },
    },
    async (req) => {
      const tenantId = tenantOf(req, req.query.tenant_id)
      await getSubscription(db, tenantId, req.params.id)
      const attempts = await listAttempts(db, tenantId, req.params.id, {
        before: req.query.before,
        failedOnly: req.query.failed,
        limit: req.query.limit,
      })
      return { attempts: attempts.map(presentAttempt) }
    },
  )

  app.get(
    '/webhook-subscriptions/:id/deliveries',
    {
      config: read,
      schema: {
        tags,
        summary: 'Each event sent to the subscription and where it stands (pending, delivered, failed)',
        params: IdParams,
        querystring: Type.Object({
          ...TenantQuery.properties,
          status: Type.Optional(
            Type.Union([Type.Literal('pending'), Type.Literal('delivered'), Type.Literal('failed')]),
          ),
          since: Type.Optional(Type.Integer({ minimum: 0, description: 'Epoch ms: events queued since' })),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
        }),
        response: { 200: Type.Object({ deliveries: Type.Array(WebhookDeliverySchema) }), ...commonErrors },
      },
    },
    async (req) => {
      const tenantId = tenantOf(req, req.query.tenant_id)
      await getSubscription(db, tenantId, req.params.id)
      const deliveries = await listDeliveries(db, tenantId, req.params.id, {
        status: req.query.status,
        since: req.query.since,
        limit: req.query.limit ?? 100,
      })
      return { deliveries: deliveries.map(presentDelivery) }
    },
  )

  app.post(
    '/webhook-subscriptions/:id/redeliver',
    {
      config: write,
      schema: {
        tags,
        summary: 'Deliver again one delivery (deliveryId) or every failed one since a time (failedSince)',
        params: IdParams,
        querystring: TenantQuery,
        body: Type.Union(
          [
            Type.Object(
              { deliveryId: Type.String({ minLength: 1, maxLength: 100 }) },
              { additionalProperties: false },
            ),
            Type.Object(
              { failedSince: Type.Integer({ minimum: 0, description: 'Epoch ms', examples: [0] }) },
              { additionalProperties: false },
            ),
          ],
          { description: 'Either deliveryId or failedSince' },
        ),
        response: { 202: Type.Object({ queued: Type.Array(WebhookDeliverySchema) }), ...commonErrors },
      },
    },
    async (req, reply) => {
      const queued = await redeliver(db, tenantOf(req, req.query.tenant_id), req.params.id, req.body)
      return reply.code(202).send({ queued: queued.map(presentDelivery) })
    },
  )
})
