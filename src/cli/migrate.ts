import { connectDb } from '../db/connect.ts'
import { migrateToLatest } from '../db/migrate.ts'
import { type CliCommand, UsageError } from './command.ts'
import { commandConfig } from './context.ts'

export const migrateCommand: CliCommand = {
  name: 'migrate',
  summary: 'Apply database migrations',
  usage: `wahub migrate [--json]

Applies every pending migration to the database of DATABASE_URL (or the SQLite file in
WAHUB_DATA_DIR). Safe to run while other instances start: migrations run once, under a lock.
\`wahub serve\` does this itself on start.`,
  async run(argv, io) {
    const json = argv.includes('--json')
    const unknown = argv.find((a) => a !== '--json')
    if (unknown) throw new UsageError(`unknown option "${unknown}"`)
    const config = commandConfig(io)
    const handle = await connectDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir })
    try {
      const { applied } = await migrateToLatest(handle)
      if (json) io.stdout(`${JSON.stringify({ database: handle.caps.name, applied })}\n`)
      else if (applied.length === 0) io.stdout(`${handle.caps.name}: already up to date\n`)
      else io.stdout(`${handle.caps.name}: applied ${applied.join(', ')}\n`)
      return 0
    } finally {
      await handle.close()
    }
  },
}
