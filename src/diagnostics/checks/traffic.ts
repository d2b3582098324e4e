import { explainMetaError } from '../../cloud-api/error-catalogue.ts'
import type { FailureGroup, SendStats, UnroutedRow } from '../facts-repo.ts'
import { at, plural, sentence, span } from '../read.ts'
import { type Check, check } from '../types.ts'

// What actually happened: are webhooks arriving, are some parked because their number is
// unknown (seed 000's "Platform not found"), and how recent sends failed.

/** No webhook for this long while sends are accepted: statuses and replies are not reaching us. */
export const silentAfterMs = 60 * 60_000

export function arrivingCheck(
  subject: string | null,
  lastWebhookAt: number | null,
  sends: SendStats,
  now: number,
  neverMeans: string,
): Check {
  const data = { lastWebhookAt, acceptedSends: sends.count }
  if (sends.count === 0) {
    if (lastWebhookAt === null) {
      return check(
        'webhooks.arriving',
        subject,
        'warn',
        `No webhook ${neverMeans}, and nothing was sent in the last 24 h: Wahub cannot tell yet whether Meta reaches it.`,
        'Write to the number from a WhatsApp phone: the message should appear in Wahub within seconds (`wahub events list`).',
        data,
      )
    }
    return check(
      'webhooks.arriving',
      subject,
      'pass',
      `Last webhook at ${at(lastWebhookAt)} (${span(now - lastWebhookAt)} ago).`,
      null,
      data,
    )
  }
  const sent = `${plural(sends.count, 'send')} accepted by Meta in the last 24 h (last at ${at(sends.last ?? now)})`
  const fix =
    "Meta is not delivering this WABA's webhooks to Wahub: statuses (delivered, read, failed) and customers' replies are lost. Check the subscription and overrides (`wahub webhook status`), the public URL and the handshake above."
  if (lastWebhookAt === null) {
    return check('webhooks.arriving', subject, 'fail', `${sent}, but no webhook ${neverMeans}.`, fix, data)
  }
  if ((sends.last ?? 0) > lastWebhookAt && now - lastWebhookAt >= silentAfterMs) {
    return check(
      'webhooks.arriving',
      subject,
      'warn',
      `${sent}, but no webhook since ${at(lastWebhookAt)} (${span(now - lastWebhookAt)}).`,
      fix,
      data,
    )
  }
  return check(
    'webhooks.arriving',
    subject,
    'pass',
    `${sent}; last webhook at ${at(lastWebhookAt)} (${span(now - lastWebhookAt)} ago).`,
    null,
    data,
  )
}

export type UnroutedGroup = {
  phoneNumberId: string
  /** unknown: Wahub holds no such number; unassigned: it does, but no tenant has it; parked: now routable. */
  kind: 'unknown' | 'unassigned' | 'parked'
  count: number
  lastAt: number
  /** From one of its payloads (entry.id, metadata.display_phone_number). */
  wabaId: string | null
  display: string | null
  /** Is that WABA in Wahub? */
  wabaKnown: boolean
}

function idsAfter(reason: string, pattern: RegExp): string[] {
  const m = reason.match(pattern)
  return m ? m[1].split(/[,\s]+/).filter(Boolean) : []
}

/** Groups parked events by phone_number_id, from their outcome reason (webhooks/process-job.ts). */
export function groupUnrouted(
  rows: UnroutedRow[],
): Map<string, { kind: 'unknown' | 'unassigned'; count: number; lastAt: number; sampleId: string }> {
  const groups = new Map<
    string,
    { kind: 'unknown' | 'unassigned'; count: number; lastAt: number; sampleId: string }
  >()
  for (const r of rows) {
    const reason = r.outcome_reason ?? ''
    const unknown = idsAfter(reason, /unknown phone_number_id ([\d,\s]+)/)
    const unassigned = idsAfter(reason, /number ([\d,\s]+) is not assigned/)
    const listed = r.phone_number_ids?.split(',').filter(Boolean) ?? []
    const entries: [string, 'unknown' | 'unassigned'][] = [
      ...unknown.map((id) => [id, 'unknown'] as [string, 'unknown']),
      ...unassigned.map((id) => [id, 'unassigned'] as [string, 'unassigned']),
    ]
    if (entries.length === 0) for (const id of listed) entries.push([id, 'unknown'])
    for (const [id, kind] of entries) {
      const g = groups.get(id)
      if (g) {
        g.count++
        g.lastAt = Math.max(g.lastAt, Number(r.received_at))
      } else groups.set(id, { kind, count: 1, lastAt: Number(r.received_at), sampleId: r.id })
    }
  }
  return groups
}

export function unroutedCheck(
  groups: UnroutedGroup[],
  known: { phone_number_id: string; display_phone_number: string | null }[],
  channel: string | null,
): Check {
  const subject = channel
  if (groups.length === 0) {
    return check(
      'webhooks.unrouted',
      subject,
      'pass',
      'No webhook is waiting for an unknown or unassigned number.',
    )
  }
  const knownList =
    known
      .map((k) => `${k.phone_number_id}${k.display_phone_number ? ` (${k.display_phone_number})` : ''}`)
      .join(', ') || 'none'
  const seen: string[] = []
  const fixes: string[] = []
  for (const g of groups) {
    const label = `${g.phoneNumberId}${g.display ? ` (${g.display})` : ''}${g.wabaId ? ` of WABA ${g.wabaId}` : ''}`
    const count = `${plural(g.count, 'webhook')} (last at ${at(g.lastAt)})`
    if (g.kind === 'unknown') {
      seen.push(`${label}: ${count} for a phone_number_id Wahub does not know`)
      if (g.wabaId && g.wabaKnown) {
        fixes.push(
          `If ${g.phoneNumberId} is yours: \`wahub number add --phone-number-id ${g.phoneNumberId} --waba-id ${g.wabaId}\`.`,
        )
      } else {
        const waba = g.wabaId ?? '<its WABA id>'
        fixes.push(
          `If ${g.phoneNumberId} is yours: \`wahub waba add --waba-id ${waba} --token <token>\` then \`wahub number import --waba-id ${waba}\`.`,
        )
      }
    } else if (g.kind === 'unassigned') {
      seen.push(`${label}: ${count} for a number no tenant has`)
      fixes.push(
        `Give ${g.phoneNumberId} to a tenant: \`wahub tenant update --name <tenant> --number ${g.phoneNumberId}\`.`,
      )
    } else {
      seen.push(`${label}: ${count} still parked, though the number is now routable`)
      fixes.push('`wahub events replay --unrouted`.')
    }
  }
  const unknown = groups.filter((g) => g.kind === 'unknown')
  const intro = `Webhooks parked as unrouted: ${seen.join('; ')}. The numbers Wahub knows: ${knownList}.`
  const tail =
    unknown.length > 0
      ? " Wahub replays the parked webhooks when the number is added or assigned. If a number is not yours, another app or WABA points its webhooks at this URL: remove Wahub's URL there."
      : ' Wahub replays the parked webhooks when the number is assigned.'
  return check(
    'webhooks.unrouted',
    subject,
    unknown.length > 0 ? 'fail' : 'warn',
    intro,
    `${fixes.join(' ')}${tail}`,
    { groups, known: known.map((k) => k.phone_number_id) },
  )
}

// Failures that say the channel itself is misconfigured (as opposed to one recipient or one
// message): these fail the check; the rest warn.
const configCategories = new Set(['auth', 'permission', 'account', 'registration', 'template', 'payment'])

export type FailureContext = {
  /** Meta's WABA id and phone_number_id of a number row id, for concrete commands. */
  numberOf(rowId: string): { phoneNumberId: string; wabaId: string } | undefined
}

function specificFix(g: FailureGroup, ctx: FailureContext): string {
  const code = g.code ?? 0
  const info = explainMetaError(code)
  const numbers = g.numberRowIds.map((id) => ctx.numberOf(id)).filter((n) => n !== undefined)
  const wabas = [...new Set(numbers.map((n) => n.wabaId))]
  const pnids = [...new Set(numbers.map((n) => n.phoneNumberId))]
  if (info.category === 'auth') {
    return `${info.fix} ${wabas.map((w) => `\`wahub waba add --waba-id ${w} --token <new System User token>\``).join('; ')}`.trim()
  }
  if (code === 131030) {
    return `${info.fix} (${pnids.join(', ') || 'the number'} is in development mode: its allowed list holds at most 5 test recipients.)`
  }
  if (code === 133010) {
    return (
      pnids.map((p) => `\`wahub phone register --phone-number-id ${p} --pin <6-digit PIN>\``).join('; ') ||
      info.fix
    )
  }
  return info.fix
}

export function failuresCheck(
  subject: string | null,
  groups: FailureGroup[],
  unsettled: { unknown: number; stuck: number },
  ctx: FailureContext,
): Check {
  const lines: string[] = []
  const fixes: string[] = []
  let fail = false
  for (const g of groups) {
    const info = g.code === null ? undefined : explainMetaError(g.code)
    const to = g.recipients.length ? `, e.g. to ${g.recipients.join(', ')}` : ''
    lines.push(
      g.code === null
        ? `${plural(g.count, 'send')} failed without a Meta code${to}`
        : `(#${g.code}) × ${g.count}, last at ${at(g.lastAt)}${to}: ${info?.meaning}`,
    )
    if (g.code !== null) {
      fixes.push(`${g.code}: ${specificFix(g, ctx)}`)
      if (configCategories.has(info?.category ?? '') || g.code === 131030) fail = true
    }
  }
  if (unsettled.unknown > 0) {
    lines.push(`${plural(unsettled.unknown, 'send')} with an unknown outcome (Meta did not answer)`)
    fixes.push('unknown: check the recipient before sending again (`wahub` never resends these by itself).')
  }
  if (unsettled.stuck > 0) {
    lines.push(`${plural(unsettled.stuck, 'message')} queued for over 5 minutes`)
    fixes.push('queued: are the workers running (`wahub serve`)? The number may also be rate-limited.')
  }
  const data = {
    byCode: groups.map((g) => ({ code: g.code, count: g.count, lastAt: g.lastAt })),
    ...unsettled,
  }
  if (lines.length === 0) {
    return check('sends.failures', subject, 'pass', 'No send failed in the last 24 h.', null, data)
  }
  return check(
    'sends.failures',
    subject,
    fail ? 'fail' : 'warn',
    sentence(lines.map((l) => l.replace(/\.$/, '')).join('; ')),
    fixes.join('\n'),
    data,
  )
}
