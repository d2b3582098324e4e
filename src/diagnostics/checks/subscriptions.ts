import type { SubscriptionFact } from '../facts-repo.ts'
import { plural, span } from '../read.ts'
import { type Check, check } from '../types.ts'

// Tenants' webhook subscriptions (SPEC §17): one failing for over an hour is a warning (its
// events wait in retries, for up to a day); one that Wahub disabled after a day of failures gets
// nothing until it is enabled again, and its missed events wait for a redelivery.

export const subscriptionFailingWarnMs = 3_600_000

export function subscriptionsCheck(subs: readonly SubscriptionFact[], now: number): Check {
  const host = (url: string) => {
    try {
      return new URL(url).host
    } catch {
      return url
    }
  }
  const name = (s: SubscriptionFact) => `${s.id} (${host(s.url)}, tenant ${s.tenantName ?? '?'})`
  const disabled = subs.filter((s) => !s.enabled)
  const failing = subs.filter(
    (s) => s.enabled && s.failingSince !== null && now - s.failingSince >= subscriptionFailingWarnMs,
  )
  const data = { disabled: disabled.map((s) => s.id), failing: failing.map((s) => s.id) }
  if (disabled.length === 0 && failing.length === 0)
    return check(
      'webhook.subscriptions',
      null,
      'pass',
      'No webhook subscription has been failing for an hour.',
      null,
      data,
    )
  const seen = [
    ...failing.map((s) => `${name(s)} has failed every delivery for ${span(now - (s.failingSince ?? now))}`),
    ...disabled.map((s) => `${name(s)} was disabled: ${s.disabledReason ?? 'after a day of failures'}`),
  ]
  return check(
    'webhook.subscriptions',
    null,
    'warn',
    `${plural(seen.length, 'webhook subscription')} in trouble: ${seen.join('; ')}.`,
    "Look at the subscription's delivery log (dashboard → Integrations, or `wahub subscription attempts --id <id> --tenant <tenant>`) for the receiver's answer and fix the receiver; then `wahub subscription update --id <id> --tenant <tenant> --enable` and `wahub subscription redeliver --id <id> --tenant <tenant> --failed-since <time>`.",
    data,
  )
}
