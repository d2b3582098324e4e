import { parsePhoneNumberFromString } from 'libphonenumber-js'

// The recipient's market: the ISO 3166 country of a wa_id's calling code (libphonenumber-js).
// Shared calling codes (+1, +7, +44…) resolve by the number's national prefix. Remembered per
// wa_id: a rollup pass sees the same contacts again and again.

const cache = new Map<string, string | null>()

export function countryOf(waId: string | null | undefined): string | null {
  if (!waId) return null
  const hit = cache.get(waId)
  if (hit !== undefined) return hit
  // A number the metadata deems invalid still has its calling code: its main country then.
  const parsed = parsePhoneNumberFromString(`+${waId}`)
  const country = parsed?.country ?? parsed?.getPossibleCountries()[0] ?? null
  if (cache.size > 100_000) cache.clear()
  cache.set(waId, country)
  return country
}
