import { listNumbers } from '../channels/numbers.ts'
import { deregisterNumber, registerNumber } from '../channels/phone-registration.ts'
import { type AdminSession, cliActor, parseFlags, runAdmin, subcommand } from './admin-io.ts'
import { type CliCommand, UsageError } from './command.ts'

// Without --phone-number-id, the only number Wahub knows (the usual single-number setup).
async function numberOf(s: AdminSession, given: string | undefined): Promise<string> {
  if (given) return given
  const numbers = await listNumbers(s.db)
  if (numbers.length !== 1)
    throw new UsageError('--phone-number-id is required when Wahub knows several numbers')
  return numbers[0].phoneNumberId
}

export const phoneCommand: CliCommand = {
  name: 'phone',
  summary: 'Register or deregister a number with the Cloud API (two-step PIN)',
  usage: `wahub phone register [--phone-number-id ID] --pin 123456 [--json]
    Registers the number for the Cloud API. The PIN is the number's two-step verification PIN
    (set by the first registration; if one was used before, use the same). A wrong PIN is
    Meta's 133005, explained.
wahub phone deregister [--phone-number-id ID] [--json]
    --phone-number-id may be left out when Wahub knows a single number.`,
  async run(argv, io) {
    const [sub, ...rest] = argv
    if (subcommand(sub, ['register', 'deregister']) === 'register') {
      const f = parseFlags(rest, { values: ['phone-number-id', 'pin'] })
      const pin = f.required('pin')
      return runAdmin(
        io,
        f.json,
        async (s) => registerNumber(s, await numberOf(s, f.value('phone-number-id')), pin, cliActor),
        (n) => `Phone number ${n.phoneNumberId} registered (status ${n.status ?? 'unknown'}).\n`,
      )
    }
    const f = parseFlags(rest, { values: ['phone-number-id'] })
    return runAdmin(
      io,
      f.json,
      async (s) => deregisterNumber(s, await numberOf(s, f.value('phone-number-id')), cliActor),
      (n) => `Phone number ${n.phoneNumberId} deregistered (status ${n.status ?? 'unknown'}).\n`,
    )
  },
}
