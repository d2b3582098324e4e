import { redactUrl } from '../config.ts'
import { renderEnvExample } from '../config-doc.ts'
import { type CliCommand, UsageError } from './command.ts'
import { commandConfig } from './context.ts'

export const configCommand: CliCommand = {
  name: 'config',
  summary: 'Show the effective configuration, or print .env.example',
  usage: `wahub config show [--json]    the configuration in effect (secrets hidden)
wahub config example          every variable with its default and meaning (.env.example)`,
  async run(argv, io) {
    const [sub, ...rest] = argv
    if (sub === 'example') {
      io.stdout(renderEnvExample())
      return 0
    }
    if (sub === 'show') {
      const config = commandConfig(io)
      const shown = {
        ...config,
        databaseUrl: config.databaseUrl ? redactUrl(config.databaseUrl) : '(SQLite)',
        secretKey: config.secretKey ? '(set)' : `(key file in ${config.dataDir})`,
        previousSecretKeys: config.previousSecretKeys.length,
      }
      if (rest.includes('--json')) io.stdout(`${JSON.stringify(shown, null, 2)}\n`)
      else for (const [k, v] of Object.entries(shown)) io.stdout(`${k.padEnd(20)} ${String(v ?? '')}\n`)
      return 0
    }
    throw new UsageError(sub ? `unknown subcommand "${sub}" (show or example)` : 'say show or example')
  },
}
