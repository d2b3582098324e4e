import { Type } from 'typebox'
import { WahubError } from '../../../../errors.ts'
import {
  listEvents,
  loadEvent,
  replayEvents,
  type WebhookOutcome,
  webhookOutcomes,
} from '../../../../webhooks/events-repo.ts'
import { authErrors, ErrorSchema, IdParams, Millis, Nullable } from '../../../presenters/schema-helpers.ts'
import { routes } from '../../plugin.ts'

// The raw webhooks Meta delivered (SPEC §4, §10 Events): what became of each, the body as
// received, and replay — the same functions as `wahub events`.

const admin = { access: { scope: 'admin' } } as const
const tags = ['admin']
const Outcome = Type.Union(webhookOutcomes.map((o) => Type.Literal(o)))

const EventSchema = Type.Object({
  id: Type.String(),
  receivedAt: Millis,
  outcome: Type.String(),
  outcomeReason: Nullable(Type.String()),
  phoneNumberIds: Type.Array(Type.String(), {
    description:
      "Meta's phone_number_ids: the ones at fault for unrouted and wrong_app events, else every one the webhook named",
  }),
  processedAt: Nullable(Millis),
  attempts: Type.Integer(),
})

export const adminEventRoutes = routes(async (app, deps) => {
  const { db } = deps.handle

  app.get(
    '/events',
    {
      config: admin,
      schema: {
        tags,
        summary: 'Raw webhooks received, newest first',
        querystring: Type.Object({
          outcome: Type.Optional(Outcome),
          before: Type.Optional(Type.String({ maxLength: 100 })),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
        }),
        response: {
          200: Type.Object({
            events: Type.Array(
              Type.Intersect([
                EventSchema,
                Type.Object({
                  size: Type.Integer(),
                  types: Type.Array(Type.String(), {
                    description:
                      'What the webhook carried, once each: message:<type>, status:<status>, field:<field> (template, quality, account updates…) or errors',
                  }),
                }),
              ]),
            ),
          }),
          ...authErrors,
        },
      },
    },
    async (req) => ({
      events: (
        await listEvents(db, {
          outcome: req.query.outcome as WebhookOutcome | undefined,
          before: req.query.before,
          limit: req.query.limit,
        })
      ).map(({ metaAppRowId: _app, ...e }) => e),
    }),
  )

  app.get(
    '/events/:id',
    {
      config: admin,
      schema: {
        tags,
        summary: 'One raw webhook with its body as Meta sent it',
        params: IdParams,
        response: {
          200: Type.Intersect([EventSchema, Type.Object({ body: Type.String() })]),
          404: ErrorSchema,
          ...authErrors,
        },
      },
    },
    async (req) => {
      const event = await loadEvent(db, req.params.id)
      if (!event) throw new WahubError('not_found', `No webhook event ${req.params.id}.`)
      const { body, metaAppRowId: _app, ...rest } = event
      return { ...rest, body: body.toString('utf8') }
    },
  )

  app.post(
    '/events/replay',
    {
      config: admin,
      schema: {
        tags,
        summary: 'Process events again: the unrouted ones, or the given ids (idempotent)',
        body: Type.Object({
          ids: Type.Optional(Type.Array(Type.String({ maxLength: 100 }), { maxItems: 1000 })),
          unrouted: Type.Optional(Type.Boolean()),
        }),
        response: {
          200: Type.Object({ replayed: Type.Array(Type.String()) }),
          400: ErrorSchema,
          ...authErrors,
        },
      },
    },
    async (req) => {
      const { ids, unrouted } = req.body
      if (!ids?.length && !unrouted)
        throw new WahubError('bad_request', 'Send {"unrouted": true} or {"ids": [...]}.')
      const replayed = await replayEvents(db, ids?.length ? { ids } : { unrouted: true })
      deps.runner?.nudge()
      return { replayed }
    },
  )
})
