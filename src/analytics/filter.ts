import type { Db } from '../db/connect.ts'
import { WahubError } from '../errors.ts'
import type { AnalyticsFilter } from './query.ts'

// The filters of every analytics read, from what a person types (the API's query string, the
// CLI's flags) to what the queries take: dates (YYYY-MM-DD is a UTC day), the business number by
// Wahub's id or Meta's phone_number_id (and only one the caller's tenant owns).

const dayMs = 86_400_000

export type FilterInput = {
  from?: string
  to?: string
  /** Decided by the caller's identity: its own tenant, or null for every tenant (operators). */
  tenantId: string | null
  number?: string
  template?: string
  category?: string
  country?: string
  direction?: 'in' | 'out'
}

export function parseTime(value: string, field: string): number {
  const ms = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value)
  if (Number.isNaN(ms)) {
    throw new WahubError('validation_failed', `${field} is not a date: use YYYY-MM-DD or an ISO date-time.`, {
      field,
    })
  }
  return ms
}

export async function resolveFilter(db: Db, input: FilterInput, now = Date.now()): Promise<AnalyticsFilter> {
  const to = input.to ? parseTime(input.to, 'to') : now + 1
  const from = input.from ? parseTime(input.from, 'from') : to - 7 * dayMs
  if (from >= to) throw new WahubError('validation_failed', '`from` must be before `to`.', { field: 'from' })
  let numberId: string | undefined
  if (input.number) {
    const wanted = input.number
    const row = await db
      .selectFrom('phone_numbers')
      .select(['id', 'tenant_id'])
      .where((eb) => eb.or([eb('id', '=', wanted), eb('phone_number_id', '=', wanted)]))
      .executeTakeFirst()
    if (!row || (input.tenantId !== null && row.tenant_id !== input.tenantId)) {
      throw new WahubError(
        'not_found',
        `No number ${wanted} for this caller: give Wahub's number id or Meta's phone_number_id.`,
        { field: 'number_id' },
      )
    }
    numberId = row.id
  }
  if (input.country !== undefined && !/^[A-Za-z]{2}$/.test(input.country)) {
    throw new WahubError('validation_failed', 'country must be an ISO 3166 alpha-2 code such as AR.', {
      field: 'country',
    })
  }
  return {
    tenantId: input.tenantId,
    // Rollups are hourly: a range covers the hours it starts in.
    from: from - (from % 3_600_000),
    to,
    numberId,
    template: input.template,
    category: input.category?.toLowerCase(),
    country: input.country?.toUpperCase(),
    direction: input.direction,
  }
}
