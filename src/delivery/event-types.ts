import { eventKinds } from '../events/events-repo.ts'

// What a subscription may receive: every kind of domain event a tenant has (the operators'
// `webhook.unrouted` has no tenant), plus wildcards: `*` (everything, also kinds added later)
// and `group.*` (e.g. `conversation.*`, `template.*`). `webhook.test` is what "send test event"
// posts; no subscription needs to name it.

export const subscribableEvents: readonly string[] = eventKinds.filter((k) => k !== 'webhook.unrouted')

export const testEventKind = 'webhook.test'

const groups = [...new Set(subscribableEvents.map((k) => k.split('.')[0]))]

/** Every filter a subscription accepts: `*`, each `group.*`, each kind. */
export const eventFilters: readonly string[] = ['*', ...groups.map((g) => `${g}.*`), ...subscribableEvents]

/** The filters that are not known (empty: all valid). */
export function unknownFilters(filters: readonly string[]): string[] {
  return filters.filter((f) => !eventFilters.includes(f))
}

export function matchesFilters(filters: readonly string[], kind: string): boolean {
  if (kind === 'webhook.unrouted') return false
  return filters.some((f) => f === '*' || f === kind || (f.endsWith('.*') && kind.startsWith(f.slice(0, -1))))
}
