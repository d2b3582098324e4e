import { createLogger } from '../log.ts'
import { welcomeText } from '../sandbox/welcome.ts'
import { startWahub } from '../wahub.ts'
import { type CliCommand, UsageError } from './command.ts'
import { commandConfig } from './context.ts'

export const serveCommand: CliCommand = {
  name: 'serve',
  summary: 'Run the API, webhook receiver, dashboard and workers',
  usage: `wahub serve

Runs Wahub on PORT (default 8080): the REST API under /api/v1, Meta's webhook at
/webhooks/whatsapp, OpenAPI docs at /docs, metrics at /metrics, and the job workers.
Applies database migrations first. On the first run it creates an admin user (its one-time
password is printed once) and, unless WAHUB_SANDBOX=off, a Sandbox channel on an in-process
emulator with simulated customers (docs/DIAGNOSTICS.md, "First run"). Configuration comes
from the environment and .env (see .env.example). Stops cleanly on SIGINT/SIGTERM.`,
  async run(argv, io) {
    if (argv.length > 0) throw new UsageError(`serve takes no arguments, got "${argv[0]}"`)
    const config = commandConfig(io)
    const log = createLogger(config.logLevel)
    const wahub = await startWahub(config, { log, firstRun: true })
    io.stdout(`Wahub is listening on ${wahub.url}\n`)
    io.stdout(`  database: ${wahub.handle.caps.name} (${wahub.handle.location})\n`)
    io.stdout(`  API docs: ${wahub.url}/docs   health: ${wahub.url}/healthz\n`)
    io.stdout(`  Meta webhook callback: ${config.publicUrl ?? wahub.url}/webhooks/whatsapp\n`)
    // First run: the admin's one-time password and the Sandbox, with a ready curl (SPEC §3).
    io.stdout(welcomeText(wahub.welcome, wahub.url))

    await new Promise<void>((resolve) => {
      const stop = (signal: string) => {
        log.info({ signal }, 'shutting down')
        resolve()
      }
      process.once('SIGINT', () => stop('SIGINT'))
      process.once('SIGTERM', () => stop('SIGTERM'))
    })
    await wahub.close()
    return 0
  },
}
