import { rotateSecrets, vaultStatus } from '../channels/vault-rotate.ts'
import { parseFlags, runAdmin, subcommand, table } from './admin-io.ts'
import type { CliCommand } from './command.ts'

const render = (rows: Awaited<ReturnType<typeof vaultStatus>>, keyId: string) =>
  `${table([['secret', 'current key', 'older key'], ...rows.map((r) => [`${r.table}.${r.column}`, r.current, r.stale])])}\nCurrent key id: ${keyId}. ${
    rows.some((r) => r.stale > 0)
      ? 'Some secrets use an older key: run `wahub secrets rotate`, then drop that key from WAHUB_PREVIOUS_SECRET_KEYS.'
      : 'Every secret uses the current key: WAHUB_PREVIOUS_SECRET_KEYS can be emptied.'
  }\n`

export const secretsCommand: CliCommand = {
  name: 'secrets',
  summary: 'Stored secrets and the encryption key: status, rotate to a new WAHUB_SECRET_KEY',
  usage: `wahub secrets status [--json]
    How many stored secrets (tokens, app secrets, verify tokens, callback secrets) are encrypted
    with the current WAHUB_SECRET_KEY and how many with an older one.
wahub secrets rotate [--json]
    Re-encrypts every secret with the current key. To rotate the key: put the new key in
    WAHUB_SECRET_KEY and the old one in WAHUB_PREVIOUS_SECRET_KEYS on every instance, restart
    them, run this once, then remove the old key (deploy/README.md, "Rotating the secret key").`,
  async run(argv, io) {
    const [sub, ...rest] = argv
    const which = subcommand(sub, ['status', 'rotate'])
    const f = parseFlags(rest, {})
    return runAdmin(
      io,
      f.json,
      async (s) => ({
        keyId: s.vault.keyId,
        secrets: which === 'rotate' ? await rotateSecrets(s.db, s.vault) : await vaultStatus(s.db, s.vault),
      }),
      (r) => render(r.secrets, r.keyId),
    )
  },
}
