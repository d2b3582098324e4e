import { Type } from 'typebox'
import { getNumber } from '../../../../channels/numbers.ts'
import { type OverrideInput, webhookOverride, webhookStatus } from '../../../../channels/webhook-config.ts'
import { actorOfRequest } from '../../../auth.ts'
import { IdParams } from '../../../presenters/schema-helpers.ts'
import { presentWebhookStatus, WebhookStatusSchema } from '../../../presenters/webhook-status.ts'
import { adminRoute, channelRoutes, localUrlOf } from '../context.ts'

// Which callback Meta uses, and Wahub's callback override, at the two levels Meta has them: a
// number (`/numbers/:id/webhook…`) and a WABA (`/wabas/:id/webhook…`). Meta's priority: number
// override > WABA override > the app's callback URL. The same two routes at each level; the
// WABA's subscription (`/wabas/:id/webhook/subscribe`) is with the WABA's routes.

const OverrideBody = Type.Object(
  {
    remove: Type.Optional(Type.Boolean()),
    url: Type.Optional(Type.String({ pattern: '^https?://', maxLength: 200 })),
  },
  { additionalProperties: false },
)

type Level = {
  path: string
  tag: string
  status: { summary: string; description?: string }
  override: string
}

const levels: Record<OverrideInput['level'], Level> = {
  number: {
    path: '/numbers/:id',
    tag: 'admin: numbers',
    status: { summary: 'Which callback Meta uses for this number, and whether it is Wahub' },
    override: 'Point the number at Wahub with a number-level callback override (or remove it)',
  },
  waba: {
    path: '/wabas/:id',
    tag: 'admin: WABAs',
    status: {
      summary: 'Which callback Meta uses for each number, and whether it is Wahub',
      description:
        "Reads subscribed_apps and each number's webhook_configuration. Meta's priority: number override > WABA override > the app's callback URL.",
    },
    override: 'Point the WABA at Wahub with a callback override (or remove it)',
  },
}

export const adminWebhookConfigRoutes = channelRoutes(async (app, ctx) => {
  /** The WABA whose configuration is read, and the number when the level is one. */
  const subject = async (level: OverrideInput['level'], id: string) => {
    if (level === 'waba') return { waba: id, phoneNumberId: undefined }
    const n = await getNumber(ctx.db, id)
    return { waba: n.wabaRowId, phoneNumberId: n.phoneNumberId }
  }

  for (const [level, l] of Object.entries(levels) as [OverrideInput['level'], Level][]) {
    const admin = adminRoute(l.tag)
    app.get(
      `${l.path}/webhook`,
      admin({ ...l.status, params: IdParams, response: { 200: WebhookStatusSchema } }),
      async (req) => {
        const { waba, phoneNumberId } = await subject(level, req.params.id)
        return presentWebhookStatus(
          await webhookStatus(ctx, waba, { phoneNumberId, localUrl: localUrlOf(req) }),
        )
      },
    )

    app.post(
      `${l.path}/webhook/override`,
      admin({
        summary: l.override,
        params: IdParams,
        body: OverrideBody,
        response: { 200: WebhookStatusSchema },
      }),
      async (req) => {
        const { waba, phoneNumberId } = await subject(level, req.params.id)
        const target = level === 'waba' ? { waba } : { phoneNumberId }
        return presentWebhookStatus(
          await webhookOverride(ctx, { level, ...target, ...req.body }, actorOfRequest(req), localUrlOf(req)),
        )
      },
    )
  }
})
