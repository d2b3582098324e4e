import { type CountryCode, isSupportedCountry, parsePhoneNumberFromString } from 'libphonenumber-js'
import { WahubError } from '../errors.ts'

// The recipient in Meta's form (SPEC §6): country code and number, digits only, no `+`, no
// leading 0 (seed 000 learnt this from 131030 errors it misread). A national number needs the
// tenant's default country. A business-scoped user id (username users, 2026) is sent as
// `recipient` instead of `to`. An impossible number is refused before anything is queued.

export type Recipient =
  | { kind: 'phone'; waId: string; input: string }
  | { kind: 'user'; userId: string; input: string }

const bsuid = /^[A-Z]{2}\.[A-Za-z0-9.]{4,}$/

function invalid(input: string, why: string): WahubError {
  return new WahubError('invalid_recipient', `"${input}" is not a phone number WhatsApp can reach: ${why}.`, {
    to: input,
  })
}

export function normaliseRecipient(input: string, defaultCountry: string | null): Recipient {
  const trimmed = input.trim()
  if (bsuid.test(trimmed)) return { kind: 'user', userId: trimmed, input }
  if (!/^[\d\s().\-/+]+$/.test(trimmed) || (trimmed.match(/\+/g)?.length ?? 0) > 1)
    throw invalid(input, 'only digits, spaces, one +, -, ( ) and . are allowed')
  const digits = trimmed.replace(/\D/g, '')
  if (digits.length < 6) throw invalid(input, 'too short')
  const country =
    defaultCountry && isSupportedCountry(defaultCountry.toUpperCase())
      ? (defaultCountry.toUpperCase() as CountryCode)
      : undefined
  const candidates: (() => ReturnType<typeof parsePhoneNumberFromString>)[] = []
  if (trimmed.includes('+')) candidates.push(() => parsePhoneNumberFromString(`+${digits}`))
  else if (digits.startsWith('00')) candidates.push(() => parsePhoneNumberFromString(`+${digits.slice(2)}`))
  else {
    if (country) candidates.push(() => parsePhoneNumberFromString(digits, country))
    // Without a + Meta reads the digits as country code + number (as it does for `to`).
    candidates.push(() => parsePhoneNumberFromString(`+${digits}`))
  }
  for (const parse of candidates) {
    const phone = parse()
    if (phone?.isPossible()) return { kind: 'phone', waId: phone.number.slice(1), input }
  }
  throw invalid(
    input,
    country
      ? `not a possible number, neither national for ${country} nor with a country code`
      : 'not a possible number with a country code (give it as +<country code><number>, or set a default country for the tenant)',
  )
}

/** The recipient as a stable string: the lane key part and the contact identity. */
export function recipientKey(r: Recipient): string {
  return r.kind === 'phone' ? r.waId : r.userId
}
