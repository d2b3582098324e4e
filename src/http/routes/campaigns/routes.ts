import { stringify } from 'csv-stringify'
import { Type } from 'typebox'
import { campaignCostSoFar, estimateCampaignCost } from '../../../analytics/campaign-cost-report.ts'
import {
  campaignProgressLive,
  campaignResults,
  cancelCampaign,
  createCampaign,
  dryRun,
  figuresReuseMs,
  getCampaign,
  launchCampaign,
  listCampaigns,
  pauseCampaign,
  removeCampaign,
  resumeCampaign,
} from '../../../campaigns/campaigns.ts'
import { liveFigure } from '../../../campaigns/live-figures.ts'
import type { MessagingContext } from '../../../messaging/context.ts'
import { actorOfRequest } from '../../auth.ts'
import {
  CampaignSchema,
  ParameterSchema,
  ProgressSchema,
  presentCampaign,
  presentProgress,
} from '../../presenters/campaign.ts'
import { commonErrors, IdParams, Millis, NoContent, Nullable } from '../../presenters/schema-helpers.ts'
import { TenantQuery, tenantOf } from '../../tenant-scope.ts'
import { routes } from '../plugin.ts'

// Campaigns (issue 18, docs/CAMPAIGNS.md): create, dry run, launch (now or at startAt), pause,
// resume, cancel, progress (live through /api/v1/live: campaign.progress / campaign.paused /
// campaign.status events), results as CSV.

const tags = ['campaigns']
const read = { access: { scope: 'read', tenant: 'any' } } as const
const write = { access: { scope: 'send', tenant: 'any' } } as const

const DryRunSchema = Type.Object({
  audience: Type.Integer({ description: 'Rows of the audience, usable or not' }),
  wouldSend: Type.Integer(),
  skipped: Type.Object({
    optedOut: Type.Integer({ description: 'On the suppression list' }),
    invalid: Type.Integer({ description: 'Not a WhatsApp number, or a parameter without value' }),
    duplicate: Type.Integer({ description: 'Repeated numbers in the audience' }),
    overLimit: Type.Integer({
      description: "Beyond the number's messaging limit today (sent when the window rolls)",
    }),
  }),
  messagingLimit: Type.Object({
    tier: Nullable(Type.String()),
    cap: Nullable(Type.Integer({ description: 'Unique users per moving 24 h (null: unlimited or unknown)' })),
    usedToday: Type.Integer(),
    available: Nullable(Type.Integer()),
  }),
  throughputMps: Type.Integer(),
  estimatedCost: Type.Object({
    currency: Nullable(Type.String()),
    totalMicros: Type.Integer(),
    unpriced: Type.Integer(),
    byCountry: Type.Array(
      Type.Object({
        country: Type.String(),
        category: Type.String(),
        recipients: Type.Integer(),
        micros: Type.Integer(),
      }),
    ),
  }),
})

const CampaignBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100, examples: ['Christmas opening hours'] }),
    audienceId: Type.String({ minLength: 1, maxLength: 100 }),
    from: Type.Optional(
      Type.String({ minLength: 1, maxLength: 100, description: 'The number (default: the tenant’s)' }),
    ),
    template: Type.Object(
      {
        name: Type.String({ minLength: 1, maxLength: 512 }),
        language: Type.String({ minLength: 2, maxLength: 15 }),
      },
      { additionalProperties: false },
    ),
    parameters: Type.Optional(Type.Array(ParameterSchema, { maxItems: 30 })),
    startAt: Type.Optional(Millis),
    timeZone: Type.Optional(Type.String({ minLength: 1, maxLength: 64, examples: ['Europe/Madrid'] })),
    quietHours: Type.Optional(
      Nullable(
        Type.String({
          pattern: '^\\d\\d:\\d\\d-\\d\\d:\\d\\d$',
          description: 'Like 21:00-08:00, in timeZone',
        }),
      ),
    ),
    rateMps: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 1000, description: "At most the number's throughput" }),
    ),
    qualityGuard: Type.Optional(Type.Union([Type.Literal('RED'), Type.Literal('YELLOW')])),
  },
  { additionalProperties: false },
)

export const campaignRoutes = routes(async (app, deps) => {
  const { handle } = deps
  const { db } = handle
  const ctx: MessagingContext = {
    db,
    vault: deps.vault,
    graph: deps.graph,
    config: deps.config,
    log: deps.log.child({ component: 'campaigns' }),
  }
  const one = (summary: string, response = CampaignSchema) => ({
    config: write,
    schema: {
      tags,
      summary,
      params: IdParams,
      querystring: TenantQuery,
      response: { 200: response, ...commonErrors },
    },
  })

  app.get(
    '/campaigns',
    {
      config: read,
      schema: {
        tags,
        summary: "The tenant's campaigns, newest first",
        querystring: TenantQuery,
        response: { 200: Type.Object({ campaigns: Type.Array(CampaignSchema) }), ...commonErrors },
      },
    },
    async (req) => ({
      campaigns: (await listCampaigns(db, tenantOf(req, req.query.tenant_id))).map(presentCampaign),
    }),
  )

  app.post(
    '/campaigns',
    {
      config: write,
      schema: {
        tags,
        summary: 'Create a campaign (a draft: dry run it, then launch it)',
        querystring: TenantQuery,
        body: CampaignBody,
        response: { 201: CampaignSchema, ...commonErrors },
      },
    },
    async (req, reply) => {
      const c = await createCampaign(ctx, tenantOf(req, req.query.tenant_id), req.body, actorOfRequest(req))
      return reply.code(201).send(presentCampaign(c))
    },
  )

  app.get(
    '/campaigns/:id',
    {
      config: read,
      schema: {
        tags,
        summary: 'A campaign and its progress so far',
        params: IdParams,
        querystring: TenantQuery,
        response: {
          200: Type.Object({ campaign: CampaignSchema, progress: ProgressSchema }),
          ...commonErrors,
        },
      },
    },
    async (req) => {
      const tenantId = tenantOf(req, req.query.tenant_id)
      const campaign = await getCampaign(db, tenantId, req.params.id)
      // Recent readings may be reused while a large campaign runs (decision 0089).
      const reuseMs = await figuresReuseMs(db, campaign.id, campaign.status)
      const [progress, { value: cost }] = await Promise.all([
        campaignProgressLive(db, tenantId, campaign.id, { status: campaign.status }),
        liveFigure(`cost:${campaign.id}`, reuseMs, () => campaignCostSoFar(db, campaign.id)),
      ])
      return { campaign: presentCampaign(campaign), progress: presentProgress(progress, cost) }
    },
  )

  app.post(
    '/campaigns/:id/dry-run',
    {
      config: read,
      schema: {
        tags,
        summary: 'What launching now would do: would send, skipped and why, messaging limit, estimated cost',
        params: IdParams,
        querystring: TenantQuery,
        response: { 200: DryRunSchema, ...commonErrors },
      },
    },
    async (req) => {
      const d = await dryRun(ctx, tenantOf(req, req.query.tenant_id), req.params.id)
      const cost = await estimateCampaignCost(db, d.recipients, d.templateCategory)
      return {
        audience: d.audience,
        wouldSend: d.wouldSend,
        skipped: { ...d.skipped },
        messagingLimit: { ...d.messagingLimit },
        throughputMps: d.throughputMps,
        estimatedCost: cost,
      }
    },
  )

  app.post(
    '/campaigns/:id/launch',
    {
      config: write,
      schema: {
        tags,
        summary: 'Launch a draft: now, or at startAt (its audience is copied now)',
        params: IdParams,
        querystring: TenantQuery,
        body: Type.Optional(Type.Object({ startAt: Type.Optional(Millis) }, { additionalProperties: false })),
        response: { 200: CampaignSchema, ...commonErrors },
      },
    },
    async (req) =>
      presentCampaign(
        await launchCampaign(handle, tenantOf(req, req.query.tenant_id), req.params.id, {
          startAt: req.body?.startAt,
        }),
      ),
  )

  app.post(
    '/campaigns/:id/pause',
    one('Pause: nothing more is queued; queued messages not yet sent are taken back'),
    async (req) =>
      presentCampaign(
        await pauseCampaign(handle, tenantOf(req, req.query.tenant_id), req.params.id, {
          by: 'user',
          reason: `Paused by ${actorOfRequest(req)}.`,
        }),
      ),
  )

  app.post('/campaigns/:id/resume', one('Resume a paused campaign'), async (req) =>
    presentCampaign(await resumeCampaign(handle, tenantOf(req, req.query.tenant_id), req.params.id)),
  )

  app.post('/campaigns/:id/cancel', one('Cancel: messages not yet sent are never sent'), async (req) =>
    presentCampaign(await cancelCampaign(handle, tenantOf(req, req.query.tenant_id), req.params.id)),
  )

  app.delete(
    '/campaigns/:id',
    {
      config: write,
      schema: {
        tags,
        summary: 'Remove a draft, cancelled or completed campaign (its messages stay in the inbox)',
        params: IdParams,
        querystring: TenantQuery,
        response: { 204: NoContent, ...commonErrors },
      },
    },
    async (req, reply) => {
      await removeCampaign(db, tenantOf(req, req.query.tenant_id), req.params.id)
      return reply.code(204).send(null)
    },
  )

  app.get(
    '/campaigns/:id/results.csv',
    {
      config: read,
      schema: {
        tags,
        summary: "Every recipient's outcome as CSV: state, message status, error code, replied",
        params: IdParams,
        querystring: TenantQuery,
        response: { 200: Type.String({ description: 'text/csv' }), ...commonErrors },
      },
    },
    async (req, reply) => {
      const tenantId = tenantOf(req, req.query.tenant_id)
      const campaign = await getCampaign(db, tenantId, req.params.id)
      const csv = stringify({
        header: true,
        columns: [
          'row',
          'wa_id',
          'state',
          'reason',
          'message_id',
          'status',
          'status_at',
          'error_code',
          'error_title',
          'replied',
        ],
      })
      reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="wahub-campaign-${campaign.id}.csv"`)
      ;(async () => {
        try {
          for await (const r of campaignResults(db, tenantId, campaign.id)) {
            const row = [
              r.seq,
              r.waId,
              r.state,
              r.reason ?? '',
              r.messageId ?? '',
              r.status ?? '',
              r.statusAt === null ? '' : new Date(r.statusAt).toISOString(),
              r.errorCode ?? '',
              r.errorTitle ?? '',
              r.replied ? 'yes' : 'no',
            ]
            if (!csv.write(row)) await new Promise((resolve) => csv.once('drain', resolve))
          }
          csv.end()
        } catch (err) {
          csv.destroy(err as Error)
        }
      })()
      return reply.send(csv as never)
    },
  )
})
