import assert from 'node:assert/strict'
import { type ChildProcess, spawn } from 'node:child_process'
import fs from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { runCli } from '../../src/cli/run.ts'

export const root = path.join(import.meta.dirname, '..', '..')
export const launcher = path.join(root, 'bin', 'wahub.cjs')
const { ensureServerBundle } = createRequire(import.meta.url)('../../bin/build-state.cjs') as {
  ensureServerBundle(): string
}

/**
 * The Node a user would type `wahub` with: the system's (often older than 22.18, which the
 * launcher must hand over to the Node 24 in node_modules), else this one.
 */
export const systemNode =
  ['/usr/bin/node', '/usr/local/bin/node'].find((p) => fs.existsSync(p)) ?? process.execPath

export type CliResult = { code: number | null; stdout: string; stderr: string }

/** `wahub …` run in this process (fast: no Node start-up), with this environment only. */
export async function runCliHere(args: string[], env: Record<string, string>): Promise<CliResult> {
  let stdout = ''
  let stderr = ''
  const code = await runCli(args, {
    env,
    cwd: process.cwd(),
    stdout: (t) => {
      stdout += t
    },
    stderr: (t) => {
      stderr += t
    },
  })
  return { code, stdout, stderr }
}

export function runWahub(
  args: string[],
  options: { cwd?: string; env?: Record<string, string | undefined> } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(systemNode, [launcher, ...args], {
      cwd: options.cwd ?? root,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, LOG_LEVEL: 'silent', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => {
      stdout += d
    })
    child.stderr.on('data', (d) => {
      stderr += d
    })
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout, stderr }))
  })
}

/**
 * Builds the server's bundle (dist/server) unless it is fresh, as `npm start` does before serving
 * (decision 0115); from then on the launcher runs it for `serve` and `emulator`.
 */
export const buildServerBundle: () => string = ensureServerBundle

/** The Node process bin/wahub.cjs started for a long-running command (its only child). */
export function serverPidOf(launcher: number): number {
  const children = fs.readFileSync(`/proc/${launcher}/task/${launcher}/children`, 'utf8').trim().split(/\s+/)
  assert.equal(children.length, 1, `the launcher has one child process (found: ${children.join(', ')})`)
  return Number(children[0])
}

/** The command line of the server a launcher started. */
export function serverArgv(launcher: number): string[] {
  return fs.readFileSync(`/proc/${serverPidOf(launcher)}/cmdline`, 'utf8').split('\0')
}

/**
 * Signals the launcher and everything it started: bin/wahub.cjs runs Node 24 as a child when the
 * system Node is older, and a SIGKILL of the launcher alone would leave that server running (and
 * this test file waiting on its pipes).
 */
export function killGroup(child: ChildProcess, signal: NodeJS.Signals = 'SIGKILL'): void {
  if (child.pid === undefined) return
  try {
    process.kill(-child.pid, signal)
  } catch {
    // already gone
  }
}

/** Starts a long-running command in its own process group; resolves once stdout matches `ready`. */
export function startWahubProcess(
  args: string[],
  ready: RegExp,
  options: { cwd?: string; env?: Record<string, string | undefined>; timeoutMs?: number } = {},
): Promise<{ child: ChildProcess; match: RegExpMatchArray; output: () => string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(systemNode, [launcher, ...args], {
      cwd: options.cwd ?? root,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, LOG_LEVEL: 'silent', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    })
    let out = ''
    const timer = setTimeout(() => {
      killGroup(child)
      reject(
        new Error(`wahub ${args.join(' ')} did not print ${ready} within the time limit. Output:\n${out}`),
      )
      // Start-up (Node 24, migrations, the first admin's password hash) on a busy machine.
    }, options.timeoutMs ?? 60_000)
    const onData = (d: Buffer) => {
      out += d
      const match = out.match(ready)
      if (match) {
        clearTimeout(timer)
        resolve({ child, match, output: () => out })
      }
    }
    child.stdout?.on('data', onData)
    child.stderr?.on('data', (d) => {
      out += d
    })
    child.on('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`wahub ${args.join(' ')} exited with ${code} before being ready. Output:\n${out}`))
    })
  })
}
