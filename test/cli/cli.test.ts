import assert from 'node:assert/strict'
import { once } from 'node:events'
import fs from 'node:fs'
import { createRequire } from 'node:module'
import os from 'node:os'
import path from 'node:path'
import { describe, test } from 'node:test'
import { migrationNames } from '../../src/db/migrate.ts'
import {
  buildServerBundle,
  root,
  runWahub,
  serverArgv,
  serverPidOf,
  startWahubProcess,
  systemNode,
} from '../helpers/cli.ts'
import { createTestDb, testDbKind } from '../helpers/db.ts'

const { serveFlags } = createRequire(import.meta.url)('../../bin/node24.cjs') as { serveFlags: string[] }

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'wahub-cli-'))
}

describe(`wahub command line (started with ${systemNode})`, () => {
  test('wahub --help lists every command', async () => {
    const res = await runWahub(['--help'])
    assert.equal(res.code, 0, res.stderr)
    for (const name of ['serve', 'migrate', 'emulator', 'config']) {
      assert.match(res.stdout, new RegExp(`\\n  ${name} +\\S`), `--help does not list ${name}`)
    }
  })

  for (const name of ['serve', 'migrate', 'config']) {
    test(`wahub ${name} --help explains the command and exits 0`, async () => {
      const res = await runWahub([name, '--help'])
      assert.equal(res.code, 0, res.stderr)
      assert.match(res.stdout, new RegExp(`^wahub ${name}`))
    })
  }

  test('an unknown command exits 2 and shows the help', async () => {
    const res = await runWahub(['serv'])
    assert.equal(res.code, 2)
    assert.match(res.stderr, /unknown command "serv"/)
  })

  test('a wrong configuration value exits 2 with one line naming the variable', async () => {
    const res = await runWahub(['migrate'], { env: { PORT: 'http' } })
    assert.equal(res.code, 2)
    assert.equal(res.stderr.trim().split('\n').length, 1, `expected one line, got:\n${res.stderr}`)
    assert.match(res.stderr, /PORT must be a whole number/)
  })

  test('wahub migrate applies the migrations once, then reports up to date', async () => {
    const cwd = tempDir()
    try {
      const first = await runWahub(['migrate', '--json'], { cwd })
      assert.equal(first.code, 0, first.stderr)
      assert.deepEqual(JSON.parse(first.stdout), {
        database: 'sqlite',
        applied: [...migrationNames],
      })
      const second = await runWahub(['migrate', '--json'], { cwd })
      assert.deepEqual(JSON.parse(second.stdout).applied, [])
    } finally {
      fs.rmSync(cwd, { recursive: true, force: true })
    }
  })

  test('settings in .env are used, and the real environment wins over them', async () => {
    const cwd = tempDir()
    try {
      fs.writeFileSync(path.join(cwd, '.env'), 'WAHUB_GRAPH_VERSION=v21.0\nPORT=9999\n')
      const res = await runWahub(['config', 'show', '--json'], { cwd, env: { PORT: '7777' } })
      assert.equal(res.code, 0, res.stderr)
      const shown = JSON.parse(res.stdout)
      assert.equal(shown.graphVersion, 'v21.0', '.env value used')
      assert.equal(shown.port, 7777, 'environment beats .env')
    } finally {
      fs.rmSync(cwd, { recursive: true, force: true })
    }
  })

  test('npm start passes the same memory flags as the launcher (bin/node24.cjs)', () => {
    const pkg = JSON.parse(fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8'))
    const start: string = pkg.scripts.start
    for (const flag of serveFlags)
      assert.ok(start.split(' ').includes(flag), `package.json's start script lacks ${flag}: ${start}`)
  })

  test(`wahub serve in an empty folder creates ./data, answers /healthz and stops cleanly on SIGTERM (${testDbKind})`, async () => {
    const cwd = tempDir()
    const compileCache = path.join(cwd, 'compile-cache')
    const env: Record<string, string> = {
      PORT: '0',
      HOST: '127.0.0.1',
      WAHUB_SANDBOX: 'off',
      NODE_COMPILE_CACHE: compileCache,
    }
    const pg = testDbKind === 'postgres' ? await createTestDb({ migrate: false }) : undefined
    if (pg?.databaseUrl) env.DATABASE_URL = pg.databaseUrl
    try {
      const { child, match } = await startWahubProcess(['serve'], /listening on (http:\/\/\S+)/, { cwd, env })
      try {
        const res = await fetch(`${match[1]}/healthz`)
        assert.equal(res.status, 200)
        assert.equal(((await res.json()) as { database: string }).database, testDbKind)
        assert.ok(fs.existsSync(path.join(cwd, 'data', 'secret.key')), 'the key file is created in ./data')
        if (testDbKind === 'sqlite')
          assert.ok(fs.existsSync(path.join(cwd, 'data', 'wahub.db')), 'the database is in ./data')
        // The launcher runs the server in a child with the memory settings of bin/node24.cjs.
        const server = serverPidOf(child.pid as number)
        const environ = fs.readFileSync(`/proc/${server}/environ`, 'utf8').split('\0')
        assert.ok(
          environ.includes('MALLOC_ARENA_MAX=1'),
          'the server runs with one malloc arena (decision 0118)',
        )
        const argv = fs.readFileSync(`/proc/${server}/cmdline`, 'utf8').split('\0')
        for (const flag of serveFlags)
          assert.ok(argv.includes(flag), `the server runs with ${flag} (bin/node24.cjs): ${argv.join(' ')}`)
        assert.ok(
          environ.includes(`NODE_COMPILE_CACHE=${compileCache}`),
          `the server runs with Node's compile cache in ${compileCache}`,
        )
        // Flushed once listening (a server killed later still leaves it for the next start): the
        // bundle's few files, or the sources' hundreds of modules.
        const cached = fs.readdirSync(compileCache).flatMap((v) => fs.readdirSync(path.join(compileCache, v)))
        assert.ok(
          cached.length > 0,
          `the server's modules are in the compile cache once it listens (${cached.length} entries)`,
        )
      } finally {
        child.kill('SIGTERM')
        const [code] = await once(child, 'exit')
        assert.equal(code, 0, 'serve exits 0 after SIGTERM')
      }
    } finally {
      await pg?.drop()
      fs.rmSync(cwd, { recursive: true, force: true })
    }
  })

  test(`npm start's bundle: the launcher serves from dist/server once built, WAHUB_FROM_SOURCE=1 from the sources (${testDbKind})`, async () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'))
    assert.match(
      pkg.scripts.prestart,
      /bin\/build-server\.cjs --if-stale/,
      'npm start builds the bundle when stale',
    )
    buildServerBundle()
    const bundled = path.join(root, 'dist', 'server', 'main.js')
    const cwd = tempDir()
    const env: Record<string, string> = { PORT: '0', HOST: '127.0.0.1', WAHUB_SANDBOX: 'off' }
    const pg = testDbKind === 'postgres' ? await createTestDb({ migrate: false }) : undefined
    if (pg?.databaseUrl) env.DATABASE_URL = pg.databaseUrl
    try {
      for (const [fromSource, script] of [
        ['0', bundled],
        ['1', path.join(root, 'src', 'cli', 'main.ts')],
      ]) {
        const { child, match } = await startWahubProcess(['serve'], /listening on (http:\/\/\S+)/, {
          cwd,
          env: { ...env, WAHUB_FROM_SOURCE: fromSource },
        })
        try {
          const argv = serverArgv(child.pid as number)
          assert.ok(
            argv.includes(script),
            `WAHUB_FROM_SOURCE=${fromSource}: the server runs ${script}: ${argv.join(' ')}`,
          )
          assert.equal((await fetch(`${match[1]}/healthz`)).status, 200)
          // A file read beside its module (src/widget) is found from the bundle too.
          const widget = await fetch(`${match[1]}/widget.js`)
          assert.equal(widget.status, 200, `/widget.js from ${script}`)
          assert.match(await widget.text(), /data-key/, `/widget.js from ${script} is the widget's script`)
        } finally {
          child.kill('SIGTERM')
          const [code] = await once(child, 'exit')
          assert.equal(code, 0, `serve (${script}) exits 0 after SIGTERM`)
        }
      }
    } finally {
      await pg?.drop()
      fs.rmSync(cwd, { recursive: true, force: true })
    }
  })
})
