import { explainMetaError } from '../../cloud-api/error-catalogue.ts'
import type { DebugTokenResponse, SubscribedApp } from '../../cloud-api/management-types.ts'
import type { TemplateRow, WabaRow } from '../facts-repo.ts'
import { at, describeProblem, type GraphProblem, type Read, sentence, span } from '../read.ts'
import { type Check, check } from '../types.ts'

// Checks of one WABA: its access token (valid, expiry, permissions), the app's subscription,
// and its templates.

/** A token expiring within this is warned about (and the quality watch records an event). */
export const tokenWarnWithinMs = 7 * 24 * 60 * 60_000

export function wabaSubject(w: Pick<WabaRow, 'waba_id' | 'name'>): string {
  return `WABA ${w.waba_id}${w.name ? ` "${w.name}"` : ''}`
}

function replaceToken(w: WabaRow): string {
  return `\`wahub waba add --waba-id ${w.waba_id} --token <new System User token>\``
}

function unreachableFix(w: WabaRow): string {
  return w.is_sandbox === 1
    ? "The Sandbox's emulator runs inside `wahub serve`: start it, then run doctor again."
    : "Check WAHUB_GRAPH_URL (or this WABA's graph URL) and the network path to Meta."
}

export type TokenFacts = {
  /** debug_token's answer. */
  debug: Read<DebugTokenResponse>
  /** A plain read with the token (phone numbers), when debug_token itself was refused for another reason. */
  probe: Read<unknown> | null
  /** The token could not be decrypted: the message. */
  vaultError?: string
}

export function tokenCheck(w: WabaRow, facts: TokenFacts, now: number): Check {
  const subject = wabaSubject(w)
  const hint = `…${w.token_last4}`
  if (facts.vaultError) {
    return check(
      'token',
      subject,
      'fail',
      `The stored token cannot be decrypted: ${facts.vaultError}.`,
      'Start Wahub with the key the token was saved under (WAHUB_SECRET_KEY, or list the old one in WAHUB_PREVIOUS_SECRET_KEYS), or save the token again with `wahub waba add`.',
    )
  }
  const d = facts.debug
  if (!d.ok) {
    const p = d.problem
    if (p.kind === 'unreachable') {
      return check(
        'token',
        subject,
        'fail',
        sentence(`Token ${hint}: ${describeProblem(p)}`),
        unreachableFix(w),
      )
    }
    if (p.kind === 'meta' && (p.category === 'auth' || p.category === 'permission')) {
      return check(
        'token',
        subject,
        'fail',
        sentence(`Meta refused the token ${hint}: ${describeProblem(p).replace(/^Meta answered /, '')}`),
        `${p.fix} For this WABA: ${replaceToken(w)}.`,
        { code: p.code, subcode: p.subcode ?? null, valid: false },
      )
    }
    // debug_token refused for another reason (a proxy, app-token-only setups): the stored
    // expiry and a plain read still tell whether the token works.
    if (facts.probe && !facts.probe.ok) {
      return check(
        'token',
        subject,
        'fail',
        sentence(`Token ${hint}: ${describeProblem(facts.probe.problem)}`),
        replaceToken(w),
      )
    }
    return expiryCheck(
      w,
      subject,
      hint,
      w.token_type,
      w.token_expires_at,
      [],
      now,
      ' (debug_token unavailable; stored expiry)',
    )
  }
  const data = d.value.data
  if (data.is_valid === false) {
    const code = data.error?.code ?? 190
    const info = explainMetaError(code, data.error?.subcode)
    return check(
      'token',
      subject,
      'fail',
      `Meta says the token ${hint} is not valid: (#${code}${data.error?.subcode ? `/${data.error.subcode}` : ''}) ${info.meaning}`,
      `${info.fix} For this WABA: ${replaceToken(w)}.`,
      { code, subcode: data.error?.subcode ?? null, valid: false },
    )
  }
  const expiresAt = data.expires_at && data.expires_at > 0 ? data.expires_at * 1000 : null
  return expiryCheck(w, subject, hint, data.type ?? w.token_type, expiresAt, data.scopes ?? [], now, '')
}

function expiryCheck(
  w: WabaRow,
  subject: string,
  hint: string,
  type: string | null,
  expiresAt: number | null,
  scopes: string[],
  now: number,
  note: string,
): Check {
  const kind = `${type ?? 'unknown type'} token ${hint}`
  const data = { type, expiresAt, scopes, valid: true }
  if (scopes.length > 0 && !scopes.includes('whatsapp_business_messaging')) {
    return check(
      'token',
      subject,
      'fail',
      `${kind} lacks whatsapp_business_messaging: every send fails with (#10).`,
      `Give the System User that permission on this WABA and generate a new token: ${replaceToken(w)}.`,
      data,
    )
  }
  if (expiresAt !== null && expiresAt <= now) {
    return check(
      'token',
      subject,
      'fail',
      `${kind} expired at ${at(expiresAt)}${note}.`,
      `${explainMetaError(190).fix} For this WABA: ${replaceToken(w)}.`,
      data,
    )
  }
  if (expiresAt !== null && expiresAt - now <= tokenWarnWithinMs) {
    return check(
      'token',
      subject,
      'warn',
      `${kind} expires at ${at(expiresAt)} (in ${span(expiresAt - now)})${note}: a temporary token; every send fails with (#190) after that.`,
      `Replace it now with a System User token, which never expires (Business settings > Users > System users > Generate token): ${replaceToken(w)}.`,
      { ...data, expiring: true },
    )
  }
  if (scopes.length > 0 && !scopes.includes('whatsapp_business_management')) {
    return check(
      'token',
      subject,
      'warn',
      `${kind} lacks whatsapp_business_management: numbers, templates and webhooks cannot be managed from Wahub.`,
      `Give the System User that permission and generate a new token: ${replaceToken(w)}.`,
      data,
    )
  }
  const expiry = expiresAt === null ? 'never expires' : `expires at ${at(expiresAt)}`
  return check('token', subject, 'pass', `${kind}, valid, ${expiry}${note}.`, null, data)
}

export function subscribedCheck(w: WabaRow, read: Read<SubscribedApp[]>, appId: string | null): Check {
  const subject = wabaSubject(w)
  if (!read.ok) {
    return check(
      'webhook.subscribed',
      subject,
      'warn',
      sentence(describeProblem(read.problem)),
      notCheckedFix(read.problem, w),
    )
  }
  const apps = read.value
  const ours = appId ? apps.find((a) => a.whatsapp_business_api_data?.id === appId) : apps[0]
  const listed = apps.map((a) => a.whatsapp_business_api_data?.id).join(', ') || 'none'
  if (!ours) {
    return check(
      'webhook.subscribed',
      subject,
      'fail',
      `App ${appId ?? '(any)'} is not subscribed to this WABA (subscribed apps: ${listed}): Meta sends Wahub none of its webhooks.`,
      `\`wahub webhook subscribe --waba-id ${w.waba_id}\``,
      { subscribedApps: apps.map((a) => a.whatsapp_business_api_data?.id) },
    )
  }
  return check(
    'webhook.subscribed',
    subject,
    'pass',
    `App ${ours.whatsapp_business_api_data?.id} is subscribed${ours.override_callback_uri ? `, with a WABA-level callback override ${ours.override_callback_uri}` : ''}.`,
  )
}

export function notCheckedFix(p: GraphProblem, w: WabaRow): string | null {
  if (p.kind === 'skipped') return 'Fix the access token first (see above).'
  if (p.kind === 'unreachable') return unreachableFix(w)
  return p.fix
}

function names(rows: TemplateRow[], limit = 5): string {
  const shown = rows.slice(0, limit).map((r) => `${r.name} (${r.language})`)
  return rows.length > limit ? `${shown.join(', ')} and ${rows.length - limit} more` : shown.join(', ')
}

export function templatesCheck(w: WabaRow, rows: TemplateRow[]): Check {
  const subject = wabaSubject(w)
  const sync = `\`wahub templates sync --waba-id ${w.waba_id}\``
  const live = rows.filter((r) => r.status !== 'DELETED')
  if (live.length === 0) {
    return check(
      'templates',
      subject,
      'warn',
      'Wahub holds no template of this WABA (never synced?): sends of templates cannot be checked before Meta refuses them.',
      sync,
    )
  }
  const by = (status: string) => live.filter((r) => r.status === status)
  const approved = by('APPROVED')
  const paused = by('PAUSED')
  const rejected = by('REJECTED')
  const disabled = by('DISABLED')
  const pending = by('PENDING')
  const counts = `${approved.length} approved, ${pending.length} pending, ${rejected.length} rejected, ${paused.length} paused, ${disabled.length} disabled`
  const data = {
    approved: approved.length,
    paused: paused.map((r) => ({ name: r.name, language: r.language })),
    rejected: rejected.map((r) => ({ name: r.name, language: r.language, reason: r.rejected_reason })),
    disabled: disabled.map((r) => ({ name: r.name, language: r.language })),
  }
  if (approved.length === 0) {
    return check(
      'templates',
      subject,
      'fail',
      `${counts}: no approved template, so Wahub cannot write to a customer who has not written in the last 24 h (every such send fails with 131047).`,
      `Create a template in WhatsApp Manager > Message templates, wait for approval, then ${sync}.`,
      data,
    )
  }
  const problems: string[] = []
  const fixes: string[] = []
  if (paused.length) {
    problems.push(`paused: ${names(paused)}`)
    fixes.push(
      'Paused templates fail with 132015: Meta paused them for low quality (customers blocked or reported them). Send another template meanwhile and edit the paused one (WhatsApp Manager shows the feedback).',
    )
  }
  if (rejected.length) {
    const reasons = [...new Set(rejected.map((r) => r.rejected_reason).filter((r) => r && r !== 'NONE'))]
    problems.push(`rejected: ${names(rejected)}${reasons.length ? ` (${reasons.join(', ')})` : ''}`)
    fixes.push('Edit rejected templates as the reason says and submit them again.')
  }
  if (disabled.length) {
    problems.push(`disabled: ${names(disabled)}`)
    fixes.push('Disabled templates (132016) cannot be sent again; create a new one.')
  }
  if (problems.length > 0) {
    return check('templates', subject, 'warn', `${counts} — ${problems.join('; ')}.`, fixes.join(' '), data)
  }
  return check('templates', subject, 'pass', `${counts} (${names(approved)}).`, null, data)
}
