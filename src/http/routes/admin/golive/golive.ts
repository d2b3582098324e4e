import { Type } from 'typebox'
import { expiringTokens } from '../../../../channels/wabas.ts'
import { runGolive } from '../../../../diagnostics/golive.ts'
import { GoliveSchema, presentGolive } from '../../../presenters/golive.ts'
import { commonErrors, Millis, NStr, Str } from '../../../presenters/schema-helpers.ts'
import { channelRoutes, localUrlOf } from '../context.ts'

const admin = { access: { scope: 'admin' } } as const
const Id = (what: string) =>
  Type.String({ pattern: '^[A-Za-z0-9_]{1,64}$', description: `${what}: Meta's id or Wahub's` })

export const adminGoliveRoutes = channelRoutes(async (app, ctx) => {
  app.get(
    '/golive',
    {
      config: admin,
      schema: {
        tags: ['admin: diagnostics'],
        summary: 'The go-live guide: every step from a Meta business to a live number (as `wahub golive`)',
        description:
          "Ordered steps, each done / todo / failing / manual / unknown with what was seen, the fix, the doctor check it reads and the place in Meta's screens (docs/ONBOARDING.md). Meta's answers are cached like the doctor's; `fresh=true` asks again.",
        querystring: Type.Object({
          number: Type.Optional(Id('One number')),
          waba: Type.Optional(Id('One WABA')),
          fresh: Type.Optional(Type.Boolean()),
        }),
        response: { 200: GoliveSchema, ...commonErrors },
      },
    },
    async (req) =>
      presentGolive(
        await runGolive(
          { ...ctx, localUrl: localUrlOf(req) },
          { number: req.query.number, waba: req.query.waba, fresh: req.query.fresh === true },
        ),
      ),
  )

  app.get(
    '/golive/alerts',
    {
      config: admin,
      schema: {
        tags: ['admin: diagnostics'],
        summary: 'Tokens that expired or expire within 7 days (the dashboard header shows them to admins)',
        response: {
          200: Type.Object({
            tokens: Type.Array(
              Type.Object({
                id: Str,
                wabaId: Str,
                name: NStr,
                tokenType: NStr,
                expiresAt: Millis,
                expired: Type.Boolean(),
                fix: Type.String({ description: 'How to swap in a permanent token' }),
              }),
            ),
          }),
          ...commonErrors,
        },
      },
    },
    async () => ({
      tokens: (await expiringTokens(ctx.db, Date.now())).map((t) => ({
        id: t.id,
        wabaId: t.wabaId,
        name: t.name,
        tokenType: t.tokenType,
        expiresAt: t.expiresAt,
        expired: t.expired,
        fix: `Generate a System User token (Business settings > Users > System users > Generate new token) and swap it in: Channels > WABA ${t.wabaId} > Replace token, or \`wahub waba add --waba-id ${t.wabaId} --token <new token>\`.`,
      })),
    }),
  )
})
