import { qs } from '../api.ts'

// The page's filters and the query strings they make: every request of the page carries the
// same range and filters (the API reads whole UTC days from its daily rollups).

export type Filters = {
  /** First and last day shown, inclusive (YYYY-MM-DD, UTC). */
  from: string
  to: string
  tenant: string
  number: string
  template: string
  category: string
  country: string
}

const dayMs = 86_400_000

export function isoDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10)
}

/** The last `days` days up to today. */
export function lastDays(days: number, now = Date.now()): Pick<Filters, 'from' | 'to'> {
  return { from: isoDay(now - (days - 1) * dayMs), to: isoDay(now) }
}

export function initialFilters(): Filters {
  return { ...lastDays(7), tenant: '', number: '', template: '', category: '', country: '' }
}

/** The days the range covers. */
export function rangeDays(f: Filters): number {
  return Math.round((Date.parse(f.to) - Date.parse(f.from)) / dayMs) + 1
}

/** The API's query string for the filters (the `to` day included), plus `extra`. */
export function query(f: Filters, extra: Record<string, string | number | undefined> = {}): string {
  return qs({
    from: f.from,
    to: isoDay(Date.parse(f.to) + dayMs),
    tenant_id: f.tenant,
    number_id: f.number,
    template: f.template,
    category: f.category,
    country: f.country,
    ...extra,
  })
}

export function csvLink(path: string, f: Filters, extra: Record<string, string | number | undefined> = {}) {
  return `/api/v1/analytics/${path}${query(f, { ...extra, format: 'csv' })}`
}

type Point = { at: number } & Record<string, number | null>

/** Every hour or day of the range, with the API's points where it has them and zeros elsewhere. */
export function fillRange<P extends Point>(points: P[], f: Filters, interval: 'hour' | 'day'): P[] {
  const step = interval === 'hour' ? 3_600_000 : dayMs
  const end = Math.min(Date.parse(f.to) + dayMs, Date.now() + step)
  const byTime = new Map(points.map((p) => [p.at, p]))
  const zero = Object.fromEntries(Object.keys(points[0] ?? {}).map((k) => [k, 0]))
  const out: P[] = []
  for (let at = Date.parse(f.from); at < end && out.length < 5000; at += step) {
    out.push(byTime.get(at) ?? ({ ...zero, at } as P))
  }
  return out
}
