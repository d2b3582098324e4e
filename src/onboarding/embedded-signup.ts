import type { Actor, ChannelsContext } from '../channels/context.ts'
import { wabaTarget } from '../channels/graph-target.ts'
import { addNumber } from '../channels/numbers.ts'
import { registerNumber } from '../channels/phone-registration.ts'
import { updateTenant } from '../channels/tenants.ts'
import { addWaba } from '../channels/wabas.ts'
import { GraphError } from '../cloud-api/graph-client.ts'
import type { Config } from '../config.ts'
import { WahubError } from '../errors.ts'
import { newId } from '../ids.ts'
import { syncTemplates } from '../templates/sync.ts'
import {
  findAttempt,
  insertAttempt,
  listAttempts,
  type SignupAttempt,
  type SignupStep,
  type StepRecord,
  saveAttempt,
  signupSteps,
} from './signup-repo.ts'

// Embedded Signup for a tenant (issue 21, decision 0072). Meta's popup (Facebook Login for
// Business with the configured configuration id; the emulator's stand-in page offline) returns a
// code and, by a message event, the WABA and number the customer shared. Wahub then takes the
// steps below in order, recording each; a failed step stops the attempt, which resumes from it.

export type SignupConfig = {
  available: boolean
  /** Why not, when not available. */
  reason: string | null
  appId: string | null
  configId: string | null
  graphVersion: string
  /** The emulator's stand-in page when Graph is not Meta's (offline and in tests), else null. */
  standInUrl: string | null
  /** The Facebook JavaScript SDK to load for the popup (Meta's, or an emulator's stand-in); null = the stand-in page. */
  sdkUrl: string | null
}

const metaGraph = 'https://graph.facebook.com'
export const metaSdkUrl = 'https://connect.facebook.net/en_US/sdk.js'

/**
 * The SDK the dashboard loads for Embedded Signup (decision 0084): WAHUB_FACEBOOK_SDK_URL, else
 * Meta's when Graph is Meta's; null while Embedded Signup is off or the emulator's stand-in page
 * is used instead.
 */
export function facebookSdkUrl(config: Config): string | null {
  if (!config.signupConfigId) return null
  if (config.facebookSdkUrl) return config.facebookSdkUrl
  return config.graphUrl.replace(/\/+$/, '') === metaGraph ? metaSdkUrl : null
}

/** What the dashboard's CSP adds for the SDK and its popup (nothing while it is not loaded). */
export function signupCspSources(config: Config): { script: string[]; frame: string[]; connect: string[] } {
  const sdk = facebookSdkUrl(config)
  if (!sdk) return { script: [], frame: [], connect: [] }
  const origin = new URL(sdk).origin
  const facebook = ['https://www.facebook.com', 'https://web.facebook.com', 'https://staticxx.facebook.com']
  const unique = (xs: string[]) => [...new Set(xs)]
  return {
    script: unique([origin, 'https://connect.facebook.net']),
    frame: unique([origin, ...facebook]),
    connect: unique([origin, 'https://graph.facebook.com', 'https://www.facebook.com']),
  }
}

async function signupApp(ctx: ChannelsContext) {
  const apps = await ctx.db
    .selectFrom('meta_apps')
    .select(['id', 'app_id', 'app_secret_enc'])
    .orderBy('id')
    .execute()
  return apps.find((a) => a.app_secret_enc) ?? null
}

export async function signupConfig(ctx: ChannelsContext): Promise<SignupConfig> {
  const app = await signupApp(ctx)
  const configId = ctx.config.signupConfigId
  const reason = !configId
    ? 'Embedded Signup is off: the operator sets WAHUB_SIGNUP_CONFIG_ID.'
    : !app
      ? 'No Meta app with its secret is connected: the operator adds it first (`wahub app add`).'
      : null
  const graph = ctx.config.graphUrl.replace(/\/+$/, '')
  const sdkUrl = facebookSdkUrl(ctx.config)
  return {
    available: reason === null,
    reason,
    appId: app?.app_id ?? null,
    configId,
    graphVersion: ctx.config.graphVersion,
    standInUrl: sdkUrl || graph === metaGraph ? null : `${graph}/_emulator/embedded-signup`,
    sdkUrl,
  }
}

export type SignupInput = { code: string; wabaId: string; phoneNumberId: string; pin: string }

export async function startSignup(
  ctx: ChannelsContext,
  tenantId: string,
  actor: Actor,
  input: SignupInput,
): Promise<SignupAttempt> {
  const config = await signupConfig(ctx)
  if (!config.available) throw new WahubError('conflict', config.reason ?? 'Embedded Signup is off.')
  const now = Date.now()
  const steps = Object.fromEntries(signupSteps.map((s) => [s, { state: 'pending', at: null }])) as Record<
    SignupStep,
    StepRecord
  >
  const attempt: SignupAttempt = {
    id: newId('su'),
    tenantId,
    actor,
    status: 'running',
    wabaId: input.wabaId,
    phoneNumberId: input.phoneNumberId,
    tokenEnc: null,
    steps,
    createdAt: now,
    updatedAt: now,
  }
  await insertAttempt(ctx.db, attempt)
  return runSteps(ctx, attempt, { code: input.code, pin: input.pin })
}

export async function resumeSignup(
  ctx: ChannelsContext,
  tenantId: string,
  id: string,
  input: { pin?: string; code?: string },
): Promise<SignupAttempt> {
  const attempt = await getSignup(ctx, tenantId, id)
  if (attempt.status === 'done') return attempt
  return runSteps(ctx, attempt, input)
}

export async function getSignup(ctx: ChannelsContext, tenantId: string, id: string): Promise<SignupAttempt> {
  const attempt = await findAttempt(ctx.db, tenantId, id)
  if (!attempt)
    throw new WahubError(
      'not_found',
      `No signup attempt ${id}.`,
      undefined,
      'Start one with "Connect WhatsApp".',
    )
  return attempt
}

export function listSignups(ctx: ChannelsContext, tenantId: string): Promise<SignupAttempt[]> {
  return listAttempts(ctx.db, tenantId)
}

function explain(err: unknown): NonNullable<StepRecord['error']> {
  if (err instanceof WahubError) return { code: err.code, message: err.message, fix: err.fix }
  if (err instanceof GraphError)
    return {
      code: 'graph_error',
      message: `(#${err.code}) ${err.title}`,
      fix: 'Try again; if it persists, ask the operator to run `wahub doctor`.',
    }
  return {
    code: 'internal',
    message: (err as Error).message,
    fix: 'Try again; if it persists, ask the operator.',
  }
}

async function runSteps(
  ctx: ChannelsContext,
  attempt: SignupAttempt,
  input: { code?: string; pin?: string },
): Promise<SignupAttempt> {
  const actor = attempt.actor
  const tokenAad = `signup_attempts.token_enc:${attempt.id}`
  const doStep: Record<SignupStep, () => Promise<void>> = {
    exchange: async () => {
      if (!input.code)
        throw new WahubError(
          'validation_failed',
          'The code from Meta is single-use and was not kept: start the signup again.',
          [{ field: 'code', problem: 'is required to exchange it for a token' }],
        )
      const app = await signupApp(ctx)
      if (!app?.app_secret_enc) throw new WahubError('conflict', 'No Meta app with its secret is connected.')
      const secret = ctx.vault.decrypt(app.app_secret_enc, `meta_apps.app_secret_enc:${app.id}`)
      const target = {
        baseUrl: ctx.config.graphUrl,
        version: ctx.config.graphVersion,
        token: `${app.app_id}|${secret}`,
      }
      const res = await ctx.graph.exchangeCode(target, {
        appId: app.app_id,
        appSecret: secret,
        code: input.code,
      })
      attempt.tokenEnc = ctx.vault.encrypt(res.access_token, tokenAad)
    },
    waba: async () => {
      if (!attempt.tokenEnc)
        throw new WahubError('conflict', 'No business token yet: start the signup again.')
      const token = ctx.vault.decrypt(attempt.tokenEnc, tokenAad)
      await addWaba(ctx, { wabaId: attempt.wabaId, token, tenant: attempt.tenantId }, actor)
    },
    number: async () => {
      const held = await ctx.db
        .selectFrom('phone_numbers')
        .select('id')
        .where('phone_number_id', '=', attempt.phoneNumberId)
        .executeTakeFirst()
      if (!held) await addNumber(ctx, { phoneNumberId: attempt.phoneNumberId, wabaId: attempt.wabaId }, actor)
    },
    subscribe: async () => {
      const t = await wabaTarget(ctx, attempt.wabaId)
      await ctx.graph.subscribeApp(t.target, t.wabaId)
    },
    register: async () => {
      if (!input.pin)
        throw new WahubError(
          'validation_failed',
          'The two-step verification PIN is needed to register the number.',
          [{ field: 'pin', problem: 'is required: 6 digits' }],
        )
      await registerNumber(ctx, attempt.phoneNumberId, input.pin, actor)
    },
    templates: async () => {
      await syncTemplates(ctx, attempt.wabaId, actor)
    },
    assign: async () => {
      await updateTenant(
        ctx.db,
        attempt.tenantId,
        { numbers: [attempt.phoneNumberId], defaultNumber: attempt.phoneNumberId },
        actor,
      )
    },
  }
  attempt.status = 'running'
  for (const step of signupSteps) {
    if (attempt.steps[step].state === 'done') continue
    try {
      await doStep[step]()
      attempt.steps[step] = { state: 'done', at: Date.now() }
    } catch (err) {
      attempt.steps[step] = { state: 'failed', at: Date.now(), error: explain(err) }
      attempt.status = 'failed'
      attempt.updatedAt = Date.now()
      await saveAttempt(ctx.db, attempt)
      return attempt
    }
    attempt.updatedAt = Date.now()
    await saveAttempt(ctx.db, attempt)
  }
  attempt.status = 'done'
  // The business token now lives with the WABA (vault); the attempt keeps no copy.
  attempt.tokenEnc = null
  attempt.updatedAt = Date.now()
  await saveAttempt(ctx.db, attempt)
  return attempt
}
