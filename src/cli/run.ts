import { analyticsCommand } from './analytics.ts'
import { apikeyCommand } from './apikey.ts'
import { appCommand } from './app.ts'
import { campaignCommand } from './campaign.ts'
import { cannedCommand } from './canned.ts'
import { type CliCommand, type CliIo, exitCodes, UsageError } from './command.ts'
import { configCommand } from './config.ts'
import { doctorCommand } from './doctor.ts'
import { eventsCommand } from './events.ts'
import { goliveCommand } from './golive.ts'
import { labelCommand } from './label.ts'
import { migrateCommand } from './migrate.ts'
import { numberCommand } from './number.ts'
import { phoneCommand } from './phone.ts'
import { pricesCommand } from './prices.ts'
import { secretsCommand } from './secrets.ts'
import { sendCommand } from './send.ts'
import { serveCommand } from './serve.ts'
import { subscriptionCommand } from './subscription.ts'
import { templatesCommand } from './templates.ts'
import { tenantCommand } from './tenant.ts'
import { userCommand } from './user.ts'
import { wabaCommand } from './waba.ts'
import { webhookCommand } from './webhook.ts'
import { widgetCommand } from './widget.ts'

// `wahub <command> [options]`. Each command lives in its own file; this only dispatches.

const emulatorCommand: CliCommand = {
  name: 'emulator',
  summary: "Run the Cloud API emulator (a stand-in for Meta's Graph API)",
  usage: 'wahub emulator --help   for its options',
  async run(argv) {
    const { runEmulatorCommand } = await import('./emulator.ts')
    return runEmulatorCommand(argv)
  },
}

export const commands: readonly CliCommand[] = [
  serveCommand,
  migrateCommand,
  emulatorCommand,
  configCommand,
  doctorCommand,
  goliveCommand,
  appCommand,
  wabaCommand,
  numberCommand,
  tenantCommand,
  labelCommand,
  campaignCommand,
  cannedCommand,
  subscriptionCommand,
  widgetCommand,
  apikeyCommand,
  userCommand,
  phoneCommand,
  webhookCommand,
  templatesCommand,
  sendCommand,
  eventsCommand,
  analyticsCommand,
  pricesCommand,
  secretsCommand,
]

function help(): string {
  const width = Math.max(...commands.map((c) => c.name.length))
  return `wahub — self-hosted WhatsApp Business Cloud API hub

Usage: wahub <command> [options]

Commands:
${commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n')}

Run \`wahub <command> --help\` for a command's options. Configuration: environment and .env
(see .env.example).
`
}

export async function runCli(args: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = args
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(help())
    return name ? exitCodes.ok : exitCodes.usage
  }
  const command = commands.find((c) => c.name === name)
  if (!command) {
    io.stderr(`wahub: unknown command "${name}"\n\n${help()}`)
    return exitCodes.usage
  }
  if (command.name !== 'emulator' && (rest.includes('--help') || rest.includes('-h'))) {
    io.stdout(`${command.usage}\n`)
    return exitCodes.ok
  }
  try {
    return await command.run(rest, io)
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr(`wahub ${command.name}: ${err.message}\n`)
      return exitCodes.usage
    }
    io.stderr(`wahub ${command.name}: ${(err as Error).message}\n`)
    return exitCodes.failed
  }
}
