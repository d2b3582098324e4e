import type { SubscribedApp } from '../cloud-api/management-types.ts'
import { WahubError } from '../errors.ts'
import { appVerifyToken, callbackUrl } from './apps.ts'
import { recordAudit } from './audit-repo.ts'
import type { Actor, ChannelsContext } from './context.ts'
import { callGraph } from './graph-failure.ts'
import { wabaTarget } from './graph-target.ts'

// Where Meta actually sends a number's webhooks (seed 003, Whazing's trap): a callback override
// on the number wins over one on the WABA, which wins over the app's callback URL (M-OVR). So a
// correct app callback still receives nothing when an old override points elsewhere.
// `webhookStatus` reads all three levels and says which one Meta uses and whether it is us.

export type WebhookLevel = 'number' | 'waba' | 'application'

export type NumberWebhook = {
  phoneNumberId: string
  displayPhoneNumber: string | null
  numberOverride: string | null
  wabaOverride: string | null
  application: string | null
  /** What Meta uses, by its priority; null when no callback is configured anywhere. */
  effective: { level: WebhookLevel; url: string } | null
  pointsToUs: boolean
}

export type WebhookProblem = { problem: string; fix: string }

export type WebhookStatus = {
  wabaId: string
  /** Our callback URL (WAHUB_PUBLIC_URL + /webhooks/whatsapp). */
  callbackUrl: string
  /** Meta's id of the app linked to this WABA in Wahub, if any. */
  appId: string | null
  subscribed: boolean
  subscribedApps: { id: string; name: string | null; overrideCallbackUri: string | null }[]
  wabaOverride: string | null
  numbers: NumberWebhook[]
  ok: boolean
  problems: WebhookProblem[]
}

function sameUrl(a: string, b: string): boolean {
  const norm = (u: string) => u.trim().replace(/\/+$/, '').toLowerCase()
  return norm(a) === norm(b)
}

async function linkedApp(ctx: ChannelsContext, wabaRowId: string) {
  return ctx.db
    .selectFrom('wabas as w')
    .leftJoin('meta_apps as a', 'a.id', 'w.meta_app_id')
    .select(['a.id as app_row_id', 'a.app_id'])
    .where('w.id', '=', wabaRowId)
    .executeTakeFirstOrThrow()
}

function ourSubscription(apps: SubscribedApp[], appId: string | null): SubscribedApp | undefined {
  return appId ? apps.find((a) => a.whatsapp_business_api_data?.id === appId) : apps[0]
}

export async function webhookStatus(
  ctx: ChannelsContext,
  waba: string,
  options: { phoneNumberId?: string; localUrl?: string } = {},
): Promise<WebhookStatus> {
  const t = await wabaTarget(ctx, waba)
  const ours = callbackUrl(ctx.config, options.localUrl)
  const { app_id: appId } = await linkedApp(ctx, t.wabaRowId)
  const apps = await callGraph(`reading the subscribed apps of WABA ${t.wabaId}`, () =>
    ctx.graph.getSubscribedApps(t.target, t.wabaId),
  )
  const sub = ourSubscription(apps, appId ?? null)
  const wabaOverride = sub?.override_callback_uri || null
  let query = ctx.db
    .selectFrom('phone_numbers')
    .select(['phone_number_id', 'display_phone_number'])
    .where('waba_id', '=', t.wabaRowId)
    .orderBy('phone_number_id')
  if (options.phoneNumberId) query = query.where('phone_number_id', '=', options.phoneNumberId)
  const rows = await query.execute()
  if (options.phoneNumberId && rows.length === 0) {
    throw new WahubError(
      'not_found',
      `Phone number ${options.phoneNumberId} is not a number of WABA ${t.wabaId} in Wahub.`,
    )
  }

  const numbers: NumberWebhook[] = []
  for (const row of rows) {
    const n = await callGraph(`reading the webhook configuration of ${row.phone_number_id}`, () =>
      ctx.graph.getPhoneNumber(t.target, row.phone_number_id, ['webhook_configuration']),
    )
    const config = n.webhook_configuration ?? {}
    const numberOverride = config.phone_number || null
    const wabaLevel = config.whatsapp_business_account || wabaOverride
    const application = config.application || null
    let effective: NumberWebhook['effective'] = null
    if (numberOverride) effective = { level: 'number', url: numberOverride }
    else if (wabaLevel) effective = { level: 'waba', url: wabaLevel }
    else if (application) effective = { level: 'application', url: application }
    numbers.push({
      phoneNumberId: row.phone_number_id,
      displayPhoneNumber: row.display_phone_number,
      numberOverride,
      wabaOverride: wabaLevel ?? null,
      application,
      effective,
      pointsToUs: effective !== null && sameUrl(effective.url, ours),
    })
  }

  const problems: WebhookProblem[] = []
  if (!sub) {
    problems.push({
      problem: `The app ${appId ?? '(none linked)'} is not subscribed to WABA ${t.wabaId}: Meta sends it no webhooks.`,
      fix: `Run \`wahub webhook subscribe --waba-id ${t.wabaId}\`.`,
    })
  }
  for (const n of numbers) {
    if (n.pointsToUs) continue
    if (!n.effective) {
      problems.push({
        problem: `No callback URL is configured for ${n.phoneNumberId} at any level.`,
        fix: `Paste ${ours} into App Dashboard > WhatsApp > Configuration, or run \`wahub webhook override --level waba --waba-id ${t.wabaId}\`.`,
      })
    } else if (n.effective.level === 'number') {
      problems.push({
        problem: `Meta sends ${n.phoneNumberId}'s webhooks to ${n.effective.url} (a number-level override, which wins over every other setting), not to ${ours}.`,
        fix: `Run \`wahub webhook override --level number --phone-number-id ${n.phoneNumberId}\` to point it at Wahub, or \`--remove\` it.`,
      })
    } else if (n.effective.level === 'waba') {
      problems.push({
        problem: `Meta sends ${n.phoneNumberId}'s webhooks to ${n.effective.url} (a WABA-level override, which wins over the app's callback URL), not to ${ours}.`,
        fix: `Run \`wahub webhook override --level waba --waba-id ${t.wabaId}\` to point it at Wahub, or \`wahub webhook subscribe --waba-id ${t.wabaId}\` to remove the override.`,
      })
    } else {
      problems.push({
        problem: `The app's callback URL is ${n.effective.url}, not ${ours}.`,
        fix: `Paste ${ours} into App Dashboard > WhatsApp > Configuration, or run \`wahub webhook override --level waba --waba-id ${t.wabaId}\`.`,
      })
    }
  }
  return {
    wabaId: t.wabaId,
    callbackUrl: ours,
    appId: appId ?? null,
    subscribed: sub !== undefined,
    subscribedApps: apps.map((a) => ({
      id: a.whatsapp_business_api_data?.id,
      name: a.whatsapp_business_api_data?.name ?? null,
      overrideCallbackUri: a.override_callback_uri || null,
    })),
    wabaOverride,
    numbers,
    ok: problems.length === 0,
    problems,
  }
}

/** Subscribes the app to the WABA; this also removes a WABA-level override (M-OVR). */
export async function webhookSubscribe(
  ctx: ChannelsContext,
  waba: string,
  actor: Actor,
  localUrl?: string,
): Promise<WebhookStatus> {
  const t = await wabaTarget(ctx, waba)
  await callGraph(`subscribing the app to WABA ${t.wabaId}`, () => ctx.graph.subscribeApp(t.target, t.wabaId))
  await recordAudit(ctx.db, { actor, action: 'webhook.subscribe', targetType: 'waba', targetId: t.wabaRowId })
  return webhookStatus(ctx, t.wabaRowId, { localUrl })
}

export type OverrideInput = {
  level: 'waba' | 'number'
  /** Required for level waba (or found from the number). */
  waba?: string
  phoneNumberId?: string
  /** Default: our callback URL. */
  url?: string
  /** Remove the override instead of setting it. */
  remove?: boolean
}

/** Points a WABA or a number at us (or at `url`) with a callback override, or removes it. */
export async function webhookOverride(
  ctx: ChannelsContext,
  input: OverrideInput,
  actor: Actor,
  localUrl?: string,
): Promise<WebhookStatus> {
  let wabaRef = input.waba
  if (input.level === 'number') {
    if (!input.phoneNumberId) {
      throw new WahubError('validation_failed', 'phoneNumberId is required for a number-level override.', [
        { field: 'phoneNumberId', problem: 'required for level number' },
      ])
    }
    const n = await ctx.db
      .selectFrom('phone_numbers')
      .select('waba_id')
      .where('phone_number_id', '=', input.phoneNumberId)
      .executeTakeFirst()
    if (!n) throw new WahubError('not_found', `No phone number ${input.phoneNumberId}.`)
    wabaRef = n.waba_id
  }
  if (!wabaRef) {
    throw new WahubError('validation_failed', 'wabaId is required for a WABA-level override.', [
      { field: 'wabaId', problem: 'required for level waba' },
    ])
  }
  const t = await wabaTarget(ctx, wabaRef)
  const { app_row_id: appRowId } = await linkedApp(ctx, t.wabaRowId)
  if (!appRowId) {
    throw new WahubError(
      'bad_request',
      `WABA ${t.wabaId} has no Meta app linked: Meta checks an override with the app's verify token.`,
      undefined,
      'Add the app (`wahub app add`) and link it (`wahub waba add --waba-id … --token … --app-id …`).',
    )
  }
  const url = input.url ?? callbackUrl(ctx.config, localUrl)
  const verifyToken = await appVerifyToken(ctx.db, ctx.vault, appRowId)
  if (input.level === 'waba') {
    await callGraph(`setting the callback override of WABA ${t.wabaId}`, () =>
      input.remove
        ? ctx.graph.subscribeApp(t.target, t.wabaId)
        : ctx.graph.subscribeApp(t.target, t.wabaId, {
            override_callback_uri: url,
            verify_token: verifyToken,
          }),
    )
  } else {
    const pnid = input.phoneNumberId as string
    await callGraph(`setting the callback override of ${pnid}`, () =>
      ctx.graph.setNumberWebhook(t.target, pnid, {
        override_callback_uri: input.remove ? '' : url,
        verify_token: verifyToken,
      }),
    )
  }
  await recordAudit(ctx.db, {
    actor,
    action: input.remove ? 'webhook.override_remove' : 'webhook.override',
    targetType: input.level === 'waba' ? 'waba' : 'phone_number',
    targetId: input.level === 'waba' ? t.wabaRowId : input.phoneNumberId,
    details: { level: input.level, url: input.remove ? null : url },
  })
  return webhookStatus(ctx, t.wabaRowId, { localUrl })
}
