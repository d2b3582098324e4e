import { getChannelSettings } from '../channels/channel-settings.ts'
import { targetOf } from '../channels/graph-target.ts'
import type { GraphTarget } from '../cloud-api/graph-client.ts'
import { WahubError } from '../errors.ts'
import { sandboxCarryOver } from '../sandbox/carry-over.ts'
import { sandboxIds } from '../sandbox/sandbox-seed.ts'
import { numberSubject } from './checks/number.ts'
import { wabaSubject } from './checks/waba.ts'
import { type DoctorContext, runDoctor } from './doctor.ts'
import { lastWebhookAt, loadScope, type NumberRow, type WabaRow } from './facts-repo.ts'
import { lastDelivered, lastFailedSend, tenantName } from './golive-repo.ts'
import { type GoliveFacts, goliveSteps } from './golive-steps.ts'
import type { GoliveGuide, StepState } from './golive-types.ts'
import { cachedGraph } from './graph-cache.ts'
import { type Read, readGraph, skipped } from './read.ts'

// The go-live guide (issue 21): the doctor's findings for one WABA and number, plus what the
// doctor does not read (business verification, the app's privacy policy, the payment method,
// the first delivery and webhook), turned into ordered steps by golive-steps.ts. Like the
// doctor it changes nothing, at Meta or in Wahub (apart from the doctor's Graph cache).

export type GoliveOptions = {
  /** Meta's phone_number_id or Wahub's id; default: the first real number. */
  number?: string
  /** Meta's WABA id or Wahub's id; default: the number's, or the first real WABA. */
  waba?: string
  /** Ask Meta again instead of using the doctor's 5-minute cache (the "Re-check" buttons). */
  fresh?: boolean
}

const wabaFields = ['business_verification_status', 'account_review_status', 'primary_funding_id']

function pick(
  wabas: WabaRow[],
  numbers: NumberRow[],
  options: GoliveOptions,
): { waba: WabaRow | null; number: NumberRow | null } {
  if (options.number) {
    const number = numbers.find((n) => n.id === options.number || n.phone_number_id === options.number)
    if (!number)
      throw new WahubError(
        'not_found',
        `No number ${options.number} in Wahub.`,
        undefined,
        'List them with `wahub number list`.',
      )
    return { waba: wabas.find((w) => w.id === number.waba_id) ?? null, number }
  }
  if (options.waba) {
    const waba = wabas.find((w) => w.id === options.waba || w.waba_id === options.waba)
    if (!waba)
      throw new WahubError(
        'not_found',
        `No WABA ${options.waba} in Wahub.`,
        undefined,
        'List them with `wahub waba list`.',
      )
    return { waba, number: numbers.find((n) => n.waba_id === waba.id) ?? null }
  }
  const real = wabas.find((w) => w.is_sandbox !== 1 && numbers.some((n) => n.waba_id === w.id))
  const waba = real ?? wabas.find((w) => w.is_sandbox !== 1) ?? wabas.find((w) => w.is_sandbox === 1) ?? null
  // The Sandbox is shown as "not a real number yet": its number is no subject of the guide.
  const number = waba && waba.is_sandbox !== 1 ? (numbers.find((n) => n.waba_id === waba.id) ?? null) : null
  return { waba, number }
}

export async function runGolive(ctx: DoctorContext, options: GoliveOptions = {}): Promise<GoliveGuide> {
  const now = (ctx.now ?? Date.now)()
  const all = await loadScope(ctx.db)
  const { waba, number } = pick(all.wabas, all.numbers, options)
  const real = waba !== null && waba.is_sandbox !== 1
  const report = await runDoctor(ctx, {
    channel: number?.phone_number_id,
    fresh: options.fresh,
    sections: real ? ['setup', 'wabas', 'traffic'] : ['setup'],
  })
  const subjects = new Set<string | null>([null])
  if (waba) subjects.add(wabaSubject(waba))
  if (number) {
    subjects.add(numberSubject(number))
    subjects.add(number.phone_number_id)
  }
  const checks = report.checks.filter((c) => subjects.has(c.subject) && (real || c.subject === null))

  const app =
    all.apps.find((a) => a.id === waba?.meta_app_id) ?? (all.apps.length === 1 ? all.apps[0] : undefined)
  const graph = cachedGraph(ctx.db, ctx.graph, { fresh: false })
  let target: GraphTarget | null = null
  if (waba && real) {
    try {
      target = targetOf(ctx, waba)
    } catch {
      target = null
    }
  }
  const tokenOk = checks.find((c) => c.id === 'token')?.status !== 'fail'
  const ask = <T>(call: () => Promise<T>): Promise<Read<T>> =>
    target && tokenOk ? readGraph(call) : Promise.resolve(skipped<T>('Meta refused the access token'))
  const t = target
  const debug = t ? await readGraph(() => graph.debugToken(t, t.token)) : null
  const wabaInfo =
    waba && real && t ? await ask(() => ctx.graph.getWabaInfo(t, waba.waba_id, wabaFields)) : null
  const appInfo = app?.app_secret_enc ? await readApp(ctx, app, waba) : null

  const settings = await getChannelSettings(ctx.db)
  const owner = number ? await tenantName(ctx.db, number.tenant_id ?? waba?.tenant_id ?? null) : null
  const sandbox = await sandboxCarryOver(ctx.db, real && waba ? waba.id : undefined)
  const facts: GoliveFacts = {
    now,
    checks,
    // The Sandbox's app is the built-in emulator's: going live needs a real one (decision 0083).
    hasApp: all.apps.some((a) => a.app_id !== sandboxIds.appId),
    appInfo,
    waba: waba ? { wabaId: waba.waba_id, isSandbox: !real } : null,
    wabaInfo,
    debug,
    number: number
      ? {
          phoneNumberId: number.phone_number_id,
          display: number.display_phone_number,
          isSandbox: number.is_sandbox === 1,
        }
      : null,
    tenant: owner ? { name: owner } : null,
    isGlobalDefault: number !== null && settings.defaultNumberId === number.id,
    delivered: { count: 0, lastAt: null },
    lastFailure: null,
    lastWebhookAt: null,
    sandboxTenant: sandbox?.tenant?.name ?? null,
  }
  if (number) {
    const deliveredAt = await lastDelivered(ctx.db, number.id)
    facts.delivered = { count: deliveredAt === null ? 0 : 1, lastAt: deliveredAt }
    facts.lastFailure = await lastFailedSend(ctx.db, number.id)
    facts.lastWebhookAt = await lastWebhookAt(
      ctx.db,
      { rowId: number.id, phoneNumberId: number.phone_number_id },
      0,
    )
  }
  const steps = goliveSteps(facts)
  const summary: Record<StepState, number> = { done: 0, todo: 0, failing: 0, manual: 0, unknown: 0 }
  for (const s of steps) summary[s.state]++
  const next = steps.find((s) => s.state === 'failing' || s.state === 'todo') ?? null
  return {
    generatedAt: now,
    waba: waba ? { id: waba.id, wabaId: waba.waba_id, name: waba.name } : null,
    number: number
      ? {
          id: number.id,
          phoneNumberId: number.phone_number_id,
          display: number.display_phone_number,
          isSandbox: number.is_sandbox === 1,
        }
      : null,
    steps,
    summary,
    live: summary.todo + summary.failing + summary.unknown === 0,
    next: next?.id ?? null,
    sandbox,
  }
}

/** GET /{app-id}?fields=privacy_policy_url with the app token "APP_ID|APP_SECRET". */
async function readApp(
  ctx: DoctorContext,
  app: { id: string; app_id: string; app_secret_enc: string | null },
  waba: WabaRow | null,
) {
  let secret: string
  try {
    secret = ctx.vault.decrypt(app.app_secret_enc ?? '', `meta_apps.app_secret_enc:${app.id}`)
  } catch {
    return skipped<{ id: string; privacy_policy_url?: string }>('the app secret cannot be decrypted')
  }
  const target: GraphTarget = {
    baseUrl: waba?.graph_url ?? ctx.config.graphUrl,
    version: waba?.api_version ?? ctx.config.graphVersion,
    token: `${app.app_id}|${secret}`,
  }
  return readGraph(() => ctx.graph.getAppInfo(target, app.app_id, ['name', 'privacy_policy_url']))
}
