import {
  createUser,
  listUsers,
  removeUser,
  resetPassword,
  setUserDisabled,
  type UserRole,
} from '../accounts/users.ts'
import { findTenant } from '../channels/tenants-repo.ts'
import { cliActor, parseFlags, runAdmin, subcommand, table } from './admin-io.ts'
import { type CliCommand, UsageError } from './command.ts'

export const userCommand: CliCommand = {
  name: 'user',
  summary: 'Dashboard users: admins and agents of a tenant',
  usage: `wahub user create --email EMAIL --role admin|agent [--tenant NAME] [--password PASSWORD] [--json]
    Agents need --tenant. Without --password a one-time password is printed once; it must be
    changed at first login.
wahub user list [--tenant NAME] [--json]
wahub user remove --email EMAIL [--json]
wahub user disable|enable --email EMAIL [--json]
    Disabling ends the user's sessions; the last enabled admin cannot be disabled or removed.
wahub user reset-password --email EMAIL [--json]
    Prints a new one-time password once (changed at next login) and ends the user's sessions:
    the way back in for a locked-out admin.`,
  async run(argv, io) {
    const [sub, ...rest] = argv
    // `add` as in SPEC §3's table; `create` as in the issue.
    switch (
      subcommand(sub === 'add' ? 'create' : sub, [
        'create',
        'list',
        'remove',
        'disable',
        'enable',
        'reset-password',
      ])
    ) {
      case 'disable':
      case 'enable': {
        const f = parseFlags(rest, { values: ['email'] })
        const email = f.required('email')
        const disabled = sub === 'disable'
        return runAdmin(
          io,
          f.json,
          (s) => setUserDisabled(s.db, s.caps, email, disabled, cliActor),
          (u) => `User ${u.email} ${u.disabled ? 'disabled (sessions ended)' : 'enabled'}.\n`,
        )
      }
      case 'reset-password': {
        const f = parseFlags(rest, { values: ['email'] })
        const email = f.required('email')
        return runAdmin(
          io,
          f.json,
          (s) => resetPassword(s.db, email, cliActor),
          (r) =>
            `New one-time password for ${r.user.email}: ${r.password}   (shown once; changed at next login)\n`,
        )
      }
      case 'create': {
        const f = parseFlags(rest, { values: ['email', 'role', 'tenant', 'password'] })
        const role = f.required('role')
        if (role !== 'admin' && role !== 'agent') throw new UsageError('--role is admin or agent')
        const input = {
          email: f.required('email'),
          role: role as UserRole,
          tenant: f.value('tenant'),
          password: f.value('password'),
        }
        return runAdmin(
          io,
          f.json,
          (s) => createUser(s.db, input, cliActor),
          (r) =>
            `User ${r.user.email} (${r.user.role}) created.\n` +
            (r.password ? `One-time password: ${r.password}   (shown once; changed at first login)\n` : ''),
        )
      }
      case 'list': {
        const f = parseFlags(rest, { values: ['tenant'] })
        return runAdmin(
          io,
          f.json,
          async (s) => {
            const tenant = f.value('tenant')
            return listUsers(s.db, { tenantId: tenant ? (await findTenant(s.db, tenant)).id : undefined })
          },
          (users) =>
            users.length === 0
              ? 'No users.\n'
              : table([
                  ['ID', 'EMAIL', 'ROLE', 'TENANT', 'DISABLED'],
                  ...users.map((u) => [u.id, u.email, u.role, u.tenantId, u.disabled ? 'yes' : 'no']),
                ]),
        )
      }
      default: {
        const f = parseFlags(rest, { values: ['email'] })
        const email = f.required('email')
        return runAdmin(
          io,
          f.json,
          async (s) => {
            await removeUser(s.db, s.caps, email, cliActor)
            return { removed: email }
          },
          () => `User ${email} removed.\n`,
        )
      }
    }
  },
}
