import { Type } from 'typebox'
import {
  getSignup,
  listSignups,
  resumeSignup,
  signupConfig,
  startSignup,
} from '../../../onboarding/embedded-signup.ts'
import { actorOfRequest, tenantIdOf } from '../../auth.ts'
import { commonErrors, IdParams } from '../../presenters/schema-helpers.ts'
import {
  presentSignupAttempt,
  presentSignupConfig,
  SignupAttemptSchema,
  SignupConfigSchema,
} from '../../presenters/signup.ts'
import { channelRoutes } from '../admin/context.ts'

// Embedded Signup for a tenant (issue 21, decision 0072): the configuration the dashboard needs
// to open Meta's popup (or the emulator's stand-in), then the attempt — code exchanged, WABA and
// number added, app subscribed, number registered, templates synced, number assigned — each step
// recorded and resumable. Only for the caller's own tenant.

const send = { access: { scope: 'send' } } as const
const read = { access: { scope: 'read' } } as const
const tags = ['tenant: embedded signup']
const MetaId = (what: string) => Type.String({ pattern: '^\\d{5,25}$', description: `${what} (digits)` })
const Pin = Type.String({
  pattern: '^\\d{6}$',
  description: "The number's two-step verification PIN: 6 digits",
})

export const signupRoutes = channelRoutes(async (app, ctx) => {
  app.get(
    '/signup/config',
    {
      config: read,
      schema: {
        tags,
        summary: "Whether Embedded Signup is on, and what Meta's popup needs",
        response: { 200: SignupConfigSchema, ...commonErrors },
      },
    },
    async () => presentSignupConfig(await signupConfig(ctx)),
  )

  app.get(
    '/signup',
    {
      config: read,
      schema: {
        tags,
        summary: "The tenant's last signup attempts",
        response: { 200: Type.Object({ attempts: Type.Array(SignupAttemptSchema) }), ...commonErrors },
      },
    },
    async (req) => ({ attempts: (await listSignups(ctx, tenantIdOf(req))).map(presentSignupAttempt) }),
  )

  app.post(
    '/signup',
    {
      config: send,
      schema: {
        tags,
        summary: "Connect the tenant's own number from Meta's Embedded Signup",
        description:
          "The code Facebook Login for Business returned and the WABA and number of its session info; the steps run at once and the answer says how far they got (201 done or failed: see each step's error and fix, then resume).",
        body: Type.Object(
          {
            code: Type.String({
              minLength: 8,
              maxLength: 2048,
              description: 'The code from the popup (single use)',
            }),
            wabaId: MetaId('The WABA the customer shared'),
            phoneNumberId: MetaId('The number the customer shared'),
            pin: Pin,
          },
          { additionalProperties: false },
        ),
        response: { 201: SignupAttemptSchema, ...commonErrors },
      },
    },
    async (req, reply) =>
      reply
        .code(201)
        .send(presentSignupAttempt(await startSignup(ctx, tenantIdOf(req), actorOfRequest(req), req.body))),
  )

  app.get(
    '/signup/:id',
    {
      config: read,
      schema: {
        tags,
        summary: 'One signup attempt',
        params: IdParams,
        response: { 200: SignupAttemptSchema, ...commonErrors },
      },
    },
    async (req) => presentSignupAttempt(await getSignup(ctx, tenantIdOf(req), req.params.id)),
  )

  app.post(
    '/signup/:id/resume',
    {
      config: send,
      schema: {
        tags,
        summary: 'Run a failed attempt again from the step that failed',
        params: IdParams,
        body: Type.Object(
          {
            pin: Type.Optional(Pin),
            code: Type.Optional(
              Type.String({
                minLength: 8,
                maxLength: 2048,
                description: 'A new code, when the exchange failed',
              }),
            ),
          },
          { additionalProperties: false },
        ),
        response: { 200: SignupAttemptSchema, ...commonErrors },
      },
    },
    async (req) => presentSignupAttempt(await resumeSignup(ctx, tenantIdOf(req), req.params.id, req.body)),
  )
})
