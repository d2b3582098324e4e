import { type ChildProcess, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { once } from 'node:events'
import fs from 'node:fs'
import { createRequire } from 'node:module'
import os from 'node:os'
import path from 'node:path'
import { createVault, loadVaultKeys } from '../src/channels/vault.ts'
import { connectDb, type DbHandle } from '../src/db/connect.ts'
import { migrateToLatest } from '../src/db/migrate.ts'
import { type ChannelSeed, seedChannel } from '../test/helpers/channel-fixture.ts'
import { adminQuery, adminUrl } from '../test/helpers/db.ts'
import { sortedPercentile } from './open-loop.ts'

// Shared pieces of the benchmarks: a prepared data dir, `wahub serve` as a real child process,
// percentiles and the table every bench prints. Benchmarks compare figures measured in the same
// run (ratios), never against a fixed time.

export const root = path.join(import.meta.dirname, '..')

export type Prepared = {
  dataDir: string
  /** Set when the data lives in PostgreSQL (a database made for this run). */
  databaseUrl: string | undefined
  env: Record<string, string>
  channel: Awaited<ReturnType<typeof seedChannel>>
  /** Deletes the data dir and the run's PostgreSQL database (call when the servers using them have stopped). */
  remove(): Promise<void>
}

/** Which database a bench runs on: `BENCH_DB=postgres` (at WAHUB_TEST_DATABASE_URL) or SQLite. */
export const benchDb: 'sqlite' | 'postgres' = process.env.BENCH_DB === 'postgres' ? 'postgres' : 'sqlite'

/**
 * A fresh data dir with one app/WABA/number/tenant configured: a SQLite file in it, or, with
 * `BENCH_DB=postgres`, a fresh PostgreSQL database (dropped by `remove`).
 */
export async function prepareDataDir(seed: ChannelSeed, db = benchDb): Promise<Prepared> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wahub-bench-'))
  const secretKey = randomBytes(32).toString('base64')
  let databaseUrl: string | undefined
  let dbName: string | undefined
  if (db === 'postgres') {
    dbName = `wahub_bench_${process.pid}_${randomBytes(3).toString('hex')}`
    await adminQuery(`CREATE DATABASE ${dbName}`)
    const url = new URL(adminUrl)
    url.pathname = `/${dbName}`
    databaseUrl = url.toString()
  }
  const handle = await connectDb({ databaseUrl, dataDir })
  await migrateToLatest(handle)
  const keys = loadVaultKeys({ secretKey, previousSecretKeys: [], dataDir })
  const channel = await seedChannel(handle.db, createVault(keys.current), seed)
  await handle.close()
  return {
    dataDir,
    databaseUrl,
    env: {
      WAHUB_DATA_DIR: dataDir,
      WAHUB_SECRET_KEY: secretKey,
      WAHUB_SANDBOX: 'off',
      LOG_LEVEL: 'warn',
      ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    },
    channel,
    async remove() {
      fs.rmSync(dataDir, { recursive: true, force: true })
      if (dbName) await adminQuery(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`)
    },
  }
}

/** Opens a prepared data dir's database (SQLite file or the run's PostgreSQL database). */
export function openData(prepared: Pick<Prepared, 'dataDir' | 'databaseUrl'>): Promise<DbHandle> {
  return connectDb({ databaseUrl: prepared.databaseUrl, dataDir: prepared.dataDir })
}

export type Server = {
  child: ChildProcess
  url: string
  pid: number
  stop(signal?: NodeJS.Signals): Promise<void>
}

/** Starts a Node script as a child process and waits for it to print its URL. */
export async function startProcess(
  args: string[],
  env: Record<string, string>,
  ready: RegExp,
): Promise<Server> {
  // NODE_TEST_CONTEXT (set by `node --test`) would make the child report to a test runner.
  const { NODE_TEST_CONTEXT: _testContext, ...inherited } = process.env
  const child = spawn(process.execPath, args, {
    cwd: root,
    env: { ...inherited, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`${args.join(' ')} was not ready after 60 s:\n${out}`))
    }, 60_000)
    // Once ready, the child's output is only drained, not kept: a server logging thousands of
    // lines a second would otherwise cost the bench process (which runs the load generator) CPU.
    let isReady = false
    const onData = (d: Buffer) => {
      if (isReady) return
      out += d
      const m = out.match(ready)
      if (m) {
        isReady = true
        clearTimeout(timer)
        resolve(m[1])
      }
    }
    child.stdout?.on('data', onData)
    child.stderr?.on('data', (d) => {
      if (!isReady) out += d
      if (process.env.BENCH_DEBUG) process.stderr.write(d)
    })
    child.on('exit', (code) => reject(new Error(`${args.join(' ')} exited (${code}) before ready:\n${out}`)))
  })
  return {
    child,
    url,
    pid: child.pid as number,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode !== null || child.signalCode !== null) return
      child.kill(signal)
      await once(child, 'exit')
    },
  }
}

// The Node flags and environment `wahub serve` runs with (bin/wahub.cjs adds them), and the bundle
// npm start builds (decision 0115), so the benches measure what `npm start` runs.
const require = createRequire(import.meta.url)
const { serveFlags, serveEnv } = require('../bin/node24.cjs') as {
  serveFlags: string[]
  serveEnv(): Record<string, string>
}
const { ensureServerBundle } = require('../bin/build-state.cjs') as { ensureServerBundle(): string }

let bundled: string | undefined
/** What `wahub serve` runs: the bundle, built first when stale (WAHUB_FROM_SOURCE=1: the sources). */
function serveEntry(): string {
  if (process.env.WAHUB_FROM_SOURCE === '1') return path.join(root, 'src/cli/main.ts')
  bundled ??= ensureServerBundle()
  return bundled
}

export function startWahubServe(env: Record<string, string>, port = 0): Promise<Server> {
  const extra = process.env.BENCH_SERVE_FLAGS?.split(' ').filter(Boolean) ?? []
  return startProcess(
    [...serveFlags, ...extra, serveEntry(), 'serve'],
    { ...serveEnv(), HOST: '127.0.0.1', PORT: String(port), ...env },
    /listening on (http:\/\/\S+)/,
  )
}

export function percentile(values: number[], p: number): number {
  return sortedPercentile(
    [...values].sort((a, b) => a - b),
    p,
  )
}

export function printTable(title: string, rows: Record<string, string | number>[]): void {
  const columns = Object.keys(rows[0] ?? {})
  const cell = (v: string | number) =>
    typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toFixed(2)) : v
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => cell(r[c]).length)))
  const line = (values: string[]) => `| ${values.map((v, i) => v.padEnd(widths[i])).join(' | ')} |`
  console.log(`\n### ${title}\n`)
  console.log(line(columns))
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`)
  for (const row of rows) console.log(line(columns.map((c) => cell(row[c]))))
}

export function rssMb(pid: number): number {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8')
    const kb = Number(status.match(/VmRSS:\s+(\d+)/)?.[1] ?? 0)
    return Math.round(kb / 1024)
  } catch {
    return Number.NaN
  }
}

/** CPU time a process has used so far, user + system, in ms (Linux: /proc/<pid>/stat). */
export function processCpuMs(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8')
  // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100
}

/** Peak RSS of a process, sampled every 200 ms until stop() (sampling a gauge, not timing a test). */
export function watchRss(pid: number): { stop(): number } {
  let peak = 0
  const timer = setInterval(() => {
    peak = Math.max(peak, rssMb(pid) || 0)
  }, 200)
  return {
    stop() {
      clearInterval(timer)
      return Math.max(peak, rssMb(pid) || 0)
    },
  }
}

/** The machine a figure was measured on: CPU model, cores and the load average at that moment. */
export function machine(): string {
  const cpus = os.cpus()
  const load = os
    .loadavg()
    .map((n) => n.toFixed(2))
    .join(' / ')
  return `${cpus[0]?.model.trim() ?? 'unknown CPU'}, ${cpus.length} cores, load average ${load} (1/5/15 min), Node ${process.version}`
}

/** CPU time (user + system, ms, every thread) a process has used so far, from /proc (Linux). */
export function cpuMs(pid: number): number {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')
    const ticks = Number(fields[11]) + Number(fields[12])
    return (ticks * 1000) / 100 // USER_HZ = 100
  } catch {
    return Number.NaN
  }
}
