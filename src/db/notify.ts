import pg from 'pg'
import type { Logger } from '../log.ts'

// PostgreSQL LISTEN/NOTIFY (SPEC §18, decision 0052): one dedicated connection per listener that
// wakes in-process pollers when another instance commits rows they read. A notification carries
// no data the reader relies on — it only says "read now" — so one lost while the connection was
// down costs latency, never an event: the reader polls on a slow timer as a safety net, and
// every (re)connect counts as a notification (whatever was sent meanwhile is read at once).

/** Channels Wahub notifies on. Triggers in migration 0020 send them at commit. */
export const notifyChannels = { events: 'wahub_events' } as const
export type NotifyChannel = (typeof notifyChannels)[keyof typeof notifyChannels]

export type Listener = {
  /** True while the LISTEN connection is up: notifications arrive and pollers may slow down. */
  listening(): boolean
  close(): Promise<void>
}

export type Listen = (channel: NotifyChannel, onNotify: () => void, log: Logger) => Listener

/** Back-off of a dedicated connection's reconnects (this listener's, jobs/liveness.ts's). */
export const retryMs = { first: 200, max: 5_000 }

/** Ends a dedicated connection for good: nothing it says afterwards (an error, `end`) is heard. */
export async function endQuietly(c: pg.Client): Promise<void> {
  c.removeAllListeners()
  c.on('error', () => {})
  await c.end().catch(() => {})
}

/** A listener on PostgreSQL at `connectionString`; it reconnects with back-off until closed. */
export function pgListener(connectionString: string): Listen {
  return (channel, onNotify, log) => {
    let client: pg.Client | undefined
    let up = false
    let closed = false
    let delay = retryMs.first
    let retry: NodeJS.Timeout | undefined

    const drop = (c: pg.Client, err?: Error) => {
      if (client !== c) return
      client = undefined
      up = false
      c.removeAllListeners('notification')
      c.end().catch(() => {})
      if (closed) return
      if (err)
        log.warn(
          { err: err.message, channel, retryInMs: delay },
          'LISTEN connection lost; polling until it is back',
        )
      retry = setTimeout(connect, delay)
      retry.unref()
      delay = Math.min(delay * 2, retryMs.max)
    }

    async function connect() {
      retry = undefined
      if (closed) return
      const c = new pg.Client({ connectionString, connectionTimeoutMillis: 10_000 })
      client = c
      c.on('error', (err) => drop(c, err))
      c.on('end', () => drop(c))
      c.on('notification', (msg) => {
        if (msg.channel === channel) onNotify()
      })
      try {
        await c.connect()
        await c.query(`LISTEN "${channel}"`)
      } catch (err) {
        drop(c, err as Error)
        return
      }
      if (closed || client !== c) return
      up = true
      delay = retryMs.first
      onNotify() // what was committed while not listening is read now
    }

    void connect()
    return {
      listening: () => up,
      async close() {
        closed = true
        up = false
        if (retry) clearTimeout(retry)
        const c = client
        client = undefined
        if (c) await endQuietly(c)
      },
    }
  }
}
