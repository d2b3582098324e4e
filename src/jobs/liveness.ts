import { randomBytes, randomInt } from 'node:crypto'
import { sql } from 'kysely'
import pg from 'pg'
import type { Db } from '../db/connect.ts'
import { endQuietly, retryMs } from '../db/notify.ts'
import type { Logger } from '../log.ts'

// Which instances are alive, on PostgreSQL (decision 0120). A job's lock is a lease: its worker
// renews it every 10 s and another worker reclaims it 30 s after the last renewal. A restarted
// or surviving instance therefore waited up to 30 s for the jobs a dead one held — a campaign
// whose runner was mid-tick at a kill -9 stopped sending for ~26 s.
//
// Each instance holds a session advisory lock on a connection of its own, on a key it picked at
// random; its workers' ids start with that key (`k<key>.`). PostgreSQL lets the lock go when the
// session ends — the process died, or its connection is gone — so a free key means a dead owner.
// `reap()` releases the jobs of such owners in one statement that takes each owner's key with a
// transaction-scoped try-lock: while it holds the key, no new instance can take that key, and an
// owner whose key it could not take is alive. A released job is claimed again like one whose
// lease ran out (its attempt counted; a send whose outcome is unknown stays `unknown`).
// SQLite has one process: it releases every lock at start instead (`releaseLocksOnStart`).

/** The first key of every Wahub liveness lock (pg_locks' classid); the second is the instance's. */
const namespace = 0x57484a42
/** Keys stay below 10^9: nine digits always fit in int4. */
const maxKey = 1_000_000_000

export type Liveness = {
  readonly key: number
  /** A worker id this instance owns: the reaper of another instance leaves its jobs alone. */
  workerId(prefix: string): string
  /** Releases the jobs held by workers of dead instances; resolves to how many. */
  reap(): Promise<number>
  /** Reaps now (awaited: before this instance's workers claim) and then every `everyMs`. */
  startReaping(everyMs?: number): Promise<void>
  close(): Promise<void>
}

export type LivenessOptions = {
  /** The key to try first (tests: two instances asking for one key). */
  key?: number
}

/** Releases the jobs of dead instances (their key's lock is free); any instance may run it. */
export async function reapDeadWorkers(db: Db): Promise<number> {
  // The CASE keeps the try-lock off ids that are not an instance's (SQLite-style ids, typos).
  const result = await sql`
    update jobs set locked_by = null, locked_at = null
    where locked_by like 'k%'
      and case when locked_by ~ '^k[0-9]{1,9}\\.'
        then pg_try_advisory_xact_lock(${sql.lit(namespace)}, substring(locked_by from '^k([0-9]+)\\.')::int)
        else false end`.execute(db)
  return Number(result.numAffectedRows ?? 0)
}

/**
 * Takes this instance's liveness lock (a fresh random key if another instance holds the one
 * tried) and keeps it: the connection is reopened and the same key taken again if it drops.
 */
export async function startLiveness(
  connectionString: string,
  db: Db,
  log: Logger,
  options: LivenessOptions = {},
): Promise<Liveness> {
  let client: pg.Client | undefined
  let closed = false
  let delay = retryMs.first
  let retry: NodeJS.Timeout | undefined
  let reaper: NodeJS.Timeout | undefined

  const open = async (): Promise<pg.Client> => {
    const c = new pg.Client({ connectionString, connectionTimeoutMillis: 10_000 })
    c.on('error', (err) => drop(c, err))
    c.on('end', () => drop(c))
    await c.connect()
    return c
  }
  const tryKey = async (c: pg.Client, k: number): Promise<boolean> =>
    (await c.query<{ ok: boolean }>('select pg_try_advisory_lock($1, $2) as ok', [namespace, k])).rows[0]
      ?.ok === true

  const first = await open()
  let key = options.key ?? randomInt(1, maxKey)
  for (let attempt = 0; !(await tryKey(first, key)); attempt++) {
    if (attempt >= 20) {
      await endQuietly(first)
      throw new Error(
        'no free liveness key after 20 tries (pg_locks holds Wahub advisory locks of every key tried)',
      )
    }
    key = randomInt(1, maxKey)
  }
  client = first

  function scheduleReconnect(reason: string | undefined) {
    if (closed || retry) return
    log.warn(
      { err: reason, key, retryInMs: delay },
      'liveness connection lost: other instances may take over this instance’s jobs until it is back',
    )
    retry = setTimeout(reconnect, delay)
    retry.unref()
    delay = Math.min(delay * 2, retryMs.max)
  }

  function drop(c: pg.Client, err?: Error) {
    if (client !== c) return
    client = undefined
    c.end().catch(() => {})
    scheduleReconnect(err?.message)
  }

  async function reconnect() {
    retry = undefined
    if (closed) return
    let c: pg.Client
    try {
      c = await open()
    } catch (err) {
      scheduleReconnect((err as Error).message)
      return
    }
    if (closed) {
      await endQuietly(c)
      return
    }
    client = c
    if (!(await tryKey(c, key).catch(() => false))) {
      log.error(
        { key },
        'liveness key taken by another instance: this instance’s jobs fall back to their 30 s lease',
      )
      return
    }
    delay = retryMs.first
  }

  return {
    key,
    workerId: (prefix) => `k${key}.${prefix}_${randomBytes(6).toString('hex')}`,
    reap: () => reapDeadWorkers(db),
    async startReaping(everyMs = 5_000) {
      const reap = async () => {
        try {
          const released = await reapDeadWorkers(db)
          if (released > 0) log.warn({ released }, 'jobs of an instance that stopped released')
        } catch (err) {
          if (!closed) log.error({ err }, 'releasing the jobs of stopped instances failed')
        }
      }
      await reap()
      if (closed || reaper) return
      reaper = setInterval(reap, everyMs)
      reaper.unref()
    },
    async close() {
      closed = true
      if (retry) clearTimeout(retry)
      if (reaper) clearInterval(reaper)
      const c = client
      client = undefined
      if (c) await endQuietly(c)
    },
  }
}
