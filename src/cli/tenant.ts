import { getChannelSettings, setGlobalWhatsapp } from '../channels/channel-settings.ts'
import { listTenants, removeTenant, type Tenant, type TenantInput } from '../channels/tenants.ts'
import { addTenantWithCallback, updateTenantWithCallback } from '../delivery/tenant-callback.ts'
import { cliActor, type Flags, parseFlags, runAdmin, subcommand, table } from './admin-io.ts'
import { type CliCommand, UsageError } from './command.ts'

function describe(t: Tenant): string {
  const def = t.numbers.find((n) => n.id === t.defaultNumberId)?.phoneNumberId ?? '(global default)'
  return [
    `Tenant ${t.name} (${t.id}): ${t.enabled ? 'enabled' : 'DISABLED'}, WhatsApp ${t.whatsappEnabled ? 'on' : 'OFF'}, round-robin assignment ${t.autoAssign ? 'on' : 'off'}`,
    `  numbers: ${t.numbers.map((n) => n.phoneNumberId).join(', ') || 'none'}`,
    `  default: ${def}`,
    '',
  ].join('\n')
}

function onOff(value: string | undefined, flag: string): boolean | undefined {
  if (value === undefined) return undefined
  if (value === 'on') return true
  if (value === 'off') return false
  throw new UsageError(`--${flag} takes on or off`)
}

function inputFrom(f: Flags): TenantInput {
  if (f.has('enable') && f.has('disable')) throw new UsageError('say --enable or --disable, not both')
  if (f.value('default') && f.has('no-default'))
    throw new UsageError('say --default or --no-default, not both')
  return {
    numbers: f.list('number'),
    removeNumbers: f.list('remove-number'),
    defaultNumber: f.has('no-default') ? null : f.value('default'),
    enabled: f.has('enable') ? true : f.has('disable') ? false : undefined,
    whatsappEnabled: onOff(f.value('whatsapp'), 'whatsapp'),
    autoAssign: onOff(f.value('auto-assign'), 'auto-assign'),
    callbackUrl: f.value('callback-url'),
  }
}

export const tenantCommand: CliCommand = {
  name: 'tenant',
  summary: 'Tenants: numbers, default number, enabled, WhatsApp on/off',
  usage: `wahub tenant add --name NAME [--number PNID…] [--default PNID] [--callback-url URL] [--json]
    The first number is the default unless --default says otherwise.
wahub tenant update --name NAME [--rename NEW] [--number PNID…] [--remove-number PNID…]
                    [--default PNID | --no-default] [--enable | --disable] [--whatsapp on|off]
                    [--auto-assign on|off] [--json]
    --auto-assign: new and reopened conversations go round-robin to available agents.
wahub tenant list [--json]
wahub tenant remove --name NAME [--force] [--json]
    Its numbers stay, unassigned; --force when it has conversations (they are deleted).
wahub tenant whatsapp on|off [--json]
    WhatsApp for every tenant at once (a tenant's own switch: update --whatsapp).`,
  async run(argv, io) {
    const [sub, ...rest] = argv
    const tenantFlags = {
      values: ['name', 'default', 'callback-url', 'whatsapp', 'auto-assign', 'rename'],
      lists: ['number', 'remove-number'],
      booleans: ['enable', 'disable', 'no-default', 'force'],
    }
    switch (subcommand(sub, ['add', 'update', 'list', 'remove', 'whatsapp'])) {
      case 'add': {
        const f = parseFlags(rest, tenantFlags)
        const input = { ...inputFrom(f), name: f.required('name') }
        return runAdmin(io, f.json, (s) => addTenantWithCallback(s.db, input, cliActor), describe)
      }
      case 'update': {
        const f = parseFlags(rest, tenantFlags)
        const name = f.required('name')
        const input = { ...inputFrom(f), name: f.value('rename') }
        return runAdmin(io, f.json, (s) => updateTenantWithCallback(s.db, name, input, cliActor), describe)
      }
      case 'list': {
        const f = parseFlags(rest, {})
        return runAdmin(
          io,
          f.json,
          async (s) => ({ tenants: await listTenants(s.db), settings: await getChannelSettings(s.db) }),
          ({ tenants, settings }) =>
            (tenants.length === 0
              ? 'No tenants. Add one with `wahub tenant add --name NAME --number PNID`.\n'
              : table([
                  ['ID', 'NAME', 'ENABLED', 'WHATSAPP', 'NUMBERS', 'DEFAULT'],
                  ...tenants.map((t) => [
                    t.id,
                    t.name,
                    t.enabled ? 'yes' : 'no',
                    t.whatsappEnabled ? 'on' : 'off',
                    t.numbers.map((n) => n.phoneNumberId).join(',') || '-',
                    t.numbers.find((n) => n.id === t.defaultNumberId)?.phoneNumberId ?? '(global)',
                  ]),
                ])) +
            `Global default number: ${settings.defaultPhoneNumberId ?? 'none'}; WhatsApp ${settings.whatsappEnabled ? 'on' : 'OFF'} for all tenants.\n`,
        )
      }
      case 'remove': {
        const f = parseFlags(rest, { values: ['name'], booleans: ['force'] })
        const name = f.required('name')
        return runAdmin(
          io,
          f.json,
          async (s) => {
            await removeTenant(s.db, name, cliActor, { force: f.has('force') })
            return { removed: name }
          },
          () => `Tenant ${name} removed.\n`,
        )
      }
      default: {
        const [state, ...more] = rest
        const on = onOff(state, 'whatsapp')
        if (on === undefined) throw new UsageError('say on or off')
        const f = parseFlags(more, {})
        return runAdmin(
          io,
          f.json,
          (s) => setGlobalWhatsapp(s.db, on, cliActor),
          (r) => `WhatsApp is ${r.whatsappEnabled ? 'on' : 'OFF'} for all tenants.\n`,
        )
      }
    }
  },
}
