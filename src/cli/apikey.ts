import { createApiKey, listApiKeys, revokeApiKey } from '../accounts/api-keys.ts'
import { findTenant } from '../channels/tenants-repo.ts'
import { cliActor, parseFlags, runAdmin, subcommand, table } from './admin-io.ts'
import { type CliCommand, UsageError } from './command.ts'

const when = (ms: number | null) => (ms ? new Date(ms).toISOString() : '-')

export const apikeyCommand: CliCommand = {
  name: 'apikey',
  summary: 'API keys: create (shown once), list, revoke',
  usage: `wahub apikey create --tenant NAME [--scopes send,read] [--name LABEL] [--json]
wahub apikey create --operator [--name LABEL] [--json]
    Prints the key once ({ "key": … } with --json); Wahub stores only a hash of it. A tenant key
    has send and/or read; an operator key (no tenant) has admin.
wahub apikey list [--tenant NAME] [--revoked] [--json]
wahub apikey remove --id KEY_ID [--json]      revokes the key at once`,
  async run(argv, io) {
    const [sub, ...rest] = argv
    // `add` as in SPEC §3's table; `create` as in the issue.
    switch (subcommand(sub === 'add' ? 'create' : sub, ['create', 'list', 'remove'])) {
      case 'create': {
        const f = parseFlags(rest, { values: ['tenant', 'name'], lists: ['scopes'], booleans: ['operator'] })
        const tenant = f.value('tenant')
        if (!tenant && !f.has('operator'))
          throw new UsageError('say --tenant NAME, or --operator for an admin key')
        if (tenant && f.has('operator'))
          throw new UsageError('an operator key has no tenant: drop --tenant or --operator')
        return runAdmin(
          io,
          f.json,
          async (s) => {
            const r = await createApiKey(
              s.db,
              { tenant, scopes: f.list('scopes'), name: f.value('name') },
              cliActor,
            )
            return { key: r.key, id: r.apiKey.id, tenantId: r.apiKey.tenantId, scopes: r.apiKey.scopes }
          },
          (r) =>
            `${r.key}\n\nAPI key ${r.id} (${r.scopes.join(',')}). This is the only time it is shown: store it now.\n`,
        )
      }
      case 'list': {
        const f = parseFlags(rest, { values: ['tenant'], booleans: ['revoked'] })
        return runAdmin(
          io,
          f.json,
          async (s) => {
            const tenant = f.value('tenant')
            return listApiKeys(s.db, {
              tenantId: tenant ? (await findTenant(s.db, tenant)).id : undefined,
              includeRevoked: f.has('revoked'),
            })
          },
          (keys) =>
            keys.length === 0
              ? 'No API keys.\n'
              : table([
                  ['ID', 'KEY', 'TENANT', 'SCOPES', 'NAME', 'LAST USED', 'REVOKED'],
                  ...keys.map((k) => [
                    k.id,
                    k.hint,
                    k.tenantId ?? '(operator)',
                    k.scopes.join(','),
                    k.name,
                    when(k.lastUsedAt),
                    when(k.revokedAt),
                  ]),
                ]),
        )
      }
      default: {
        const f = parseFlags(rest, { values: ['id'] })
        const id = f.required('id')
        return runAdmin(
          io,
          f.json,
          (s) => revokeApiKey(s.db, id, cliActor),
          (k) => `API key ${k.id} (${k.hint}) revoked.\n`,
        )
      }
    }
  },
}
