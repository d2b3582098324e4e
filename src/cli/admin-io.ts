import type { ChannelsContext } from '../channels/context.ts'
import { createVault, loadVaultKeys } from '../channels/vault.ts'
import { checkVaultKey } from '../channels/vault-check.ts'
import { createGraphClient } from '../cloud-api/graph-client.ts'
import type { Config } from '../config.ts'
import { connectDb } from '../db/connect.ts'
import type { DialectCapabilities } from '../db/dialect.ts'
import { migrateToLatest } from '../db/migrate.ts'
import { errorBody, WahubError } from '../errors.ts'
import { type CliIo, exitCodes, UsageError } from './command.ts'
import { commandConfig } from './context.ts'

// Shared by the administration commands (app, waba, number, tenant, apikey, user, phone,
// webhook, templates): flag parsing, opening the database like `wahub migrate` does, and
// printing a result as text or --json. They call the same channel functions as the admin API.

export type FlagSpec = {
  /** Flags taking one value. */
  values?: readonly string[]
  /** Flags taking one or more values: `--number A B` or `--number A --number B` or `A,B`. */
  lists?: readonly string[]
  /** Flags without a value. */
  booleans?: readonly string[]
}

export type Flags = {
  value(name: string): string | undefined
  required(name: string): string
  list(name: string): string[] | undefined
  has(name: string): boolean
  json: boolean
}

export function parseFlags(argv: readonly string[], spec: FlagSpec): Flags {
  const values = new Map<string, string>()
  const lists = new Map<string, string[]>()
  const booleans = new Set<string>()
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    if (!arg.startsWith('--')) throw new UsageError(`unexpected argument "${arg}"`)
    const eq = arg.indexOf('=')
    const name = arg.slice(2, eq > 0 ? eq : undefined)
    const inline = eq > 0 ? arg.slice(eq + 1) : undefined
    if (name === 'json' || spec.booleans?.includes(name)) {
      if (inline !== undefined) throw new UsageError(`--${name} takes no value`)
      booleans.add(name)
    } else if (spec.values?.includes(name)) {
      const v = inline ?? argv[++i]
      if (v === undefined || (inline === undefined && v.startsWith('--')))
        throw new UsageError(`--${name} needs a value`)
      values.set(name, v)
    } else if (spec.lists?.includes(name)) {
      const items = lists.get(name) ?? []
      if (inline !== undefined) items.push(...inline.split(','))
      while (inline === undefined && i + 1 < argv.length && !argv[i + 1].startsWith('--')) {
        items.push(...argv[++i].split(','))
      }
      if (items.length === 0) throw new UsageError(`--${name} needs at least one value`)
      lists.set(name, items.filter(Boolean))
    } else {
      throw new UsageError(`unknown option --${name}`)
    }
  }
  return {
    value: (name) => values.get(name),
    required(name) {
      const v = values.get(name)
      if (v === undefined || v === '') throw new UsageError(`--${name} is required`)
      return v
    },
    list: (name) => lists.get(name),
    has: (name) => booleans.has(name),
    json: booleans.has('json'),
  }
}

/**
 * Flags that may repeat and whose values may hold commas or spaces (`--param "€250,50"`), taken
 * out before parseFlags; the rest is returned for it.
 */
export function takeRepeated(
  argv: readonly string[],
  names: readonly string[],
): { rest: string[]; taken: Record<string, string[]> } {
  const rest: string[] = []
  const taken: Record<string, string[]> = Object.fromEntries(names.map((n) => [n, []]))
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    const name = names.find((n) => arg === `--${n}` || arg.startsWith(`--${n}=`))
    if (!name) rest.push(arg)
    else if (arg === `--${name}`) {
      if (i + 1 >= argv.length) throw new UsageError(`--${name} needs a value`)
      taken[name].push(argv[++i])
    } else taken[name].push(arg.slice(name.length + 3))
  }
  return { rest, taken }
}

export type AdminSession = ChannelsContext & { caps: DialectCapabilities; close(): Promise<void> }

/** Opens the database of the configuration (migrated), the vault and a Graph client. */
export async function openChannels(io: CliIo): Promise<AdminSession> {
  const config: Config = commandConfig(io)
  const handle = await connectDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir })
  try {
    await migrateToLatest(handle)
    const keys = loadVaultKeys(config)
    const vault = createVault(keys.current, keys.previous)
    await checkVaultKey(handle.db, vault)
    return {
      db: handle.db,
      caps: handle.caps,
      vault,
      graph: createGraphClient(),
      config,
      close: () => handle.close(),
    }
  } catch (err) {
    await handle.close().catch(() => {})
    throw err
  }
}

/** The CLI's own base URL guess, for the callback URL when WAHUB_PUBLIC_URL is unset. */
export function localUrl(config: Config): string {
  return `http://localhost:${config.port}`
}

export const cliActor = 'cli'

/**
 * Runs one admin operation: opens the database, calls `work`, prints its text or JSON. A
 * WahubError (a refused token, an unknown tenant…) prints its message and fix and exits 1.
 */
export async function runAdmin<T>(
  io: CliIo,
  json: boolean,
  work: (s: AdminSession) => Promise<T>,
  text: (result: T) => string,
  exitCode: (result: T) => number = () => exitCodes.ok,
): Promise<number> {
  const session = await openChannels(io)
  try {
    const result = await work(session)
    io.stdout(json ? `${JSON.stringify(result, null, 2)}\n` : text(result))
    return exitCode(result)
  } catch (err) {
    if (!(err instanceof WahubError)) throw err
    if (json) io.stdout(`${JSON.stringify(errorBody(err), null, 2)}\n`)
    io.stderr(`error: ${err.message}\nfix: ${err.fix}\n`)
    return exitCodes.failed
  } finally {
    await session.close()
  }
}

/** A fixed-width table of rows (first row = headers). */
export function table(rows: readonly (readonly (string | number | boolean | null | undefined)[])[]): string {
  const cells = rows.map((r) => r.map((c) => (c === null || c === undefined ? '-' : String(c))))
  const widths = cells[0].map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)))
  return `${cells
    .map((r) =>
      r
        .map((c, i) => c.padEnd(widths[i]))
        .join('  ')
        .trimEnd(),
    )
    .join('\n')}\n`
}

export function masked(last4: string | null): string {
  return last4 ? `…${last4}` : '-'
}

/** `sub` must be one of `allowed`; else a usage error listing them. */
export function subcommand(sub: string | undefined, allowed: readonly string[]): string {
  if (!sub || !allowed.includes(sub)) {
    throw new UsageError(
      sub ? `unknown subcommand "${sub}" (${allowed.join(', ')})` : `say ${allowed.join(', ')}`,
    )
  }
  return sub
}
