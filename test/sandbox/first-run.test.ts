import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, test } from 'node:test'
import { connectDb, type DbHandle } from '../../src/db/connect.ts'
import {
  buildServerBundle,
  root,
  runWahub,
  serverArgv,
  startWahubProcess,
  systemNode,
} from '../helpers/cli.ts'
import { createTestDb, testDbKind } from '../helpers/db.ts'
import { waitFor } from '../helpers/wait.ts'

// SPEC §3, the way a newcomer meets Wahub: `wahub serve` (the system Node, through the
// launcher) in an empty folder, no configuration. The banner gives the dashboard, the admin's
// one-time password, the Sandbox's API key and a curl; a simulated customer's message arrives;
// the printed curl sends a template that is delivered and read; `wahub doctor` is all green;
// a restart keeps everything. The server runs from the bundle `npm start` builds (decision 0115),
// so that what a newcomer runs is what this test drives.

function runShell(command: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', command], { stdio: ['ignore', 'pipe', 'pipe'] })
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

async function count(db: DbHandle, direction: 'in' | 'out'): Promise<number> {
  const row = await db.db
    .selectFrom('messages')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('direction', '=', direction)
    .executeTakeFirstOrThrow()
  return Number(row.n)
}

describe(`first run with ${systemNode} (${testDbKind})`, () => {
  test('`wahub serve` in an empty folder gives a working Sandbox, and a restart keeps it', async () => {
    const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'wahub-first-run-'))
    const env: Record<string, string> = { PORT: '0', HOST: '127.0.0.1' }
    const pg = testDbKind === 'postgres' ? await createTestDb({ migrate: false }) : undefined
    if (pg?.databaseUrl) env.DATABASE_URL = pg.databaseUrl
    let db: DbHandle | undefined
    buildServerBundle()
    try {
      // stdout is a pipe here, as under systemd or Docker: the one-time secrets go to an
      // owner-only file the log names, never to the captured stream (issue 12).
      const first = await startWahubProcess(['serve'], /Check everything: npx wahub doctor\n/, {
        cwd,
        env: { ...env, LOG_LEVEL: 'debug' },
        timeoutMs: 60_000,
      })
      try {
        const bundled = path.join(root, 'dist', 'server', 'main.js')
        const argv = serverArgv(first.child.pid as number)
        assert.ok(argv.includes(bundled), `the server runs the bundle ${bundled}: ${argv.join(' ')}`)
        const banner = first.output()
        const url = banner.match(/listening on (http:\/\/\S+)/)?.[1]
        assert.ok(url, banner)
        assert.match(banner, new RegExp(`Dashboard: +${url}/\\n`))
        assert.match(banner, /Login: +admin@wahub\.local\n/)
        const file = path.join(cwd, 'data', 'first-run-credentials.txt')
        const logged = await waitFor('the log to name the credentials file', () =>
          first
            .output()
            .split('\n')
            .find((l) => l.includes('"msg":"first-run credentials written to a file"')),
        )
        assert.ok(logged.includes(`"file":${JSON.stringify(file)}`), `the log names ${file}: ${logged}`)
        assert.equal(fs.statSync(file).mode & 0o777, 0o600, 'the credentials file is owner-only')
        const secrets = fs.readFileSync(file, 'utf8')
        const password = secrets.match(/Password: +(\S{12,}) +\(one-time/)?.[1]
        assert.ok(password, secrets)
        assert.match(banner, /\+1 555-010-1001 "Sandbox Shop" \(phone_number_id 990200000000001\)/)
        const key = secrets.match(/API key \(tenant [^)]+\): (wh_\S+)/)?.[1]
        assert.ok(key, secrets)
        const neverShown = () => {
          assert.ok(
            !first.output().includes(password),
            'the admin password never reaches stdout, stderr or the log',
          )
          assert.ok(!first.output().includes(key), 'the API key never reaches stdout, stderr or the log')
        }
        neverShown()
        const curl = banner.match(/(curl -X POST [\s\S]+?-d '[^']+')/)?.[1]
        assert.ok(curl, banner)
        assert.match(curl, /Bearer \$WAHUB_API_KEY/)
        assert.ok(fs.existsSync(path.join(cwd, 'data', 'secret.key')))

        db = await connectDb({ databaseUrl: env.DATABASE_URL, dataDir: path.join(cwd, 'data') })
        const handle = db
        await waitFor('a simulated customer to write in', async () => (await count(handle, 'in')) > 0, {
          timeoutMs: 20_000,
        })

        // The printed curl, as printed, with the key from the credentials file.
        const sent = await runShell(`WAHUB_API_KEY='${key}'; export WAHUB_API_KEY; ${curl}`)
        assert.equal(sent.code, 0, sent.stderr)
        const answer = JSON.parse(sent.stdout) as { id: string; status: string }
        assert.equal(answer.status, 'queued', sent.stdout)
        await waitFor(
          'the template to be delivered and read',
          async () => {
            const m = await handle.db
              .selectFrom('messages')
              .select('status')
              .where('id', '=', answer.id)
              .executeTakeFirst()
            return m?.status === 'read'
          },
          { timeoutMs: 20_000 },
        )

        const doctor = await runWahub(['doctor'], { cwd, env })
        assert.equal(doctor.code, 0, doctor.stdout + doctor.stderr)
        assert.match(doctor.stdout, / 0 failed\./)
        neverShown() // nor later: through the sends, the simulated customers and the doctor
      } finally {
        first.child.kill('SIGTERM')
        const [code] = await once(first.child, 'exit')
        assert.equal(code, 0, 'serve exits 0 after SIGTERM')
      }

      const received = db ? await count(db, 'in') : 0
      const second = await startWahubProcess(['serve'], /Check everything: npx wahub doctor\n/, {
        cwd,
        env,
        timeoutMs: 60_000,
      })
      try {
        const banner = second.output()
        assert.doesNotMatch(banner, /Password:/, 'the one-time password is given once')
        assert.match(banner, /API key wh_…[\w-]{4} \(shown at the first start/)
        assert.match(banner, /-H "Authorization: Bearer \$WAHUB_API_KEY"/)
        const handle = db as DbHandle
        await waitFor(
          'a customer to write in after the restart',
          async () => (await count(handle, 'in')) > received,
          {
            timeoutMs: 20_000,
          },
        )
        assert.equal(
          (await handle.db.selectFrom('wabas').select('id').execute()).length,
          1,
          'one Sandbox, kept',
        )
      } finally {
        second.child.kill('SIGTERM')
        await once(second.child, 'exit')
      }
    } finally {
      await db?.close()
      await pg?.drop()
      fs.rmSync(cwd, { recursive: true, force: true })
    }
  })
})
