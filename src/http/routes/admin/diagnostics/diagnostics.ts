import { Type } from 'typebox'
import { runDoctor } from '../../../../diagnostics/doctor.ts'
import { checkTitles } from '../../../../diagnostics/types.ts'
import { commonErrors, Millis, Nullable } from '../../../presenters/schema-helpers.ts'
import { channelRoutes, localUrlOf } from '../context.ts'

const admin = { access: { scope: 'admin' } } as const
const Status = Type.Union([Type.Literal('pass'), Type.Literal('warn'), Type.Literal('fail')])

const CheckSchema = Type.Object({
  id: Type.String({ description: `Stable id of the check: ${Object.keys(checkTitles).join(', ')}` }),
  title: Type.String(),
  subject: Nullable(Type.String({ description: 'What the check is about: null = the installation' })),
  status: Status,
  seen: Type.String({ description: 'What doctor saw, with the values' }),
  fix: Nullable(Type.String({ description: 'What to do; a command where there is one' })),
  data: Type.Optional(
    Type.Record(Type.String(), Type.Unknown(), { description: 'The facts behind the finding' }),
  ),
})

const ReportSchema = Type.Object({
  generatedAt: Millis,
  channel: Nullable(Type.String()),
  checks: Type.Array(CheckSchema),
  summary: Type.Object({ pass: Type.Integer(), warn: Type.Integer(), fail: Type.Integer() }),
  ok: Type.Boolean({ description: 'No check failed' }),
  metaReadAt: Nullable(Millis),
})

export const adminDiagnosticsRoutes = channelRoutes(async (app, ctx) => {
  app.get(
    '/diagnostics',
    {
      config: admin,
      schema: {
        tags: ['admin: diagnostics'],
        summary: 'Run every doctor check (as `wahub doctor`)',
        description:
          "Each check: pass, warn or fail, what was seen and the fix (docs/DIAGNOSTICS.md). Meta's answers are cached for 5 minutes (and until the next admin action); `fresh=true` reads them again.",
        querystring: Type.Object({
          channel: Type.Optional(
            Type.String({
              pattern: '^[A-Za-z0-9_]{1,64}$',
              description: "One number: Meta's phone_number_id or Wahub's id",
            }),
          ),
          fresh: Type.Optional(Type.Boolean()),
        }),
        response: { 200: ReportSchema, ...commonErrors },
      },
    },
    async (req) =>
      runDoctor(
        { ...ctx, localUrl: localUrlOf(req) },
        { channel: req.query.channel, fresh: req.query.fresh === true },
      ),
  )
})
