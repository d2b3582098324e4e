// The shape of a `wahub` command: one file each under cli/, parsing its flags, calling a
// domain, printing text or --json, and returning the exit code. No rules live here.

export type CliIo = {
  env: Record<string, string | undefined>
  cwd: string
  stdout: (text: string) => void
  stderr: (text: string) => void
  /** stdout is a terminal (a person reads it, nothing keeps it): one-time secrets may be shown. */
  stdoutIsTerminal?: boolean
}

export type CliCommand = {
  name: string
  summary: string
  usage: string
  run(argv: string[], io: CliIo): Promise<number>
}

/** Exit codes: 0 ok, 1 a check or operation failed, 2 the command line was wrong. */
export const exitCodes = { ok: 0, failed: 1, usage: 2 } as const

export class UsageError extends Error {
  override name = 'UsageError'
}
