import { flushCompileCache } from 'node:module'
import { setFlagsFromString } from 'node:v8'
import { createLogger } from '../log.ts'
import { hasSecrets, welcomeText, writeCredentialsFile } from '../sandbox/welcome.ts'
import { startWahub } from '../wahub.ts'
import { type CliCommand, UsageError } from './command.ts'
import { commandConfig } from './context.ts'

/**
 * V8 flags the server sets once its configuration is known (decision 0121). On SQLite the whole
 * of Wahub runs in one process and V8 favours memory over speed (`--optimize-for-size`: its
 * collector compacts and gives pages back instead of growing the heaps): a 100,000-recipient
 * campaign peaked at 185-187 MB instead of 247-253, at the same rate. Not on PostgreSQL, where
 * the same flag cost the campaign a third more CPU per message and its rate fell under 95%.
 * Set at run time, not on the command line: there the flag also shrinks every young generation
 * to 1 MB, and processing webhooks was 11-23% slower for no less memory.
 */
export function runtimeV8Flags(config: { databaseUrl?: string }): string[] {
  return config.databaseUrl ? [] : ['--optimize-for-size']
}

export const serveCommand: CliCommand = {
  name: 'serve',
  summary: 'Run the API, webhook receiver, dashboard and workers',
  usage: `wahub serve

Runs Wahub on PORT (default 8080): the REST API under /api/v1, Meta's webhook at
/webhooks/whatsapp, OpenAPI docs at /docs, metrics at /metrics, and the job workers.
Applies database migrations first. On the first run it creates an admin user (its one-time
password is printed once) and, unless WAHUB_SANDBOX=off, a Sandbox channel on an in-process
emulator with simulated customers (docs/DIAGNOSTICS.md, "First run"). Configuration comes
from the environment and .env (see .env.example).

/healthz says the process is alive; /readyz whether to send it traffic (database reachable,
migrations applied, not shutting down). On SIGTERM or SIGINT it stops taking connections, lets
requests and jobs in flight finish within WAHUB_SHUTDOWN_TIMEOUT_MS (default 25 s), then releases
what is left for another instance and exits 0.`,
  async run(argv, io) {
    if (argv.length > 0) throw new UsageError(`serve takes no arguments, got "${argv[0]}"`)
    const config = commandConfig(io)
    const log = createLogger(config.logLevel)
    // Before the worker threads start: V8's flags are the process's.
    for (const flag of runtimeV8Flags(config)) setFlagsFromString(flag)
    // Signals are taken before anything is announced: a SIGTERM that follows "listening" at
    // once must drain, not kill the process with the default action (SPEC §18).
    const stopSignal = new Promise<string>((resolve) => {
      process.once('SIGINT', () => resolve('SIGINT'))
      process.once('SIGTERM', () => resolve('SIGTERM'))
    })
    const wahub = await startWahub(config, { log, firstRun: true })
    // What this start stripped and compiled goes to Node's compile cache now, not at exit (a
    // killed server writes nothing): the next start skips the TypeScript parser (bin/node24.cjs).
    flushCompileCache()
    io.stdout(`Wahub is listening on ${wahub.url}\n`)
    io.stdout(`  database: ${wahub.handle.caps.name} (${wahub.handle.location})\n`)
    io.stdout(`  API docs: ${wahub.url}/docs   health: ${wahub.url}/healthz   ready: ${wahub.url}/readyz\n`)
    io.stdout(`  Meta webhook callback: ${config.publicUrl ?? wahub.url}/webhooks/whatsapp\n`)
    // First run: the admin's one-time password and the Sandbox, with a ready curl (SPEC §3).
    // The secrets go to a terminal only; a captured stdout gets the path of an owner-only file.
    if (hasSecrets(wahub.welcome) && !io.stdoutIsTerminal) {
      const file = writeCredentialsFile(config.dataDir, wahub.welcome, wahub.url)
      log.warn({ file }, 'first-run credentials written to a file')
      io.stdout(welcomeText(wahub.welcome, wahub.url, file))
    } else {
      io.stdout(welcomeText(wahub.welcome, wahub.url))
    }

    const signal = await stopSignal
    log.info({ signal, deadlineMs: config.shutdownTimeoutMs }, 'shutting down')
    await wahub.close()
    return 0
  },
}
