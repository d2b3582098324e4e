import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import path from 'node:path'
import { test } from 'node:test'

// `wahub emulator`: prints its URL and seeded ids, serves, and stops cleanly on SIGTERM.

const root = path.join(import.meta.dirname, '..', '..')
const wahub = path.join(root, 'bin', 'wahub.cjs')

function run(args: string[]) {
  const child = spawn(process.execPath, [wahub, 'emulator', ...args], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (c: Buffer) => {
    stdout += c.toString()
  })
  child.stderr.on('data', (c: Buffer) => {
    stderr += c.toString()
  })
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  return { child, exited, out: () => stdout, err: () => stderr }
}

test('--help lists the flags and exits 0; a bad flag exits 2', async () => {
  const help = run(['--help'])
  assert.equal(await help.exited, 0)
  for (const flag of ['--port', '--webhook-url', '--app-secret', '--seed', '--throughput']) {
    assert.ok(help.out().includes(flag), flag)
  }
  const bad = run(['--no-such-flag'])
  assert.equal(await bad.exited, 2)
  assert.match(bad.err(), /no-such-flag/)
})

test('it starts, prints the seed, serves Graph and stops on SIGTERM', async () => {
  const emu = run(['--port', '0', '--json', '--throughput', 'unlimited', '--app-secret', 'cli-secret'])
  const deadline = Date.now() + 15_000
  while (!emu.out().includes('\n')) {
    if (Date.now() > deadline) throw new Error(`no start line; stderr: ${emu.err()}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  const info = JSON.parse(emu.out().split('\n')[0]) as {
    url: string
    accessToken: string
    phoneNumberIds: string[]
    appSecret: string
  }
  assert.equal(info.appSecret, 'cli-secret')
  const res = await fetch(`${info.url}/v23.0/${info.phoneNumberIds[0]}`, {
    headers: { authorization: `Bearer ${info.accessToken}` },
  })
  assert.equal(res.status, 200)
  emu.child.kill('SIGTERM')
  assert.equal(await emu.exited, 0)
})
