import type { SandboxCarryOver } from '../sandbox/carry-over.ts'
import type { CheckId } from './types.ts'

// The go-live guide (`wahub golive`, GET /api/v1/admin/golive, the dashboard's Go live page):
// the ordered steps from "I have a Meta business" to "my number is live", each with its state
// read from Graph where Meta exposes it, else a manual step naming the exact place in Meta's UI.

/**
 * done: Meta (or Wahub) shows it is done · todo: not started yet, nothing is wrong ·
 * failing: something is wrong, with the fix · manual: Meta exposes nothing to read, so the
 * operator confirms it in the place named · unknown: could not be read now (with why).
 */
export type StepState = 'done' | 'todo' | 'failing' | 'manual' | 'unknown'

/** Every step, in the order an operator takes them. The ids are stable: scripts key on them. */
export const goliveStepTitles = {
  'business.verified': 'Business verified by Meta',
  'security.two_factor': 'Two-factor authentication on the Meta accounts',
  'business.domain': 'Domain verified in the business portfolio',
  'app.connected': 'Meta app connected to Wahub (app secret)',
  'app.privacy_policy': 'Privacy Policy URL set on the app',
  'wahub.public_url': 'Wahub reachable at its public URL',
  'waba.connected': 'WhatsApp Business Account connected',
  'token.permanent': 'Permanent System User token',
  'token.scopes': 'Token permissions and the WABAs it can see',
  'number.added': 'Phone number added under the WABA',
  'number.display_name': 'Display name approved',
  'number.registered': 'Number registered for the Cloud API (two-step PIN)',
  'webhook.subscribed': 'App subscribed to the WABA',
  'webhook.callback': "Meta's webhooks reach Wahub",
  'webhook.signatures': 'Webhook signatures checked',
  'billing.payment_method': 'Payment method on the WABA',
  'templates.approved': 'A message template approved',
  'app.live': 'App in Live mode',
  'tenant.assigned': 'Number assigned to a tenant',
  'message.delivered': 'First message delivered',
  'webhook.received': 'First webhook received',
  'number.quality': 'Quality rating GREEN',
} as const

export type StepId = keyof typeof goliveStepTitles

export type GoliveStep = {
  id: StepId
  title: string
  state: StepState
  /** What the guide saw, with the values. */
  seen: string
  /** What to do; null when done. */
  fix: string | null
  /** The doctor check whose finding this step reads (GET /api/v1/admin/diagnostics). */
  doctorCheckId: CheckId | null
  /** Where in Meta's screens this is done or confirmed. */
  metaUiPlace: string | null
}

export type GoliveSubject = {
  waba: { id: string; wabaId: string; name: string | null } | null
  number: { id: string; phoneNumberId: string; display: string | null; isSandbox: boolean } | null
}

export type GoliveGuide = SubjectFields & {
  generatedAt: number
  steps: GoliveStep[]
  summary: Record<StepState, number>
  /** Every step done or manual: nothing Wahub can read stands in the way. */
  live: boolean
  /** The next step to take (the first failing or todo one), or null. */
  next: StepId | null
  sandbox: SandboxCarryOver | null
}

type SubjectFields = GoliveSubject

export function step(
  id: StepId,
  state: StepState,
  seen: string,
  fix: string | null,
  extra: { doctorCheckId?: CheckId; metaUiPlace?: string } = {},
): GoliveStep {
  return {
    id,
    title: goliveStepTitles[id],
    state,
    seen,
    fix: state === 'done' ? null : fix,
    doctorCheckId: extra.doctorCheckId ?? null,
    metaUiPlace: extra.metaUiPlace ?? null,
  }
}
