import type { CliIo } from './command.ts'
import { readEnv } from './env.ts'
import { runCli } from './run.ts'

// Entry point (bin/wahub.cjs imports this file): real process I/O around runCli.
const io: CliIo = {
  env: readEnv(process.env, process.cwd()),
  cwd: process.cwd(),
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  stdoutIsTerminal: process.stdout.isTTY === true,
}
runCli(process.argv.slice(2), io).then(
  (code) => {
    process.exitCode = code
  },
  (err) => {
    process.stderr.write(`wahub: ${(err as Error).stack ?? err}\n`)
    process.exitCode = 1
  },
)
