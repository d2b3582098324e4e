import { at, plural } from '../read.ts'
import { type Check, check } from '../types.ts'

// SPEC §12: webhooks signed by one app for numbers (or WABAs) linked to another are kept as
// `wrong_app` and never routed (webhooks/process-job.ts). Either the WABA is linked to the wrong
// app in Wahub, or another app's webhook points at this URL — or someone holds that app's secret.

export type WrongAppGroup = {
  /** The phone_number_id (or WABA id, for template/number fields) named in the events. */
  id: string
  /** Meta's app id of the app whose secret signed them. */
  signerAppId: string | null
  /** The WABA that holds the number in Wahub, and the app it is linked to. */
  wabaId: string | null
  ownerAppId: string | null
  count: number
  lastAt: number
  sampleEventId: string
}

export function wrongAppCheck(groups: readonly WrongAppGroup[]): Check {
  if (groups.length === 0) {
    return check(
      'webhooks.wrong_app',
      null,
      'pass',
      'Every stored webhook was signed by the app that owns its numbers.',
    )
  }
  const seen: string[] = []
  const fixes: string[] = []
  for (const g of groups) {
    const signer = g.signerAppId ?? '(a removed app)'
    const owner = g.ownerAppId ? `app ${g.ownerAppId}` : 'no app'
    seen.push(
      `${plural(g.count, 'webhook')} for ${g.id}${g.wabaId ? ` (WABA ${g.wabaId}, linked to ${owner})` : ''} signed by app ${signer} (last at ${at(g.lastAt)}, e.g. event ${g.sampleEventId})`,
    )
    if (g.wabaId && g.signerAppId) {
      fixes.push(
        `If WABA ${g.wabaId} belongs to app ${g.signerAppId}: \`wahub waba add --waba-id ${g.wabaId} --token <its token> --app-id ${g.signerAppId}\` — the kept webhooks (e.g. event ${g.sampleEventId}) are then processed by themselves.`,
      )
    }
  }
  return check(
    'webhooks.wrong_app',
    null,
    'fail',
    `Webhooks kept as wrong_app, never routed to a tenant: ${seen.join('; ')}.`,
    `${fixes.join(' ')} Otherwise another app's webhook points at this URL for numbers it does not own: remove Wahub's callback URL from that app (App Dashboard > WhatsApp > Configuration); if nobody there did it, its app secret has leaked — reset it in App Dashboard > App settings > Basic.`,
    { groups },
  )
}
