import { Type } from 'typebox'
import type { SignupConfig } from '../../onboarding/embedded-signup.ts'
import type { SignupAttempt } from '../../onboarding/signup-repo.ts'
import { Millis, NStr, Nullable, Str } from './schema-helpers.ts'

// Every field of an Embedded Signup attempt and of the signup configuration that leaves the
// API. The business token never does (it is kept as vault ciphertext until the WABA holds it).

const StepSchema = Type.Object({
  state: Type.Union([Type.Literal('pending'), Type.Literal('done'), Type.Literal('failed')]),
  at: Nullable(Millis),
  error: Type.Optional(Type.Object({ code: Str, message: Str, fix: Str })),
})

export const SignupAttemptSchema = Type.Object({
  id: Str,
  status: Type.Union([Type.Literal('running'), Type.Literal('failed'), Type.Literal('done')]),
  wabaId: Str,
  phoneNumberId: Str,
  steps: Type.Array(Type.Intersect([Type.Object({ step: Str }), StepSchema]), {
    description: 'In order: exchange, waba, number, subscribe, register, templates, assign',
  }),
  createdAt: Millis,
  updatedAt: Millis,
})

export function presentSignupAttempt(a: SignupAttempt) {
  return {
    id: a.id,
    status: a.status,
    wabaId: a.wabaId,
    phoneNumberId: a.phoneNumberId,
    steps: Object.entries(a.steps).map(([step, r]) => ({
      step,
      state: r.state,
      at: r.at,
      ...(r.error ? { error: { code: r.error.code, message: r.error.message, fix: r.error.fix } } : {}),
    })),
    createdAt: a.createdAt,
    updatedAt: a.updatedAt,
  }
}

export const SignupConfigSchema = Type.Object({
  available: Type.Boolean(),
  reason: NStr,
  appId: NStr,
  configId: NStr,
  graphVersion: Str,
  standInUrl: Nullable(
    Type.String({ description: "The emulator's stand-in page (offline, no SDK), or null" }),
  ),
  sdkUrl: Nullable(
    Type.String({
      description:
        "The Facebook JavaScript SDK the dashboard loads for Meta's popup (FB.login with the configuration id), or an emulator's stand-in SDK; null = the stand-in page",
    }),
  ),
})

export function presentSignupConfig(c: SignupConfig) {
  return {
    available: c.available,
    reason: c.reason,
    appId: c.appId,
    configId: c.configId,
    graphVersion: c.graphVersion,
    standInUrl: c.standInUrl,
    sdkUrl: c.sdkUrl,
  }
}
