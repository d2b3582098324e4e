import assert from 'node:assert/strict'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { after, before, describe, test } from 'node:test'
import { sql } from 'kysely'
import { claimJobs, enqueueJob } from '../../src/jobs/jobs-repo.ts'
import { killGroup, startWahubProcess } from '../helpers/cli.ts'
import { testDbKind } from '../helpers/db.ts'
import { type Harness, startHarness } from '../helpers/harness.ts'
import { waitFor } from '../helpers/wait.ts'

// SPEC §18 / issue 14: a proxy asks /readyz (not /healthz) whether to send an instance traffic;
// on SIGTERM an instance stops taking connections, lets requests and jobs in flight finish within
// WAHUB_SHUTDOWN_TIMEOUT_MS, and past that deadline releases its jobs for another instance.

/** A request whose body is only half sent: in flight until `finish()`. */
async function halfSentLogin(port: number) {
  const body = JSON.stringify({ email: 'nobody@example.com', password: 'not-the-password-123' })
  const socket = net.connect(port, '127.0.0.1')
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject))
  let answer = ''
  socket.on('data', (d) => {
    answer += d
  })
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()))
  socket.write(
    `POST /api/v1/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, 10)}`,
  )
  return {
    finish: () => socket.write(body.slice(10)),
    answer: () => answer,
    closed,
    destroy: () => socket.destroy(),
  }
}

const refused = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = net.connect(port, '127.0.0.1')
    s.once('connect', () => {
      s.destroy()
      resolve(false)
    })
    s.once('error', () => resolve(true))
  })

function exited(child: import('node:child_process').ChildProcess) {
  return new Promise<number | null>((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode)
    else child.once('exit', (code) => resolve(code))
  })
}

describe(`readiness (${testDbKind})`, () => {
  let h: Harness
  before(async () => {
    h = await startHarness({ workers: false, env: { WAHUB_SHUTDOWN_TIMEOUT_MS: '300' } })
  })
  after(async () => {
    await h.close()
  })

  test('/readyz answers ready when the database answers and every migration is applied', async () => {
    const res = await h.api('GET', '/readyz')
    assert.equal(res.status, 200, res.text)
    assert.deepEqual(res.body, { status: 'ready', database: testDbKind })
  })

  test('/readyz is 503 naming the migrations a database lacks (a newer instance before `wahub migrate`)', async () => {
    const [last] = await sql<{ name: string }>`select name from kysely_migration order by name desc limit 1`
      .execute(h.db.db)
      .then((r) => r.rows)
    await sql`delete from kysely_migration where name = ${last.name}`.execute(h.db.db)
    try {
      const res = await h.api('GET', '/readyz')
      assert.equal(res.status, 503)
      const body = res.body as { reason: string; pendingMigrations: string[]; message: string }
      assert.equal(body.reason, 'migrations_pending')
      assert.deepEqual(body.pendingMigrations, [last.name])
      assert.match(body.message, /wahub migrate/)
      assert.equal((await h.api('GET', '/healthz')).status, 200, '/healthz stays 200: the process is alive')
    } finally {
      await sql`insert into kysely_migration (name, timestamp) values (${last.name}, ${new Date().toISOString()})`.execute(
        h.db.db,
      )
    }
  })

  // Last in this file: it closes the harness's Wahub.
  test('past the shutdown deadline, jobs still running are released for another instance', async () => {
    const jobId = await enqueueJob(h.db.db, 'system.noop', { note: 'running when SIGTERM came' })
    const claimed = await claimJobs(h.db.db, h.db.caps, {
      kinds: ['system.noop'],
      workerId: h.wahub.runner.workerId,
      limit: 1,
      lockTimeoutMs: 60_000,
    })
    assert.deepEqual(
      claimed.map((j) => j.id),
      [jobId],
    )
    const port = Number(new URL(h.url).port)
    const stuck = await halfSentLogin(port) // keeps the drain from finishing
    await h.wahub.close()
    const row = await h.db.db
      .selectFrom('jobs')
      .select('locked_by')
      .where('id', '=', jobId)
      .executeTakeFirstOrThrow()
    assert.equal(row.locked_by, null, 'the job is free to be claimed at once, not after the lock timeout')
    await stuck.closed // and the stuck connection was cut
  })
})

describe('SIGTERM on `wahub serve`', () => {
  const serve = async (env: Record<string, string> = {}) => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wahub-sigterm-'))
    const started = await startWahubProcess(['serve'], /listening on http:\/\/[^:]+:(\d+)/, {
      env: {
        WAHUB_DATA_DIR: dataDir,
        WAHUB_SANDBOX: 'off',
        PORT: '0',
        HOST: '127.0.0.1',
        LOG_LEVEL: 'info',
        ...env,
      },
      timeoutMs: 60_000,
    })
    return {
      ...started,
      port: Number(started.match[1]),
      cleanup: () => fs.rmSync(dataDir, { recursive: true, force: true }),
    }
  }

  test('stops taking connections, answers the request in flight, then exits 0', async () => {
    const wahub = await serve()
    try {
      const inFlight = await halfSentLogin(wahub.port)
      const exit = exited(wahub.child)
      wahub.child.kill('SIGTERM')
      await waitFor('new connections refused after SIGTERM', () => refused(wahub.port))
      assert.equal(wahub.child.exitCode, null, 'still running: a request is in flight')
      inFlight.finish()
      await waitFor('the answer to the request in flight', () => inFlight.answer().includes('\r\n\r\n'))
      assert.match(inFlight.answer(), /^HTTP\/1\.1 401 /, 'the request in flight got its real answer')
      assert.equal(await exit, 0, `exit code 0. Output:\n${wahub.output()}`)
      assert.match(wahub.output(), /shutting down/)
    } finally {
      killGroup(wahub.child)
      wahub.cleanup()
    }
  })

  test('a request that never finishes does not hold the process past WAHUB_SHUTDOWN_TIMEOUT_MS', async () => {
    const wahub = await serve({ WAHUB_SHUTDOWN_TIMEOUT_MS: '500' })
    try {
      const stuck = await halfSentLogin(wahub.port)
      const exit = exited(wahub.child)
      wahub.child.kill('SIGTERM')
      assert.equal(await exit, 0, `exit code 0. Output:\n${wahub.output()}`)
      assert.match(wahub.output(), /shutdown deadline passed/)
      await stuck.closed
    } finally {
      killGroup(wahub.child)
      wahub.cleanup()
    }
  })
})
