import { Type } from 'typebox'
import { expiringTokens } from '../../../../channels/wabas.ts'
import { runGolive } from '../../../../diagnostics/golive.ts'
import { WahubError } from '../../../../errors.ts'
import { carrySandboxOver, sandboxCarryOver } from '../../../../sandbox/carry-over.ts'
import { actorOfRequest } from '../../../auth.ts'
import { CarryOverSchema, GoliveSchema, presentCarryOver, presentGolive } from '../../../presenters/golive.ts'
import { commonErrors, Millis, NStr, Nullable, Str } from '../../../presenters/schema-helpers.ts'
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
    '/golive/sandbox',
    {
      config: admin,
      schema: {
        tags: ['admin: diagnostics'],
        summary:
          'Go live from the Sandbox: what carries over to the real WABA (as `wahub golive --from-sandbox`)',
        description:
          "The Sandbox's tenant (it stays and takes the real number), its numbers (never carried) and its templates, each offered, submitted (with the real WABA's review status) or not carried (with why). Decision 0083.",
        querystring: Type.Object({ waba: Type.Optional(Id('The real WABA')) }),
        response: { 200: CarryOverSchema, ...commonErrors },
      },
    },
    async (req) => presentCarryOver(await carryOverOrThrow(req.query.waba)),
  )

  const TemplateRef = Type.Object(
    {
      name: Type.String({ minLength: 1, maxLength: 512, description: "The template's name" }),
      language: Type.String({ minLength: 2, maxLength: 15, description: 'Its language code, e.g. en_US' }),
    },
    { additionalProperties: false },
  )
  app.post(
    '/golive/sandbox',
    {
      config: admin,
      schema: {
        tags: ['admin: diagnostics'],
        summary:
          "Carry the Sandbox over: its tenant takes the real number, its templates go to Meta's review",
        description:
          "`number` makes that real number the Sandbox tenant's default (the Sandbox numbers are not carried); `templates` submits the Sandbox's templates to the real WABA: a list of {name, language}, `authored` (those made in the Sandbox) or `all` (every one offered). Each template's review is then tracked in GET /golive/sandbox. Decision 0083.",
        body: Type.Object(
          {
            waba: Type.Optional(Id('The real WABA (default: the first connected)')),
            number: Type.Optional(Id("A real number for the Sandbox's tenant")),
            templates: Type.Optional(
              Type.Union([
                Type.Array(TemplateRef, { maxItems: 200 }),
                Type.Literal('authored'),
                Type.Literal('all'),
              ]),
            ),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            tenant: Nullable(Type.Object({ name: Str, number: Str })),
            templates: Type.Array(
              Type.Object({
                name: Str,
                language: Str,
                outcome: Type.Union([
                  Type.Literal('submitted'),
                  Type.Literal('skipped'),
                  Type.Literal('failed'),
                ]),
                status: NStr,
                error: Nullable(Type.Object({ code: Str, message: Str, fix: Str })),
              }),
            ),
            carryOver: CarryOverSchema,
          }),
          ...commonErrors,
        },
      },
    },
    async (req) => {
      const r = await carrySandboxOver(ctx, req.body, actorOfRequest(req))
      return { tenant: r.tenant, templates: r.templates, carryOver: presentCarryOver(r.carryOver) }
    },
  )

  async function carryOverOrThrow(waba: string | undefined) {
    const c = await sandboxCarryOver(ctx.db, waba)
    if (!c)
      throw new WahubError(
        'not_found',
        'There is no Sandbox to go live from (it was skipped, removed, or never created here).',
        undefined,
        'Follow the go-live guide (`wahub golive`) to connect a real number.',
      )
    return c
  }

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
