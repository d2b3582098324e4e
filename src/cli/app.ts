import { addApp, listApps, removeApp } from '../channels/apps.ts'
import { cliActor, localUrl, masked, parseFlags, runAdmin, subcommand, table } from './admin-io.ts'
import type { CliCommand } from './command.ts'

export const appCommand: CliCommand = {
  name: 'app',
  summary: 'Meta apps: app id, app secret, webhook verify token',
  usage: `wahub app add --app-id ID --app-secret SECRET [--verify-token TOKEN] [--name NAME] [--json]
    Adds the app (or replaces its secret) and prints the callback URL and verify token to paste
    into Meta's App Dashboard (WhatsApp > Configuration). A verify token is generated when none
    is given; it is shown this once.
wahub app list [--json]
wahub app remove --app-id ID [--json]

Secrets are shown as their last 4 characters only.`,
  async run(argv, io) {
    const [sub, ...rest] = argv
    switch (subcommand(sub, ['add', 'list', 'remove'])) {
      case 'add': {
        const f = parseFlags(rest, { values: ['app-id', 'app-secret', 'verify-token', 'name'] })
        const input = {
          appId: f.required('app-id'),
          appSecret: f.required('app-secret'),
          verifyToken: f.value('verify-token'),
          name: f.value('name'),
        }
        return runAdmin(
          io,
          f.json,
          (s) => addApp(s, input, cliActor, localUrl(s.config)),
          (r) =>
            [
              `Meta app ${r.app.appId} ${r.created ? 'added' : 'updated'} (${r.app.id}).`,
              '',
              "Paste into Meta's App Dashboard > WhatsApp > Configuration:",
              `  Callback URL:  ${r.callbackUrl}`,
              r.verifyToken
                ? `  Verify token:  ${r.verifyToken}   (shown once)`
                : `  Verify token:  unchanged (${masked(r.app.verifyTokenLast4)})`,
              ...r.warnings.map((w) => `warning: ${w}`),
              '',
            ].join('\n'),
        )
      }
      case 'list': {
        const f = parseFlags(rest, {})
        return runAdmin(
          io,
          f.json,
          (s) => listApps(s.db, s.vault),
          (apps) =>
            apps.length === 0
              ? 'No Meta apps. Add one with `wahub app add --app-id ID --app-secret SECRET`.\n'
              : table([
                  ['ID', 'APP ID', 'NAME', 'SECRET', 'VERIFY TOKEN'],
                  ...apps.map((a) => [
                    a.id,
                    a.appId,
                    a.name,
                    masked(a.appSecretLast4),
                    masked(a.verifyTokenLast4),
                  ]),
                ]),
        )
      }
      default: {
        const f = parseFlags(rest, { values: ['app-id'] })
        const appId = f.required('app-id')
        return runAdmin(
          io,
          f.json,
          async (s) => {
            await removeApp(s, appId, cliActor)
            return { removed: appId }
          },
          () => `Meta app ${appId} removed.\n`,
        )
      }
    }
  },
}
