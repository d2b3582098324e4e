import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import path from 'node:path'
import { Writable } from 'node:stream'
import { after, before, describe, test } from 'node:test'
import { pathToFileURL } from 'node:url'
import { claimJobs, enqueueJob } from '../../src/jobs/jobs-repo.ts'
import { type Liveness, startLiveness } from '../../src/jobs/liveness.ts'
import { createLogger } from '../../src/log.ts'
import { createTestDb, type TestDb, testDbKind } from '../helpers/db.ts'
import { startHarness } from '../helpers/harness.ts'
import { waitFor } from '../helpers/wait.ts'

// Decision 0120: on PostgreSQL an instance that dies (kill -9, a lost machine) lets go of its
// jobs as soon as its session ends, not 30 s later when their leases run out: a restarted
// instance or a surviving one carries on at once (a campaign's runner, the sends in its queue).

const root = path.join(import.meta.dirname, '../..')
const src = (file: string) => pathToFileURL(path.join(root, 'src', file)).href
const log = createLogger(
  'error',
  new Writable({
    write(_chunk, _encoding, done) {
      done()
    },
  }),
)
const lease = 30_000

async function lockedBy(db: TestDb, jobId: number): Promise<string | null> {
  const row = await db.db
    .selectFrom('jobs')
    .select('locked_by')
    .where('id', '=', jobId)
    .executeTakeFirstOrThrow()
  return row.locked_by
}

describe(`instance liveness (${testDbKind})`, { skip: testDbKind !== 'postgres' }, () => {
  let db: TestDb
  let reaper: Liveness
  before(async () => {
    db = await createTestDb()
    reaper = await startLiveness(db.databaseUrl as string, db.db, log)
  })
  after(async () => {
    await reaper?.close()
    await db?.drop()
  })

  test('the jobs of a killed instance are released within seconds, not when their 30 s lease runs out; a live one keeps its own', async () => {
    const jobId = await enqueueJob(db.db, 'system.noop', {})
    // Another `wahub serve`: takes its liveness lock, claims the job, then is killed with SIGKILL.
    const script = `
      import { connectDb } from ${JSON.stringify(src('db/connect.ts'))}
      import { claimJobs } from ${JSON.stringify(src('jobs/jobs-repo.ts'))}
      import { startLiveness } from ${JSON.stringify(src('jobs/liveness.ts'))}
      const handle = await connectDb({ databaseUrl: process.argv[1], dataDir: '.' })
      const silent = { warn() {}, error() {}, info() {} }
      const live = await startLiveness(process.argv[1], handle.db, silent)
      const jobs = await claimJobs(handle.db, handle.caps, { kinds: ['system.noop'], workerId: live.workerId('w'), limit: 1, lockTimeoutMs: ${lease} })
      console.log('claimed ' + jobs.length)
      setInterval(() => {}, 1000)`
    const other = spawn(process.execPath, ['--input-type=module', '-e', script, db.databaseUrl as string], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    const exited = new Promise<void>((resolve) => other.on('exit', () => resolve()))
    try {
      await new Promise<void>((resolve, reject) => {
        other.stdout?.on('data', (d) =>
          String(d).includes('claimed 1') ? resolve() : reject(new Error(`the other instance said ${d}`)),
        )
        other.on('exit', (code) => reject(new Error(`the other instance exited (${code}) before claiming`)))
      })
      const owner = await lockedBy(db, jobId)
      assert.match(
        owner ?? '',
        /^k\d+\.w_/,
        'the job should be locked by a worker id carrying its instance key',
      )

      assert.equal(await reaper.reap(), 0, 'a live instance’s jobs must not be released')
      assert.equal(await lockedBy(db, jobId), owner, 'the live instance should still hold its job')
    } finally {
      other.kill('SIGKILL')
      await exited
    }
    const killedAt = Date.now()
    await waitFor('the killed instance’s job to be released', async () => (await reaper.reap()) === 1)
    assert.ok(Date.now() - killedAt < lease / 2, 'released by the reaper, not by the lease running out')
    assert.equal(await lockedBy(db, jobId), null)
    const again = await claimJobs(db.db, db.caps, {
      kinds: ['system.noop'],
      workerId: reaper.workerId('w'),
      limit: 1,
      lockTimeoutMs: lease,
    })
    assert.deepEqual(
      again.map((j) => [j.id, j.attempts]),
      [[jobId, 2]],
      'another worker should claim the job at once, its first attempt counted',
    )
  })

  test('two live instances never share a key, and a worker id of no instance is left to its lease', async () => {
    const twin = await startLiveness(db.databaseUrl as string, db.db, log, { key: reaper.key })
    try {
      assert.notEqual(twin.key, reaper.key, 'a key another instance holds should not be taken again')
    } finally {
      await twin.close()
    }
    const jobId = await enqueueJob(db.db, 'system.noop', {})
    await db.db
      .updateTable('jobs')
      .set({ locked_by: 'w_0a1b2c', locked_at: Date.now() })
      .where('id', '=', jobId)
      .execute()
    assert.equal(await reaper.reap(), 0, 'an id without an instance key is not the reaper’s to judge')
    assert.equal(await lockedBy(db, jobId), 'w_0a1b2c')
  })

  test('a running instance’s workers carry its key, and it releases a dead instance’s job by itself and runs it', async () => {
    const h = await startHarness()
    try {
      const w = h.wahub
      assert.match(w.runner.workerId, /^k\d+\.w_/, 'the job runner’s id should carry the instance key')
      assert.match(w.sendWorker.workerId, /^k\d+\.s_/, 'the send worker’s id should carry the instance key')
      // A job left locked a moment ago by a worker of an instance whose liveness lock is gone.
      const jobId = await enqueueJob(h.db.db, 'system.noop', {})
      await h.db.db
        .updateTable('jobs')
        .set({ locked_by: 'k7.w_0a1b2c', locked_at: Date.now() })
        .where('id', '=', jobId)
        .execute()
      const lockedAt = Date.now()
      await waitFor(
        'the instance to release the dead worker’s job and run it',
        async () =>
          !(await h.db.db.selectFrom('jobs').select('id').where('id', '=', jobId).executeTakeFirst()),
        { timeoutMs: 15_000 },
      )
      assert.ok(Date.now() - lockedAt < lease, 'run before its 30 s lease ran out')
    } finally {
      await h.close()
    }
  })
})
