import { get } from '../api.ts'
import type {
  AnalyticsBreakdown,
  AnalyticsFailures,
  AnalyticsNumbers,
  AnalyticsSeries,
  AnalyticsSummary,
  Tenant,
} from '../api-types.ts'
import { useLoad } from '../ui/server-state.ts'
import { type Filters, query, rangeDays } from './params.ts'

// Everything the Analytics page shows, loaded for the current filters (each part on its own, so
// a slow or failing one does not hold the others).

export function useAnalytics(f: Filters) {
  const interval: 'hour' | 'day' = rangeDays(f) <= 2 ? 'hour' : 'day'
  const fetcher =
    <T>(path: string) =>
    (signal: AbortSignal) =>
      get<T>(`/api/v1/analytics/${path}`, signal)
  return {
    interval,
    summary: useLoad(['analytics', f, 'summary'], fetcher<AnalyticsSummary>(`summary${query(f)}`)),
    series: useLoad(
      ['analytics', f, 'series'],
      fetcher<AnalyticsSeries>(`timeseries${query(f, { interval })}`),
    ),
    byTemplate: useLoad(
      ['analytics', f, 'template'],
      fetcher<AnalyticsBreakdown>(`breakdown${query(f, { by: 'template', limit: 20 })}`),
    ),
    byCategory: useLoad(
      ['analytics', f, 'category'],
      fetcher<AnalyticsBreakdown>(`breakdown${query(f, { by: 'category' })}`),
    ),
    byCountry: useLoad(
      ['analytics', f, 'country'],
      fetcher<AnalyticsBreakdown>(`breakdown${query(f, { by: 'country', limit: 20 })}`),
    ),
    failures: useLoad(
      ['analytics', f, 'failures'],
      fetcher<AnalyticsFailures>(`failures${query(f, { limit: 10 })}`),
    ),
    numbers: useLoad(['analytics', f, 'numbers'], fetcher<AnalyticsNumbers>(`numbers${query(f)}`)),
  }
}

/** What the filters offer: an admin's tenants, and the templates and countries seen in the range. */
export function useFilterChoices(f: Filters, isAdmin: boolean) {
  const range = { ...f, template: '', country: '' }
  const tenants = useLoad(['analytics', 'tenants', isAdmin], async (signal) =>
    isAdmin ? (await get<{ tenants: Tenant[] }>('/api/v1/admin/tenants', signal)).tenants : [],
  )
  const seen = useLoad(['analytics', 'choices', range], async (signal) => {
    const [templates, countries] = await Promise.all([
      get<AnalyticsBreakdown>(`/api/v1/analytics/breakdown${query(range, { by: 'template' })}`, signal),
      get<AnalyticsBreakdown>(`/api/v1/analytics/breakdown${query(range, { by: 'country' })}`, signal),
    ])
    return {
      templates: templates.rows
        .map((r) => r.key)
        .filter(Boolean)
        .sort(),
      countries: countries.rows
        .map((r) => r.key)
        .filter(Boolean)
        .sort(),
    }
  })
  return {
    tenants: tenants.data ?? [],
    templates: seen.data?.templates ?? [],
    countries: seen.data?.countries ?? [],
  }
}
