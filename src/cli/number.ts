import { setGlobalDefaultNumber } from '../channels/channel-settings.ts'
import {
  addNumber,
  type ChannelNumber,
  type ImportResult,
  importNumbers,
  listNumbers,
  refreshNumber,
  refreshNumbers,
  removeNumber,
} from '../channels/numbers.ts'
import { findTenant } from '../channels/tenants-repo.ts'
import { getWaba } from '../channels/wabas.ts'
import { cliActor, parseFlags, runAdmin, subcommand, table } from './admin-io.ts'
import { type CliCommand, UsageError } from './command.ts'

function numbersTable(numbers: ChannelNumber[]): string {
  if (numbers.length === 0) return 'No phone numbers. Import them with `wahub number import --waba-id ID`.\n'
  return table([
    [
      'PHONE NUMBER ID',
      'NUMBER',
      'VERIFIED NAME',
      'NAME STATUS',
      'QUALITY',
      'LIMIT',
      'THROUGHPUT',
      'STATUS',
      'MODE',
      'TENANT',
    ],
    ...numbers.map((n) => [
      n.phoneNumberId,
      n.displayPhoneNumber,
      n.verifiedName,
      n.nameStatus,
      n.qualityRating,
      n.messagingLimitTier,
      n.throughputLevel ? `${n.throughputLevel}${n.throughputMps ? ` (${n.throughputMps}/s)` : ''}` : null,
      n.status,
      n.accountMode,
      n.tenantId,
    ]),
  ])
}

function importText(r: ImportResult): string {
  const missing = r.missing.length
    ? `warning: Meta no longer lists ${r.missing.join(', ')} for this WABA (remove with \`wahub number remove\`).\n`
    : ''
  return `WABA ${r.wabaId}: ${r.created} new, ${r.updated} updated.\n${numbersTable(r.numbers)}${missing}`
}

export const numberCommand: CliCommand = {
  name: 'number',
  summary: 'Phone numbers: import from Graph, add by id, refresh, list, remove, global default',
  usage: `wahub number import --waba-id ID [--json]
    Every number of the WABA with quality rating, messaging limit, throughput, verified name.
wahub number add --phone-number-id ID --waba-id ID [--json]
wahub number refresh [--waba-id ID | --phone-number-id ID] [--json]   (all WABAs by default)
wahub number list [--tenant NAME] [--waba-id ID] [--unassigned] [--json]
wahub number remove --phone-number-id ID [--force] [--json]
wahub number default (--phone-number-id ID | --none) [--json]
    The global default number: tenants without a default number of their own send from it.`,
  async run(argv, io) {
    const [sub, ...rest] = argv
    switch (subcommand(sub, ['import', 'add', 'refresh', 'list', 'remove', 'default'])) {
      case 'import': {
        const f = parseFlags(rest, { values: ['waba-id'] })
        const wabaId = f.required('waba-id')
        return runAdmin(io, f.json, (s) => importNumbers(s, wabaId, cliActor), importText)
      }
      case 'add': {
        const f = parseFlags(rest, { values: ['phone-number-id', 'waba-id'] })
        const input = { phoneNumberId: f.required('phone-number-id'), wabaId: f.required('waba-id') }
        return runAdmin(
          io,
          f.json,
          (s) => addNumber(s, input, cliActor),
          (n) => `Added.\n${numbersTable([n])}`,
        )
      }
      case 'refresh': {
        const f = parseFlags(rest, { values: ['waba-id', 'phone-number-id'] })
        const pnid = f.value('phone-number-id')
        if (pnid) {
          return runAdmin(
            io,
            f.json,
            (s) => refreshNumber(s, pnid),
            (n) => numbersTable([n]),
          )
        }
        return runAdmin(
          io,
          f.json,
          (s) => refreshNumbers(s, { waba: f.value('waba-id') }),
          (r) =>
            r.results.map(importText).join('') +
            r.failures.map((x) => `error: WABA ${x.wabaId}: ${x.error}\n`).join(''),
          (r) => (r.failures.length > 0 ? 1 : 0),
        )
      }
      case 'list': {
        const f = parseFlags(rest, { values: ['tenant', 'waba-id'], booleans: ['unassigned'] })
        return runAdmin(
          io,
          f.json,
          async (s) => {
            const tenant = f.value('tenant')
            const waba = f.value('waba-id')
            return listNumbers(s.db, {
              tenantId: tenant ? (await findTenant(s.db, tenant)).id : undefined,
              wabaRowId: waba ? (await getWaba(s.db, waba)).id : undefined,
              unassigned: f.has('unassigned'),
            })
          },
          numbersTable,
        )
      }
      case 'remove': {
        const f = parseFlags(rest, { values: ['phone-number-id'], booleans: ['force'] })
        const pnid = f.required('phone-number-id')
        return runAdmin(
          io,
          f.json,
          async (s) => {
            await removeNumber(s, pnid, cliActor, { force: f.has('force') })
            return { removed: pnid }
          },
          () => `Phone number ${pnid} removed.\n`,
        )
      }
      default: {
        const f = parseFlags(rest, { values: ['phone-number-id'], booleans: ['none'] })
        const pnid = f.value('phone-number-id')
        if (!pnid && !f.has('none')) throw new UsageError('say --phone-number-id ID or --none')
        return runAdmin(
          io,
          f.json,
          (s) => setGlobalDefaultNumber(s.db, pnid ?? null, cliActor),
          (r) =>
            r.defaultPhoneNumberId
              ? `Global default number: ${r.defaultPhoneNumberId}\n`
              : 'No global default number: tenants without a default number cannot send.\n',
        )
      }
    }
  },
}
