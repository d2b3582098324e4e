import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { after, describe, test } from 'node:test'
import { root } from '../helpers/cli.ts'
import { createTestDb, type TestDb, testDbKind } from '../helpers/db.ts'
import { waitFor } from '../helpers/wait.ts'

// Issue 14: this machine has a Docker client but no daemon, so the Dockerfile is checked by
// running its own instructions in a clean folder: the build stage's COPY (honouring
// .dockerignore) and RUN steps, then the runtime stage's ENV, the migrate step, ENTRYPOINT + CMD,
// and the HEALTHCHECK command, against PostgreSQL as in deploy/compose.yaml. A step that fails
// here fails in `docker build` too. The runtime stage's user creation (groupadd/useradd) is not
// run: it would change this machine.

type Instruction = { op: string; args: string }

function parseDockerfile(text: string): Instruction[][] {
  const stages: Instruction[][] = []
  const joined = text.replace(/\\\n/g, ' ')
  for (const raw of joined.split('\n')) {
    const line = raw.trim()
    if (!line || line.startsWith('#')) continue
    const [, op, args] = /^(\S+)\s+(.*)$/.exec(line) ?? []
    if (op === 'FROM') stages.push([])
    stages[stages.length - 1]?.push({ op, args: args.trim() })
  }
  return stages
}

function ignoredBy(patterns: string[]) {
  return (relative: string) =>
    patterns.some((p) =>
      p.startsWith('*.') ? relative.endsWith(p.slice(1)) : relative === p || relative.startsWith(`${p}/`),
    )
}

function run(
  command: string,
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn('sh', ['-c', command], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    child.stdout.on('data', (d) => {
      output += d
    })
    child.stderr.on('data', (d) => {
      output += d
    })
    child.on('close', (code) => resolve({ code, output }))
  })
}

const execForm = (args: string): string[] => JSON.parse(args) as string[]

describe('the Dockerfile, step by step in a clean folder', () => {
  const skip =
    testDbKind === 'sqlite'
      ? 'the image is deployed on PostgreSQL (deploy/compose.yaml): runs with --db postgres'
      : false
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'wahub-image-'))
  let db: TestDb | undefined
  after(async () => {
    await db?.drop()
    fs.rmSync(work, { recursive: true, force: true })
  })

  test('builds, migrates, serves, passes its health check and stops on SIGTERM', {
    skip,
    timeout: 600_000,
  }, async () => {
    const [build, runtime] = parseDockerfile(fs.readFileSync(path.join(root, 'Dockerfile'), 'utf8'))
    assert.ok(build && runtime, 'two stages: build and runtime')
    assert.match(build[0].args, /^node:24[-\w.]* AS build$/, 'the build stage is on Node 24')
    assert.match(runtime[0].args, /^node:24/, 'the runtime stage is on Node 24')
    assert.ok(
      runtime.some((i) => i.op === 'USER' && i.args !== 'root'),
      'the runtime stage runs as a non-root user',
    )
    const ignored = ignoredBy(
      fs
        .readFileSync(path.join(root, '.dockerignore'), 'utf8')
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l && !l.startsWith('#')),
    )
    // Node 24 first on PATH, as in the node:24 image.
    // The machine's own environment (certificates, npm settings) without Wahub's test settings.
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PATH: `${path.dirname(process.execPath)}:${process.env.PATH}`,
    }
    for (const name of Object.keys(env)) {
      if (name.startsWith('WAHUB_') || name === 'DATABASE_URL' || name === 'LOG_LEVEL') delete env[name]
    }

    let app = work
    for (const { op, args } of build.slice(1)) {
      if (op === 'WORKDIR') {
        app = path.join(work, args)
        fs.mkdirSync(app, { recursive: true })
      } else if (op === 'COPY') {
        const parts = args.split(/\s+/)
        const dest = path.resolve(app, parts.pop() as string)
        for (const source of parts) {
          const from = path.join(root, source)
          const to = source === '.' ? dest : path.join(dest, path.basename(source))
          fs.cpSync(from, to, {
            recursive: true,
            filter: (file) => {
              const relative = path.relative(root, file)
              return relative === '' || !ignored(relative)
            },
          })
        }
      } else if (op === 'RUN') {
        const step = await run(args, app, env)
        assert.equal(step.code, 0, `RUN ${args} failed:\n${step.output.slice(-3000)}`)
      } else {
        assert.fail(`the build stage uses ${op}, which this test does not run yet`)
      }
    }
    assert.ok(fs.existsSync(path.join(app, 'web', 'dist', 'index.html')), 'the dashboard was built')
    assert.ok(
      fs.existsSync(path.join(app, 'dist', 'server', 'main.js')),
      'the server was bundled (decision 0115): the image runs dist/server/main.js',
    )
    assert.equal(
      fs.existsSync(path.join(app, 'node_modules', '@biomejs', 'biome')),
      false,
      'dev dependencies were pruned',
    )
    assert.equal(fs.existsSync(path.join(app, 'test')), false, '.dockerignore keeps the tests out')

    // Runtime: the image's ENV, with the data dir, port and database of this test.
    db = await createTestDb({ migrate: false })
    const imageEnv: Record<string, string> = {}
    for (const { op, args } of runtime) {
      if (op !== 'ENV') continue
      for (const m of args.matchAll(/(\w+)=(\S+)/g)) imageEnv[m[1]] = m[2]
    }
    assert.equal(imageEnv.WAHUB_SANDBOX, 'off', 'an image never starts the Sandbox by itself')
    const dataDir = path.join(work, 'data')
    const serveEnv = {
      ...env,
      ...imageEnv,
      WAHUB_DATA_DIR: dataDir,
      PORT: '0',
      HOST: '127.0.0.1',
      DATABASE_URL: db.databaseUrl,
      LOG_LEVEL: 'info',
    }
    const entrypoint = execForm(runtime.find((i) => i.op === 'ENTRYPOINT')?.args ?? '[]')
    const cmd = execForm(runtime.find((i) => i.op === 'CMD')?.args ?? '[]')
    assert.deepEqual(cmd, ['serve'])

    const migrate = await run([...entrypoint, 'migrate'].join(' '), app, serveEnv)
    assert.equal(migrate.code, 0, migrate.output)
    assert.match(migrate.output, /postgres: applied 0001-initial/)

    const server = spawn(entrypoint[0], [...entrypoint.slice(1), ...cmd], {
      cwd: app,
      env: serveEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    server.stdout.on('data', (d) => {
      output += d
    })
    server.stderr.on('data', (d) => {
      output += d
    })
    const exited = new Promise<number | null>((resolve) => server.on('exit', (code) => resolve(code)))
    try {
      const port = await waitFor(
        'the image to listen',
        () => /listening on http:\/\/[^:]+:(\d+)\n/.exec(output)?.[1],
        {
          timeoutMs: 60_000,
        },
      )
      const healthcheck = runtime.find((i) => i.op === 'HEALTHCHECK')?.args ?? ''
      const check = /CMD (.*)$/.exec(healthcheck)?.[1] ?? ''
      const healthy = await run(check, app, { ...serveEnv, PORT: port })
      assert.equal(healthy.code, 0, `HEALTHCHECK failed: ${healthy.output}`)
      const ready = await fetch(`http://127.0.0.1:${port}/readyz`)
      assert.equal(ready.status, 200, await ready.text())
      const dashboard = await fetch(`http://127.0.0.1:${port}/`)
      assert.equal(dashboard.status, 200)
      assert.match(await dashboard.text(), /<div id="root">/)
      server.kill('SIGTERM')
      assert.equal(await exited, 0, `stops with 0 on SIGTERM:\n${output}`)
    } finally {
      server.kill('SIGKILL')
    }
  })
})
