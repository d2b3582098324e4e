import { columnsFromGraph } from '../../channels/numbers-repo.ts'
import type { NumberWebhook, WebhookProblem, WebhookStatus } from '../../channels/webhook-config.ts'
import { explainMetaError } from '../../cloud-api/error-catalogue.ts'
import type { PhoneNumber } from '../../cloud-api/management-types.ts'
import type { NumberRow, WabaRow } from '../facts-repo.ts'
import { at, describeProblem, type Read, sentence } from '../read.ts'
import { type Check, check } from '../types.ts'
import { notCheckedFix, wabaSubject } from './waba.ts'

// Checks of one phone number: under its WABA at Meta, names, quality and limits, registration,
// and where Meta sends its webhooks. When Meta cannot be asked, the values Wahub stored at the
// last import/refresh are used and said to be so.

export function numberSubject(n: Pick<NumberRow, 'phone_number_id' | 'display_phone_number'>): string {
  return n.display_phone_number ? `${n.display_phone_number} (${n.phone_number_id})` : n.phone_number_id
}

export type NumberView = {
  display: string | null
  verifiedName: string | null
  nameStatus: string | null
  codeVerification: string | null
  quality: string | null
  tier: string | null
  throughputLevel: string | null
  status: string | null
  accountMode: string | null
  registered: boolean | null
  /** Where the values come from: Meta now, or the row from the last import/refresh. */
  source: string
}

export function numberView(row: NumberRow, info: Read<PhoneNumber>): NumberView {
  if (info.ok) {
    const c = columnsFromGraph(info.value)
    return {
      display: c.display_phone_number,
      verifiedName: c.verified_name,
      nameStatus: c.name_status,
      codeVerification: c.code_verification_status,
      quality: c.quality_rating,
      tier: c.messaging_limit_tier,
      throughputLevel: c.throughput_level,
      status: c.status,
      accountMode: c.account_mode,
      registered: c.registered === null ? null : c.registered === 1,
      source: '',
    }
  }
  const when = row.refreshed_at ? `stored at ${at(row.refreshed_at)}` : 'stored'
  return {
    display: row.display_phone_number,
    verifiedName: row.verified_name,
    nameStatus: row.name_status,
    codeVerification: row.code_verification_status,
    quality: row.quality_rating,
    tier: row.messaging_limit_tier,
    throughputLevel: row.throughput_level,
    status: row.status,
    accountMode: row.account_mode,
    registered: row.registered === null ? null : row.registered === 1,
    source: ` (${when}; Meta not asked: ${describeProblem(info.problem).replace(/^Not checked: /, '')})`,
  }
}

export function inWabaCheck(w: WabaRow, n: NumberRow, listed: Read<PhoneNumber[]>): Check {
  const subject = numberSubject(n)
  if (!listed.ok) {
    return check(
      'number.in_waba',
      subject,
      'warn',
      sentence(describeProblem(listed.problem)),
      notCheckedFix(listed.problem, w),
    )
  }
  const ids = listed.value.map((p) => p.id)
  if (ids.includes(n.phone_number_id)) {
    return check(
      'number.in_waba',
      subject,
      'pass',
      `Meta lists ${n.phone_number_id} under ${wabaSubject(w)}.`,
    )
  }
  return check(
    'number.in_waba',
    subject,
    'fail',
    `Meta does not list ${n.phone_number_id} under ${wabaSubject(w)} (it lists ${ids.join(', ') || 'no number'}): sends from it are refused, and its webhooks name another WABA.`,
    `Find its WABA in WhatsApp Manager > Phone numbers, then \`wahub number remove --phone-number-id ${n.phone_number_id}\` and \`wahub number import --waba-id <that WABA id>\`.`,
    { listed: ids },
  )
}

const nameFail = new Set(['DECLINED', 'EXPIRED'])
const nameOk = new Set(['APPROVED', 'AVAILABLE_WITHOUT_REVIEW'])
const codeOk = new Set(['VERIFIED'])

export function namesCheck(n: NumberRow, v: NumberView): Check {
  const subject = numberSubject(n)
  const seen = `${v.display ?? '(no display number)'} "${v.verifiedName ?? ''}", name status ${v.nameStatus ?? 'unknown'}, code verification ${v.codeVerification ?? 'unknown'}${v.source}.`
  const data = {
    displayPhoneNumber: v.display,
    verifiedName: v.verifiedName,
    nameStatus: v.nameStatus,
    codeVerificationStatus: v.codeVerification,
  }
  if (v.nameStatus && nameFail.has(v.nameStatus)) {
    return check(
      'number.names',
      subject,
      'fail',
      seen,
      'The display name was declined or has expired: change it in WhatsApp Manager > Phone numbers > Profile to a name that matches your business, and submit it again.',
      data,
    )
  }
  const problems: string[] = []
  const fixes: string[] = []
  if (!v.verifiedName) {
    problems.push('no verified name')
    fixes.push('Set a display name in WhatsApp Manager > Phone numbers > Profile.')
  }
  if (v.nameStatus && !nameOk.has(v.nameStatus)) {
    problems.push(`name ${v.nameStatus}`)
    fixes.push(
      'Meta has not approved the display name yet: WhatsApp Manager shows the review; a phone_number_name_update webhook tells Wahub the decision.',
    )
  }
  if (v.codeVerification && !codeOk.has(v.codeVerification)) {
    problems.push(`code ${v.codeVerification}`)
    fixes.push('Verify the number with the SMS or voice code in WhatsApp Manager > Phone numbers.')
  }
  if (v.display && n.display_phone_number && v.display !== n.display_phone_number) {
    problems.push(`Wahub stored ${n.display_phone_number}`)
    fixes.push(`\`wahub number refresh --phone-number-id ${n.phone_number_id}\``)
  }
  if (problems.length > 0) return check('number.names', subject, 'warn', seen, fixes.join(' '), data)
  return check('number.names', subject, 'pass', seen, null, data)
}

const blocked = new Set(['FLAGGED', 'RESTRICTED', 'BANNED', 'DELETED', 'DISCONNECTED'])
const throughput: Record<string, string> = { STANDARD: 'STANDARD (80/s)', HIGH: 'HIGH (1,000/s)' }

export function qualityCheck(n: NumberRow, v: NumberView): Check {
  const subject = numberSubject(n)
  const seen = `Quality ${v.quality ?? 'unknown'}, messaging limit ${v.tier ?? 'unknown'}, throughput ${v.throughputLevel ? (throughput[v.throughputLevel] ?? v.throughputLevel) : 'unknown'}, status ${v.status ?? 'unknown'}${v.source}.`
  const data = {
    phoneNumberId: n.phone_number_id,
    qualityRating: v.quality,
    messagingLimitTier: v.tier,
    throughputLevel: v.throughputLevel,
    status: v.status,
  }
  if (v.status && blocked.has(v.status)) {
    return check(
      'number.quality',
      subject,
      'fail',
      seen,
      `Meta has ${v.status.toLowerCase()} this number: WhatsApp Manager > Account quality says why and how to appeal (Business Support Home).`,
      data,
    )
  }
  if (v.quality === 'YELLOW' || v.quality === 'RED') {
    return check(
      'number.quality',
      subject,
      'warn',
      seen,
      `Quality ${v.quality === 'RED' ? 'is low' : 'is dropping'}: customers are blocking or reporting these messages. Send only to people who opted in, make templates relevant and less frequent, and watch WhatsApp Manager > Insights; ${v.quality === 'RED' ? 'Meta may lower the messaging limit or restrict the number' : 'at RED, Meta may lower the messaging limit'}.`,
      data,
    )
  }
  return check('number.quality', subject, 'pass', seen, null, data)
}

export function registeredCheck(n: NumberRow, v: NumberView): Check {
  const subject = numberSubject(n)
  const state = `(status ${v.status ?? 'unknown'}, account mode ${v.accountMode ?? 'unknown'})${v.source}`
  if (v.registered === false) {
    return check(
      'number.registered',
      subject,
      'fail',
      `Not registered for the Cloud API ${state}: every send fails with (#133010).`,
      `\`wahub phone register --phone-number-id ${n.phone_number_id} --pin <6-digit PIN>\` (the two-step verification PIN: the first registration sets it; if the number was registered before, use the same one).`,
      { registered: false },
    )
  }
  if (v.accountMode === 'SANDBOX') {
    return check(
      'number.registered',
      subject,
      'warn',
      `Registered, but in development mode ${state}: it delivers only to the test recipients of its allowed list; anyone else gets (#131030).`,
      explainMetaError(131030).fix,
      { registered: true, accountMode: 'SANDBOX' },
    )
  }
  if (v.registered === null) {
    return check(
      'number.registered',
      subject,
      'warn',
      `Registration state unknown ${state}.`,
      `\`wahub number refresh --phone-number-id ${n.phone_number_id}\``,
    )
  }
  return check('number.registered', subject, 'pass', `Registered ${state}.`, null, { registered: true })
}

function problemFor(status: WebhookStatus, n: NumberWebhook): WebhookProblem | undefined {
  return status.problems.find((p) => p.problem.includes(n.phoneNumberId))
}

/** Seed 003's trap: an override at number or WABA level wins over a correct app callback. */
export function callbackCheck(w: WabaRow, n: NumberRow, status: Read<WebhookStatus>): Check {
  const subject = numberSubject(n)
  if (!status.ok) {
    return check(
      'webhook.callback',
      subject,
      'warn',
      sentence(describeProblem(status.problem)),
      notCheckedFix(status.problem, w),
    )
  }
  const mine = status.value.numbers.find((x) => x.phoneNumberId === n.phone_number_id)
  if (!mine) {
    return check('webhook.callback', subject, 'warn', 'Not checked: the number was not read.', null)
  }
  const data = {
    effective: mine.effective,
    numberOverride: mine.numberOverride,
    wabaOverride: mine.wabaOverride,
    application: mine.application,
    ours: status.value.callbackUrl,
  }
  if (mine.pointsToUs && mine.effective) {
    return check(
      'webhook.callback',
      subject,
      'pass',
      `Meta sends its webhooks to ${mine.effective.url} (${mine.effective.level === 'application' ? "the app's callback URL" : `a ${mine.effective.level}-level override`}) = Wahub.`,
      null,
      data,
    )
  }
  const p = problemFor(status.value, mine)
  return check(
    'webhook.callback',
    subject,
    'fail',
    p?.problem ?? `Meta does not send this number's webhooks to ${status.value.callbackUrl}.`,
    p?.fix ?? `\`wahub webhook status --phone-number-id ${n.phone_number_id}\``,
    data,
  )
}
