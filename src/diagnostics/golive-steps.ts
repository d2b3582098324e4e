import type { AppInfo, DebugTokenResponse, WabaInfo } from '../cloud-api/management-types.ts'
import { type GoliveStep, type StepId, type StepState, step } from './golive-types.ts'
import { at, describeProblem, type Read } from './read.ts'
import type { Check, CheckId } from './types.ts'

// The go-live guide's steps from its facts (pure: golive.ts gathers the facts). A step that
// reads a doctor check takes the doctor's seen and fix, so the guide and `wahub doctor` never
// disagree; the steps Meta exposes nothing for name the exact place in Meta's screens.

export type GoliveFacts = {
  now: number
  /** Doctor's findings for the installation, the WABA and the number of the guide. */
  checks: Check[]
  hasApp: boolean
  /** GET /{app-id}?fields=privacy_policy_url with the app token; null = no app. */
  appInfo: Read<AppInfo> | null
  waba: { wabaId: string; isSandbox: boolean } | null
  wabaInfo: Read<WabaInfo> | null
  debug: Read<DebugTokenResponse> | null
  number: { phoneNumberId: string; display: string | null; isSandbox: boolean } | null
  /** The tenant that sends from the number (its own or its WABA's), or the global default. */
  tenant: { name: string } | null
  isGlobalDefault: boolean
  delivered: { count: number; lastAt: number | null }
  lastFailure: { code: number | null; title: string | null; at: number } | null
  lastWebhookAt: number | null
  sandboxTenant: string | null
}

const ui = {
  verification:
    'Meta Business Suite > Settings > Business info > Business verification (Security Centre > Start verification)',
  twoFactor:
    'Facebook > Settings & privacy > Accounts Centre > Password and security > Two-factor authentication; then Meta Business Suite > Settings > Security Centre > Two-factor authentication: "Required for everyone"',
  domain:
    'Meta Business Suite > Settings > Brand safety and suitability > Domains > Add (DNS TXT record or HTML file)',
  appBasic: 'App Dashboard (developers.facebook.com/apps) > your app > App settings > Basic',
  configuration:
    'App Dashboard > your app > WhatsApp > Configuration (Callback URL, Verify token, Webhook fields)',
  wabaInfo:
    'WhatsApp Manager (business.facebook.com/wa/manage) > Account tools > Business info (WhatsApp Business Account ID)',
  systemUser: 'Meta Business Suite > Settings > Users > System users > your system user > Generate new token',
  phoneNumbers: 'WhatsApp Manager > Account tools > Phone numbers > Add phone number',
  displayName: 'WhatsApp Manager > Account tools > Phone numbers > your number > Profile > Display name',
  pin: 'WhatsApp Manager > Account tools > Phone numbers > your number > Two-step verification',
  billing:
    'Meta Business Suite > Settings > Billing and payments > Accounts > your WhatsApp Business Account > Add payment method',
  templates: 'WhatsApp Manager > Account tools > Message templates',
  appMode: 'App Dashboard > your app > the "App Mode" switch at the top: Development → Live',
  insights: 'WhatsApp Manager > Account tools > Phone numbers > your number > Quality rating',
} as const

function find(facts: GoliveFacts, id: CheckId): Check | undefined {
  return facts.checks.find((c) => c.id === id)
}

/** A doctor check as a step: pass → done, warn → todo (or as told), fail → failing. */
function fromCheck(
  id: StepId,
  c: Check | undefined,
  missing: { state: StepState; seen: string; fix: string },
  extra: { metaUiPlace?: string; warn?: StepState } = {},
): GoliveStep {
  if (!c) return step(id, missing.state, missing.seen, missing.fix, { metaUiPlace: extra.metaUiPlace })
  const notChecked = c.status === 'warn' && c.seen.startsWith('Not checked')
  const state: StepState =
    c.status === 'pass'
      ? 'done'
      : c.status === 'fail'
        ? 'failing'
        : notChecked
          ? 'unknown'
          : (extra.warn ?? 'todo')
  return step(id, state, c.seen, c.fix, { doctorCheckId: c.id, metaUiPlace: extra.metaUiPlace })
}

const noWaba = {
  state: 'todo' as const,
  seen: 'No WhatsApp Business Account is connected yet.',
  fix: 'Connect the WABA first (step "WhatsApp Business Account connected").',
}
const noNumber = {
  state: 'todo' as const,
  seen: 'No phone number is connected yet.',
  fix: 'Add the number first (step "Phone number added under the WABA").',
}

function businessVerified(f: GoliveFacts): GoliveStep {
  const extra = { metaUiPlace: ui.verification }
  const fix =
    'Start business verification in the place named: the legal name, address and phone of the business and a document that proves them (seed 001: 1–3 days). Until then the number stays at the lowest messaging limit and cannot go Live.'
  if (!f.wabaInfo) return step('business.verified', 'todo', noWaba.seen, fix, extra)
  if (!f.wabaInfo.ok)
    return step(
      'business.verified',
      'unknown',
      `Meta was not asked: ${describeProblem(f.wabaInfo.problem)}.`,
      fix,
      extra,
    )
  const status = f.wabaInfo.value.business_verification_status
  if (!status)
    return step(
      'business.verified',
      'manual',
      'Meta did not say (the token cannot see the business portfolio).',
      fix,
      extra,
    )
  const seen = `Meta says the business portfolio that owns WABA ${f.waba?.wabaId} is "${status}".`
  if (status === 'verified') return step('business.verified', 'done', seen, null, extra)
  if (status.startsWith('pending'))
    return step(
      'business.verified',
      'todo',
      seen,
      'Meta is reviewing it: wait for its answer (usually 1–3 days), or answer its questions in the place named.',
      extra,
    )
  return step('business.verified', 'failing', seen, fix, extra)
}

function appPrivacy(f: GoliveFacts): GoliveStep {
  const extra = { metaUiPlace: `${ui.appBasic} > Privacy Policy URL` }
  const fix =
    'Publish a privacy policy and paste its URL in the place named, then Save changes (Meta refuses Live mode without it).'
  if (!f.appInfo) return step('app.privacy_policy', 'todo', 'No Meta app is connected yet.', fix, extra)
  if (!f.appInfo.ok)
    return step(
      'app.privacy_policy',
      'manual',
      `Meta did not show the app's settings: ${describeProblem(f.appInfo.problem)}.`,
      `Check it in the place named. ${fix}`,
      extra,
    )
  const url = f.appInfo.value.privacy_policy_url
  if (url) return step('app.privacy_policy', 'done', `The app's Privacy Policy URL is ${url}.`, null, extra)
  return step('app.privacy_policy', 'failing', 'The app has no Privacy Policy URL.', fix, extra)
}

function publicUrl(f: GoliveFacts): GoliveStep {
  const url = find(f, 'public_url')
  const handshake = find(f, 'webhook.handshake')
  const extra = { metaUiPlace: ui.configuration }
  if (!url || !handshake)
    return step('wahub.public_url', 'unknown', 'Not checked.', 'Run `wahub doctor`.', extra)
  const base = { doctorCheckId: 'public_url' as const, ...extra }
  if (url.status === 'fail') return step('wahub.public_url', 'failing', url.seen, url.fix, base)
  if (handshake.status === 'fail')
    return step('wahub.public_url', 'failing', handshake.seen, handshake.fix, {
      ...base,
      doctorCheckId: 'webhook.handshake',
    })
  if (handshake.status === 'warn')
    return step('wahub.public_url', 'todo', handshake.seen, handshake.fix, {
      ...base,
      doctorCheckId: 'webhook.handshake',
    })
  // A local http URL passes the handshake: an emulator can call it; Meta itself cannot, which
  // the webhook steps below then show.
  const seen = url.status === 'warn' ? `${handshake.seen} ${url.seen}` : `${url.seen} ${handshake.seen}`
  return step('wahub.public_url', 'done', seen, null, base)
}

function wabaConnected(f: GoliveFacts): GoliveStep {
  const extra = { metaUiPlace: ui.wabaInfo }
  if (!f.waba)
    return step(
      'waba.connected',
      'todo',
      'No WhatsApp Business Account is connected to Wahub.',
      'Copy the WABA id from the place named and a System User token, then `wahub waba add --waba-id <WABA id> --token <token>` (or the form on this page). Wahub checks the token with Meta before saving it.',
      extra,
    )
  if (f.waba.isSandbox)
    return step(
      'waba.connected',
      'todo',
      `Only the Sandbox WABA ${f.waba.wabaId} (the built-in emulator) is connected: it is not a real number.`,
      'Connect your real WABA: `wahub waba add --waba-id <WABA id> --token <System User token>`.',
      extra,
    )
  return step('waba.connected', 'done', `WABA ${f.waba.wabaId} is connected.`, null, extra)
}

function tokenPermanent(f: GoliveFacts): GoliveStep {
  const c = find(f, 'token')
  const extra = { metaUiPlace: ui.systemUser }
  if (!c)
    return step(
      'token.permanent',
      'todo',
      noWaba.seen,
      'Generate a System User token in the place named.',
      extra,
    )
  const data = c.data ?? {}
  const expiresAt = typeof data.expiresAt === 'number' ? data.expiresAt : null
  const base = { doctorCheckId: 'token' as const, ...extra }
  if (c.status === 'fail') return step('token.permanent', 'failing', c.seen, c.fix, base)
  if (expiresAt !== null)
    return step(
      'token.permanent',
      'failing',
      `${c.seen} A live number must not run on a token that expires.`,
      `Generate a System User token (never expires) in the place named, with whatsapp_business_messaging and whatsapp_business_management on this WABA, and swap it in: \`wahub waba add --waba-id ${f.waba?.wabaId} --token <new token>\` (checked with Meta before it replaces the old one).`,
      base,
    )
  return step('token.permanent', c.status === 'pass' ? 'done' : 'todo', c.seen, c.fix, base)
}

function tokenScopes(f: GoliveFacts): GoliveStep {
  const extra = { metaUiPlace: `${ui.systemUser} (tick the permissions and assign the WABA)` }
  const need = ['whatsapp_business_messaging', 'whatsapp_business_management']
  if (!f.debug) return step('token.scopes', 'todo', noWaba.seen, noWaba.fix, extra)
  if (!f.debug.ok)
    return step(
      'token.scopes',
      'unknown',
      `debug_token did not answer: ${describeProblem(f.debug.problem)}.`,
      'Fix the token first (step "Permanent System User token").',
      extra,
    )
  const d = f.debug.value.data
  if (d.is_valid === false)
    return step(
      'token.scopes',
      'unknown',
      'Meta says the token is not valid.',
      'Fix the token first (step "Permanent System User token").',
      extra,
    )
  const scopes = d.scopes ?? []
  const missing = need.filter((s) => !scopes.includes(s))
  const wabas = new Set(
    (d.granular_scopes ?? []).flatMap((g) => (need.includes(g.scope) ? (g.target_ids ?? []) : [])),
  )
  const seesWaba = wabas.size === 0 || (f.waba ? wabas.has(f.waba.wabaId) : false)
  const seen = `Permissions: ${scopes.join(', ') || 'none listed'}; WABAs it can see: ${[...wabas].join(', ') || 'all of its business'}.`
  if (missing.length > 0)
    return step(
      'token.scopes',
      'failing',
      `${seen} Missing: ${missing.join(', ')}.`,
      `Give the System User ${missing.join(' and ')} in the place named, generate a new token and swap it in.`,
      extra,
    )
  if (!seesWaba)
    return step(
      'token.scopes',
      'failing',
      `${seen} WABA ${f.waba?.wabaId} is not among them.`,
      `Assign WABA ${f.waba?.wabaId} to the System User (Meta Business Suite > Settings > Users > System users > Assign assets), then generate a new token.`,
      extra,
    )
  return step('token.scopes', 'done', seen, null, extra)
}

function tenantAssigned(f: GoliveFacts): GoliveStep {
  if (!f.number) return step('tenant.assigned', 'todo', noNumber.seen, noNumber.fix)
  if (f.tenant)
    return step(
      'tenant.assigned',
      'done',
      `Tenant "${f.tenant.name}" sends from ${f.number.display ?? f.number.phoneNumberId}.`,
      null,
    )
  if (f.isGlobalDefault)
    return step(
      'tenant.assigned',
      'done',
      `${f.number.display ?? f.number.phoneNumberId} is the global default number: every tenant without its own sends from it.`,
      null,
    )
  const name = f.sandboxTenant ?? '<tenant>'
  return step(
    'tenant.assigned',
    'todo',
    'No tenant sends from this number yet, and it is not the global default.',
    `Give it to a tenant: \`wahub tenant update --name "${name}" --number ${f.number.phoneNumberId}\`${f.sandboxTenant ? " (the Sandbox's tenant, carried over)" : ''}, or make it the default: \`wahub number default --phone-number-id ${f.number.phoneNumberId}\`.`,
  )
}

function firstDelivered(f: GoliveFacts): GoliveStep {
  if (!f.number) return step('message.delivered', 'todo', noNumber.seen, noNumber.fix)
  const n = f.number.phoneNumberId
  const send = `Send an approved template to your own WhatsApp: \`wahub send --from ${n} --to <your number> --template <name> --lang <code>\`.`
  if (f.delivered.count > 0)
    return step(
      'message.delivered',
      'done',
      `${f.delivered.count} message(s) delivered from ${n}, the last at ${at(f.delivered.lastAt ?? f.now)}.`,
      null,
    )
  if (f.lastFailure)
    return step(
      'message.delivered',
      'failing',
      `Nothing delivered yet; the last send failed${f.lastFailure.code ? ` with (#${f.lastFailure.code})` : ''} ${f.lastFailure.title ?? ''} at ${at(f.lastFailure.at)}.`.replace(
        /\s+at/,
        ' at',
      ),
      `Read the failure with \`wahub doctor --channel ${n}\` (send failures), fix it, then: ${send}`,
      { doctorCheckId: 'sends.failures' },
    )
  return step('message.delivered', 'todo', `No message from ${n} has been delivered yet.`, send)
}

function firstWebhook(f: GoliveFacts): GoliveStep {
  if (!f.number) return step('webhook.received', 'todo', noNumber.seen, noNumber.fix)
  const c = find(f, 'webhooks.arriving')
  const extra = { doctorCheckId: 'webhooks.arriving' as const, metaUiPlace: ui.configuration }
  if (f.lastWebhookAt !== null)
    return step(
      'webhook.received',
      'done',
      `The last webhook for ${f.number.phoneNumberId} arrived at ${at(f.lastWebhookAt)}.`,
      null,
      extra,
    )
  if (c?.status === 'fail') return step('webhook.received', 'failing', c.seen, c.fix, extra)
  return step(
    'webhook.received',
    'todo',
    `No webhook for ${f.number.phoneNumberId} has arrived yet.`,
    'Send a message (a delivery status comes back), or write to the number from your phone. Nothing after a minute: follow the step "Meta\'s webhooks reach Wahub".',
    extra,
  )
}

function payment(f: GoliveFacts): GoliveStep {
  const extra = { metaUiPlace: ui.billing }
  const fix =
    'Add a payment method (card or credit line) for this WABA in the place named: template messages are charged (FACTS §5) and Meta stops them (#131042) without one.'
  if (!f.wabaInfo) return step('billing.payment_method', 'todo', noWaba.seen, fix, extra)
  if (f.wabaInfo.ok && f.wabaInfo.value.primary_funding_id)
    return step(
      'billing.payment_method',
      'done',
      `WABA ${f.waba?.wabaId} has a payment method (funding id ${f.wabaInfo.value.primary_funding_id}).`,
      null,
      extra,
    )
  // Meta shows the funding source only to tokens with rights on the business's billing: its
  // absence is not proof, so the step is left to the operator.
  return step(
    'billing.payment_method',
    'manual',
    `Meta shows no payment method for WABA ${f.waba?.wabaId} to this token.`,
    `Confirm it in the place named. ${fix}`,
    extra,
  )
}

function appLive(f: GoliveFacts): GoliveStep {
  const extra = { metaUiPlace: ui.appMode, doctorCheckId: 'number.registered' as const }
  const fix =
    'Switch App Mode to Live in the place named (it needs the Privacy Policy URL and a verified business); a number in development mode delivers only to its 5 test recipients (#131030).'
  if (!f.number) return step('app.live', 'todo', noNumber.seen, fix, { metaUiPlace: ui.appMode })
  const c = find(f, 'number.registered')
  const mode = c?.data?.accountMode
  if (mode === 'SANDBOX' || /account mode SANDBOX/.test(c?.seen ?? ''))
    return step(
      'app.live',
      'failing',
      `${f.number.phoneNumberId} is in development mode (account mode SANDBOX): only test recipients receive its messages.`,
      fix,
      extra,
    )
  if (!c || c.status === 'warn') return step('app.live', 'unknown', c?.seen ?? 'Not checked.', fix, extra)
  return step('app.live', 'done', `${f.number.phoneNumberId} is in account mode LIVE.`, null, extra)
}

/** Every step in order. */
export function goliveSteps(f: GoliveFacts): GoliveStep[] {
  const wabaCheck = (id: StepId, check: CheckId, metaUiPlace: string, warn?: StepState) =>
    f.waba && !f.waba.isSandbox
      ? fromCheck(id, find(f, check), noWaba, { metaUiPlace, warn })
      : step(id, 'todo', noWaba.seen, noWaba.fix, { metaUiPlace })
  const numberCheck = (id: StepId, check: CheckId, metaUiPlace: string, warn?: StepState) =>
    f.number && !f.number.isSandbox
      ? fromCheck(id, find(f, check), noNumber, { metaUiPlace, warn })
      : step(id, 'todo', noNumber.seen, noNumber.fix, { metaUiPlace })
  const registered = numberCheck('number.registered', 'number.registered', ui.pin, 'done')
  const templates = wabaCheck('templates.approved', 'templates', ui.templates)
  if (templates.doctorCheckId && templates.state === 'todo' && !/never synced/i.test(templates.seen))
    templates.state = 'done' // some paused or rejected beside approved ones: the guide goes on
  if (templates.state === 'done') templates.fix = null
  if (registered.state === 'done') registered.fix = null
  return [
    businessVerified(f),
    step(
      'security.two_factor',
      'manual',
      'Meta does not show whether two-factor authentication is on.',
      'Turn it on for every person with access to the business (Meta requires it for Live mode and for System User tokens).',
      { metaUiPlace: ui.twoFactor },
    ),
    step(
      'business.domain',
      'manual',
      'Meta does not show domain verification through the WhatsApp API.',
      'Verify the domain of your website and email (recommended: it speeds up business verification).',
      { metaUiPlace: ui.domain },
    ),
    f.hasApp
      ? fromCheck(
          'app.connected',
          find(f, 'app_secret'),
          { state: 'todo', seen: 'Not checked.', fix: 'Run `wahub doctor`.' },
          { metaUiPlace: ui.appBasic },
        )
      : step(
          'app.connected',
          'todo',
          'No Meta app is connected: Wahub has no app secret to check webhook signatures with.',
          'Copy the App ID and App secret from the place named: `wahub app add --app-id <App ID> --app-secret <App secret>` (or the form on this page); it prints the callback URL and verify token to paste into WhatsApp > Configuration.',
          { metaUiPlace: ui.appBasic, doctorCheckId: 'app_secret' },
        ),
    appPrivacy(f),
    publicUrl(f),
    wabaConnected(f),
    tokenPermanent(f),
    tokenScopes(f),
    numberCheck('number.added', 'number.in_waba', ui.phoneNumbers),
    numberCheck('number.display_name', 'number.names', ui.displayName),
    registered,
    wabaCheck('webhook.subscribed', 'webhook.subscribed', ui.configuration),
    numberCheck('webhook.callback', 'webhook.callback', ui.configuration),
    fromCheck(
      'webhook.signatures',
      find(f, 'webhook.signatures'),
      { state: 'todo', seen: 'Not checked.', fix: 'Run `wahub doctor`.' },
      { metaUiPlace: `${ui.appBasic} > App secret` },
    ),
    payment(f),
    templates,
    appLive(f),
    tenantAssigned(f),
    firstDelivered(f),
    firstWebhook(f),
    numberCheck('number.quality', 'number.quality', ui.insights),
  ]
}
