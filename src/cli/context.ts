import { type Config, ConfigError, loadConfig } from '../config.ts'
import { createLogger, type Logger } from '../log.ts'
import { type CliIo, UsageError } from './command.ts'

/** Config for a command, or a UsageError whose message is the one-line fix. */
export function commandConfig(io: CliIo): Config {
  try {
    return loadConfig(io.env, io.cwd)
  } catch (err) {
    if (err instanceof ConfigError) throw new UsageError(`configuration: ${err.message}`)
    throw err
  }
}

/** Logs go to stderr so stdout stays clean for --json output. */
export function commandLogger(config: Config): Logger {
  return createLogger(config.logLevel, process.stderr)
}
