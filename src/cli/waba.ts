import { addWaba, checkReplacementToken, listWabas, removeWaba } from '../channels/wabas.ts'
import { cliActor, masked, parseFlags, runAdmin, subcommand, table } from './admin-io.ts'
import type { CliCommand } from './command.ts'

const when = (ms: number | null) => (ms ? new Date(ms).toISOString() : 'never')

export const wabaCommand: CliCommand = {
  name: 'waba',
  summary: 'WhatsApp Business Accounts: id, access token, API version',
  usage: `wahub waba add --waba-id ID --token TOKEN [--app-id ID] [--api-version v23.0] [--graph-url URL]
               [--name NAME] [--tenant NAME] [--json]
    Checks the token against Graph first: a token Meta refuses (190 invalid or expired, missing
    permission) is not saved, and the error says how to fix it. For a WABA already added this
    replaces the token (temporary → permanent, rotation); sends use the new token at once.
    --tenant: the WABA a tenant brought itself. A temporary (expiring) token never replaces the
    token of a WABA with numbers in production (token_temporary) unless --accept-temporary.
wahub waba check-token --waba-id ID --token TOKEN [--json]
    The new token as Meta sees it (type, expiry, permissions, the WABAs it reaches) and whether
    it may replace the WABA's; saves nothing.
wahub waba list [--json]
wahub waba remove --waba-id ID [--force] [--json]
    Removes the WABA with its numbers and templates; --force when numbers have conversations.`,
  async run(argv, io) {
    const [sub, ...rest] = argv
    switch (subcommand(sub, ['add', 'check-token', 'list', 'remove'])) {
      case 'check-token': {
        const f = parseFlags(rest, { values: ['waba-id', 'token'] })
        const wabaId = f.required('waba-id')
        const token = f.required('token')
        return runAdmin(
          io,
          f.json,
          (s) => checkReplacementToken(s, wabaId, token),
          (c) =>
            `${[
              `token: ${c.type ?? 'type unknown'}, expires ${when(c.expiresAt)}`,
              `  permissions: ${c.scopes.join(', ') || 'none listed'}`,
              `  WABAs it reaches: ${c.wabaIds.join(', ') || 'not said'}`,
              ...c.warnings.map((w) => `warning: ${w}`),
              c.refusal
                ? `refused: ${c.refusal.message}\nfix: ${c.refusal.fix}`
                : `It may replace the token: wahub waba add --waba-id ${wabaId} --token <this token>`,
            ].join('\n')}\n`,
          (c) => (c.refusal ? 1 : 0),
        )
      }
      case 'add': {
        const f = parseFlags(rest, {
          values: ['waba-id', 'token', 'app-id', 'api-version', 'graph-url', 'name', 'tenant'],
          booleans: ['accept-temporary'],
        })
        const input = {
          wabaId: f.required('waba-id'),
          token: f.required('token'),
          appId: f.value('app-id'),
          apiVersion: f.value('api-version'),
          graphUrl: f.value('graph-url'),
          name: f.value('name'),
          tenant: f.value('tenant'),
          acceptTemporary: f.has('accept-temporary'),
        }
        return runAdmin(
          io,
          f.json,
          (s) => addWaba(s, input, cliActor),
          (r) => {
            const lines = [
              `WABA ${r.waba.wabaId} ${r.created ? 'added' : 'token replaced'} (${r.waba.id}).`,
              `  token:    ${masked(r.waba.tokenLast4)} (${r.token.type ?? 'type unknown'}, expires ${when(r.token.expiresAt)})`,
              ...r.token.warnings.map((w) => `warning: ${w}`),
            ]
            if (r.created) lines.push(`Next: wahub number import --waba-id ${r.waba.wabaId}`)
            return `${lines.join('\n')}\n`
          },
        )
      }
      case 'list': {
        const f = parseFlags(rest, {})
        return runAdmin(
          io,
          f.json,
          (s) => listWabas(s.db),
          (wabas) =>
            wabas.length === 0
              ? 'No WABAs. Add one with `wahub waba add --waba-id ID --token TOKEN`.\n'
              : table([
                  ['ID', 'WABA ID', 'NAME', 'TOKEN', 'TYPE', 'EXPIRES', 'VERSION', 'NUMBERS'],
                  ...wabas.map((w) => [
                    w.id,
                    w.wabaId,
                    w.name,
                    masked(w.tokenLast4),
                    w.tokenType,
                    when(w.tokenExpiresAt),
                    w.apiVersion ?? '(default)',
                    w.numberCount,
                  ]),
                ]),
        )
      }
      default: {
        const f = parseFlags(rest, { values: ['waba-id'], booleans: ['force'] })
        const wabaId = f.required('waba-id')
        return runAdmin(
          io,
          f.json,
          async (s) => {
            await removeWaba(s, wabaId, cliActor, { force: f.has('force') })
            return { removed: wabaId }
          },
          () => `WABA ${wabaId} removed.\n`,
        )
      }
    }
  },
}
