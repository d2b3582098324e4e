import { readFileSync } from 'node:fs'
import path from 'node:path'
import { parsePriceCard, parseVolumeTiers } from '../analytics/price-card-csv.ts'
import { loadPriceTables, saveImportedTable } from '../analytics/prices-repo.ts'
import { WahubError } from '../errors.ts'
import { cliActor, parseFlags, runAdmin, subcommand, table } from './admin-io.ts'
import { type CliCommand, UsageError } from './command.ts'

export const pricesCommand: CliCommand = {
  name: 'prices',
  summary: "Meta's per-message rate cards used for cost estimates: list, import a newer one",
  usage: `wahub prices list [--json]
    The rate cards Wahub knows (bundled and imported), oldest first: effective date, currency,
    markets, where the figures come from.
wahub prices import FILE --effective YYYY-MM-DD [--tiers TIERS.csv] [--currency USD] [--source TEXT] [--json]
    Imports Meta's rate card exported as CSV (header row: Market, Currency, Marketing, Utility,
    Authentication, Authentication-International…). Messages delivered from that day on are
    estimated with it; estimates already recorded stay as they were. Importing the same date
    again replaces that card. --tiers adds Meta's volume tiers for utility and authentication
    (header row: Market, Category, From or Tier, Rate; one row per step).`,
  async run(argv, io) {
    const [sub, ...rest] = argv
    const which = subcommand(sub, ['list', 'import'])
    if (which === 'list') {
      const f = parseFlags(rest, {})
      return runAdmin(
        io,
        f.json,
        async (s) =>
          (await loadPriceTables(s.db)).map((t) => ({
            effectiveFrom: t.effectiveFrom,
            currency: t.currency,
            origin: t.origin,
            markets: Object.keys(t.rates).length,
            source: t.source,
          })),
        (tables) =>
          table([
            ['effective', 'currency', 'origin', 'markets', 'source'],
            ...tables.map((t) => [t.effectiveFrom, t.currency, t.origin, t.markets, t.source.slice(0, 60)]),
          ]),
      )
    }
    const [file, ...flags] = rest
    if (!file || file.startsWith('--'))
      throw new UsageError('name the CSV file: wahub prices import FILE --effective YYYY-MM-DD')
    const f = parseFlags(flags, { values: ['effective', 'currency', 'source', 'tiers'] })
    const effective = f.required('effective')
    return runAdmin(
      io,
      f.json,
      async (s) => {
        let text: string
        try {
          text = readFileSync(path.resolve(io.cwd, file), 'utf8')
        } catch (err) {
          throw new WahubError('bad_request', `Cannot read ${file}: ${(err as Error).message}`)
        }
        const { table: card, skipped } = parsePriceCard(text, {
          effectiveFrom: effective,
          currency: f.value('currency'),
          source: f.value('source') ?? `imported from ${path.basename(file)}`,
        })
        const tiersFile = f.value('tiers')
        if (tiersFile) {
          let tiersText: string
          try {
            tiersText = readFileSync(path.resolve(io.cwd, tiersFile), 'utf8')
          } catch (err) {
            throw new WahubError('bad_request', `Cannot read ${tiersFile}: ${(err as Error).message}`)
          }
          card.tiers = parseVolumeTiers(tiersText)
        }
        const { replaced } = await saveImportedTable(s.db, card, cliActor)
        return {
          effectiveFrom: card.effectiveFrom,
          currency: card.currency,
          markets: Object.keys(card.rates).length,
          tieredMarkets: Object.keys(card.tiers ?? {}).length,
          replaced,
          skipped,
        }
      },
      (r) =>
        `Imported the ${r.currency} rate card effective ${r.effectiveFrom}: ${r.markets} markets${r.tieredMarkets ? `, volume tiers for ${r.tieredMarkets}` : ''}${r.replaced ? ' (replaced the card of that date)' : ''}.\n` +
        (r.skipped.length > 0
          ? `Not mapped to countries (add an ISO column listing them): ${r.skipped.join(', ')}. Messages to those countries use the "Other" rate.\n`
          : ''),
    )
  },
}
