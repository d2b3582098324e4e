import { parse } from 'csv-parse/sync'
import { WahubError } from '../errors.ts'
import { type PriceTable, type RateCategory, toMicros } from './price-table.ts'

// Meta publishes each rate card as a spreadsheet (also exported as CSV): a few title lines, then
// a header row `Market, Currency, Marketing, Utility, Authentication, Authentication-International,
// Service` and one row per market — a country ("Brazil"), a group ("North America") or a rest-of
// region ("Rest of Africa", "Other"). Markets are mapped to ISO countries: a country by its English
// name or ISO code, North America to US and CA, "Other" to the fallback `*`. A rest-of-region row
// names no countries, so it is reported and skipped unless an `ISO` column lists them (e.g.
// "KE;TZ;UG"). Service is free under PMP and not kept. Rates are in the currency's units.

const categoryColumns: Record<string, RateCategory> = {
  marketing: 'marketing',
  utility: 'utility',
  authentication: 'authentication',
  'authentication-international': 'authentication_international',
  'authentication international': 'authentication_international',
  authentication_international: 'authentication_international',
  'marketing lite': 'marketing_lite',
  marketing_lite: 'marketing_lite',
}

const groups: Record<string, string[]> = {
  'north america': ['US', 'CA'],
  other: ['*'],
}

let namesToIso: Map<string, string> | undefined

function isoByName(name: string): string | undefined {
  if (!namesToIso) {
    namesToIso = new Map()
    const display = new Intl.DisplayNames(['en'], { type: 'region' })
    for (let a = 65; a <= 90; a++) {
      for (let b = 65; b <= 90; b++) {
        const code = String.fromCharCode(a, b)
        const label = display.of(code)
        // First wins: aliases such as UK (for GB) come later in the alphabet.
        if (label && label !== code && !namesToIso.has(label.toLowerCase()))
          namesToIso.set(label.toLowerCase(), code)
      }
    }
    // Names Meta's card uses that differ from CLDR's English names.
    namesToIso.set('uae', 'AE')
    namesToIso.set('united states', 'US')
    namesToIso.set('russia', 'RU')
    namesToIso.set('turkey', 'TR')
  }
  return namesToIso.get(name.toLowerCase())
}

function marketsOf(market: string, isoCell: string | undefined): string[] | undefined {
  if (isoCell?.trim()) {
    return isoCell
      .split(/[;,\s]+/)
      .filter(Boolean)
      .map((c) => c.toUpperCase())
  }
  const m = market.trim()
  if (/^[A-Za-z]{2}$/.test(m)) return [m.toUpperCase()]
  const group = groups[m.toLowerCase()]
  if (group) return group
  const iso = isoByName(m)
  return iso ? [iso] : undefined
}

function amount(cell: string, where: string): number | undefined {
  const text = cell.replace(/[$€£₹\s]/g, '').replace(',', '.')
  if (text === '' || text === '-' || /^n\/?a$/i.test(text)) return undefined
  const value = Number(text)
  if (!Number.isFinite(value) || value < 0) {
    throw new WahubError('price_card_invalid', `${where}: "${cell}" is not a rate (a number such as 0.0250).`)
  }
  return value
}

function readCsv(text: string, what: string): string[][] {
  try {
    return parse(text, {
      relax_column_count: true,
      skip_empty_lines: true,
      trim: true,
      bom: true,
    }) as string[][]
  } catch (err) {
    throw new WahubError('price_card_invalid', `${what} is not valid CSV: ${(err as Error).message}`)
  }
}

export type ParsedCard = { table: Omit<PriceTable, 'origin'>; skipped: string[] }

export function parsePriceCard(
  text: string,
  options: { effectiveFrom: string; currency?: string; source: string },
): ParsedCard {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(options.effectiveFrom) || Number.isNaN(Date.parse(options.effectiveFrom))) {
    throw new WahubError(
      'price_card_invalid',
      `--effective must be a date as YYYY-MM-DD, got "${options.effectiveFrom}".`,
    )
  }
  const rows = readCsv(text, 'The file')
  const headerIndex = rows.findIndex((r) => r.some((c) => /^(market|country)$/i.test(c)))
  if (headerIndex < 0) {
    throw new WahubError(
      'price_card_invalid',
      'No header row with a "Market" column: export Meta\'s rate card as CSV unchanged.',
    )
  }
  const header = rows[headerIndex].map((c) => c.toLowerCase())
  const marketCol = header.findIndex((c) => c === 'market' || c === 'country')
  const currencyCol = header.indexOf('currency')
  const isoCol = header.findIndex((c) => c === 'iso' || c === 'iso2' || c === 'country code')
  const cats = header
    .map((c, i) => ({ i, category: categoryColumns[c] }))
    .filter((c): c is { i: number; category: RateCategory } => c.category !== undefined)
  if (cats.length === 0) {
    throw new WahubError(
      'price_card_invalid',
      'The header names no category column (Marketing, Utility, Authentication…).',
    )
  }
  const rates: PriceTable['rates'] = {}
  const skipped: string[] = []
  let currency = options.currency?.toUpperCase()
  for (const [n, row] of rows.slice(headerIndex + 1).entries()) {
    const market = row[marketCol]
    if (!market) continue
    const line = headerIndex + n + 2
    const rowCurrency = currencyCol >= 0 ? row[currencyCol]?.toUpperCase() : undefined
    if (rowCurrency) {
      if (currency && rowCurrency !== currency) {
        throw new WahubError(
          'price_card_invalid',
          `Line ${line} (${market}) is in ${rowCurrency} but the card is in ${currency}: import one currency per card.`,
        )
      }
      currency = rowCurrency
    }
    const countries = marketsOf(market, isoCol >= 0 ? row[isoCol] : undefined)
    if (!countries) {
      skipped.push(market)
      continue
    }
    const byCategory: Partial<Record<RateCategory, number>> = {}
    for (const c of cats) {
      const value = amount(row[c.i] ?? '', `Line ${line} (${market}), ${rows[headerIndex][c.i]}`)
      if (value !== undefined) byCategory[c.category] = toMicros(value)
    }
    for (const country of countries) rates[country] = { ...rates[country], ...byCategory }
  }
  if (!currency) {
    throw new WahubError(
      'price_card_invalid',
      "The card names no currency: add --currency USD (or the card's currency).",
    )
  }
  if (Object.keys(rates).length === 0) {
    throw new WahubError(
      'price_card_invalid',
      "No market of the card could be read: check the file is Meta's rate card.",
    )
  }
  return { table: { effectiveFrom: options.effectiveFrom, currency, source: options.source, rates }, skipped }
}

/**
 * Meta's volume tiers for utility and authentication (a separate sheet of the rate card), as
 * CSV: a header with `Market`, `Category` and either `From` (the first message of the month the
 * rate applies to) or `Tier` as Meta's webhooks name it ("25000001:50000000"), and `Rate`. One
 * row per step; a market's ladder should start at 1 (below its first step the base rate applies).
 */
export function parseVolumeTiers(text: string): NonNullable<PriceTable['tiers']> {
  const rows = readCsv(text, 'The tiers file')
  const headerIndex = rows.findIndex((r) => r.some((c) => /^(market|country)$/i.test(c)))
  const header = headerIndex >= 0 ? rows[headerIndex].map((c) => c.toLowerCase()) : []
  const col = (...names: string[]) => header.findIndex((c) => names.includes(c))
  const [marketCol, categoryCol, fromCol, tierCol, rateCol] = [
    col('market', 'country'),
    col('category'),
    col('from', 'volume from'),
    col('tier'),
    col('rate'),
  ]
  if (marketCol < 0 || categoryCol < 0 || rateCol < 0 || (fromCol < 0 && tierCol < 0)) {
    throw new WahubError(
      'price_card_invalid',
      'The tiers file needs a header row with Market, Category, From (or Tier) and Rate columns.',
    )
  }
  const tiers: NonNullable<PriceTable['tiers']> = {}
  for (const [n, row] of rows.slice(headerIndex + 1).entries()) {
    const market = row[marketCol]
    if (!market) continue
    const where = `Tiers line ${headerIndex + n + 2} (${market})`
    const category = row[categoryCol]?.toLowerCase()
    if (category !== 'utility' && category !== 'authentication') {
      throw new WahubError('price_card_invalid', `${where}: category must be utility or authentication.`)
    }
    const fromText = fromCol >= 0 && row[fromCol] ? row[fromCol] : (row[tierCol] ?? '').split(':')[0]
    const from = Number(fromText.replace(/[\s,]/g, ''))
    if (!Number.isInteger(from) || from < 1) {
      throw new WahubError(
        'price_card_invalid',
        `${where}: "${fromText}" is not a message count such as 250001.`,
      )
    }
    const rate = amount(row[rateCol] ?? '', `${where}, Rate`)
    if (rate === undefined) throw new WahubError('price_card_invalid', `${where}: the rate is missing.`)
    const countries = marketsOf(market, undefined)
    if (!countries)
      throw new WahubError('price_card_invalid', `${where}: unknown market; use an ISO code such as IN.`)
    for (const c of countries) {
      const byCategory = tiers[c] ?? {}
      const ladder = [...(byCategory[category] ?? []), { from, micros: toMicros(rate) }]
      byCategory[category] = ladder.sort((a, b) => a.from - b.from)
      tiers[c] = byCategory
    }
  }
  if (Object.keys(tiers).length === 0)
    throw new WahubError('price_card_invalid', 'The tiers file has no tier rows.')
  return tiers
}
