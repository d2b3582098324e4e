import type { ServerResponse } from 'node:http'
import { Type } from 'typebox'
import type { Db } from '../../../db/connect.ts'
import { type Listen, type Listener, notifyChannels } from '../../../db/notify.ts'
import { type EventRow, latestEventId, listEventsAfter } from '../../../events/events-repo.ts'
import type { Logger } from '../../../log.ts'
import { principalOf } from '../../auth.ts'
import { authErrors, Millis, Nullable } from '../../presenters/schema-helpers.ts'
import { routes } from '../plugin.ts'

// GET /api/v1/live: the dashboard's live updates as Server-Sent Events (SPEC §10). The stream is
// read from the events table, never from this process's memory, so an event recorded by any
// instance on the same database reaches every instance's clients (SPEC §2 scale-out).
//
// One reader per instance serves all its connections: one query per wake-up whatever the number
// of open dashboards, reading only what is new (and, briefly, what lies beyond a not-yet-committed
// id). On PostgreSQL the reader LISTENs for the NOTIFY that migration 0020's trigger sends when
// any instance commits an event, so a message taken in by instance A reaches a dashboard on
// instance B as fast as one on A; polling stays as the safety net (and is the mechanism on SQLite,
// where one process owns the data). A tenant's user or key gets its own tenant's events only; an
// operator gets all.
// Resuming: EventSource sends the last id it saw as Last-Event-ID when it reconnects.
// A request that does not accept text/event-stream gets one JSON page instead (polling clients).

/** Poll period without notifications (SQLite, or while the LISTEN connection is down). */
const pollMs = 400
/** Poll period while notifications arrive: only a safety net. */
const listeningPollMs = 5_000
const heartbeatMs = 15_000
/** Streams end after this; EventSource reconnects at once, so a revoked session stops here. */
const maxStreamMs = 10 * 60_000
const batch = 500
/**
 * Event ids come from one sequence, so a missing id below the newest seen is a row not committed
 * yet — on PostgreSQL two transactions can commit out of order — or one rolled back. The poller
 * waits this long for such a gap to fill (re-reading from it) before it gives up on the id.
 */
const gapMs = 5_000

const LiveEvent = Type.Object({
  id: Type.Integer(),
  kind: Type.String({ description: 'message.received, message.status, template.status, number.quality, …' }),
  tenantId: Nullable(Type.String()),
  subjectId: Nullable(Type.String()),
  payload: Type.Unknown(),
  createdAt: Millis,
})

type Subscriber = {
  tenantId: string | null
  /** Rows with ids up to this were sent by the catch-up query (or precede the stream). */
  from: number
  send(event: EventRow): void
}

type Wake = 'notify' | 'poll'

/** The instance's reader: reads new events when woken and hands each to its subscribers. */
type HubOptions = {
  listen?: Listen
  /** After each read: what woke it, how many new events it handed out, whether LISTEN is up. */
  onRead?: (wake: Wake, events: number, listening: boolean) => void
}

function createHub(db: Db, log: Logger, options: HubOptions) {
  const subscribers = new Set<Subscriber>()
  /** Every id up to this was seen (or given up on); each read starts after it. */
  let settled = -1
  /** Ids above `settled` already handed out (rows seen beyond a gap). */
  const sent = new Set<number>()
  /** Since when the id after `settled` is missing while later ones exist. */
  let gapSince: number | null = null
  let timer: NodeJS.Timeout | undefined
  let reading: Promise<void> | undefined
  /** A wake-up arrived during a read: read again when it ends (the commit may follow its query). */
  let again: Wake | undefined
  let listener: Listener | undefined

  function advance(now: number) {
    while (sent.has(settled + 1)) sent.delete(++settled)
    if (sent.size === 0) {
      gapSince = null
      return
    }
    gapSince ??= now
    if (now - gapSince < gapMs) return
    // Waited long enough: that id was rolled back. Skip to the next id seen and go on.
    let next = Number.POSITIVE_INFINITY
    for (const id of sent) next = Math.min(next, id)
    settled = next - 1
    gapSince = null
    advance(now)
  }

  async function read(wake: Wake): Promise<void> {
    let handed = 0
    try {
      if (settled < 0) settled = await latestEventId(db)
      let after = settled
      for (;;) {
        const rows = await listEventsAfter(db, { tenantId: null, afterId: after, limit: batch })
        for (const row of rows) {
          if (sent.has(row.id)) continue
          sent.add(row.id)
          handed++
          for (const s of subscribers) {
            if (row.id > s.from && (s.tenantId === null || s.tenantId === row.tenantId)) s.send(row)
          }
        }
        if (rows.length < batch) break
        after = rows[rows.length - 1].id
      }
      advance(Date.now())
    } catch (err) {
      log.warn({ err }, 'live read failed')
    }
    options.onRead?.(wake, handed, listener?.listening() ?? false)
  }

  function wake(why: Wake) {
    if (subscribers.size === 0) return
    if (reading) {
      again ??= why
      return
    }
    reading = (async () => {
      let next: Wake | undefined = why
      while (next) {
        again = undefined
        await read(next)
        next = subscribers.size > 0 ? again : undefined
      }
    })().finally(() => {
      reading = undefined
      schedule()
    })
  }

  /** The next safety-net poll: slow while notifications arrive and no gap is being waited on. */
  function schedule() {
    if (timer) clearTimeout(timer)
    timer = undefined
    if (subscribers.size === 0) return
    const slow = listener?.listening() && gapSince === null
    timer = setTimeout(() => wake('poll'), slow ? listeningPollMs : pollMs)
    timer.unref()
  }

  return {
    /** The newest id the reader has handed out (the stream of a new subscriber starts after it). */
    async start(): Promise<number> {
      if (settled < 0) settled = await latestEventId(db)
      let newest = settled
      for (const id of sent) newest = Math.max(newest, id)
      return newest
    },
    add(s: Subscriber) {
      subscribers.add(s)
      listener ??= options.listen?.(notifyChannels.events, () => wake('notify'), log)
      if (!timer && !reading) schedule()
    },
    remove(s: Subscriber) {
      subscribers.delete(s)
      if (subscribers.size === 0) {
        if (timer) clearTimeout(timer)
        timer = undefined
        // Nobody listens: the next subscriber starts from the newest id again.
        settled = -1
        sent.clear()
        gapSince = null
      }
    },
    async close() {
      if (timer) clearTimeout(timer)
      timer = undefined
      await listener?.close()
      listener = undefined
    },
  }
}

function cursorOf(header: unknown, query: number | undefined): number | undefined {
  if (typeof header === 'string' && /^\d{1,15}$/.test(header.trim())) return Number(header.trim())
  return query
}

function frame(event: EventRow): string {
  const data = {
    id: event.id,
    kind: event.kind,
    tenantId: event.tenantId,
    subjectId: event.subjectId,
    payload: event.payload,
    createdAt: event.createdAt,
  }
  return `id: ${event.id}\ndata: ${JSON.stringify(data)}\n\n`
}

export const liveRoutes = routes(async (app, deps) => {
  const { db } = deps.handle
  const hub = createHub(db, deps.log, {
    listen: deps.handle.listen,
    onRead(wake, events, listening) {
      if (events > 0) deps.metrics.liveEvents.inc({ wake }, events)
      deps.metrics.liveListening.set(listening ? 1 : 0)
    },
  })
  const open = new Set<ServerResponse>()

  // Open streams would keep the server from closing: end them first.
  app.addHook('preClose', async () => {
    for (const res of open) res.end()
    open.clear()
  })
  app.addHook('onClose', () => hub.close())

  app.get(
    '/live',
    {
      config: { access: { scope: 'read', tenant: 'any' } },
      schema: {
        tags: ['inbox'],
        summary: 'Live updates: new messages, status changes, template and number events (SSE)',
        description:
          'With `Accept: text/event-stream`, a Server-Sent Events stream (`id`, `data` = the event as JSON with its `kind`; a comment every 15 s keeps proxies from closing it; resumes after `Last-Event-ID`). Otherwise one JSON page of the events after `after` (none given: none, and `lastId` to poll from). A tenant sees its own events; an operator all.',
        querystring: Type.Object({
          after: Type.Optional(Type.Integer({ minimum: 0, description: 'Events after this id' })),
        }),
        response: {
          200: Type.Object({ events: Type.Array(LiveEvent), lastId: Type.Integer() }),
          ...authErrors,
        },
      },
    },
    async (req, reply) => {
      const tenantId = principalOf(req).tenantId
      const cursor = cursorOf(req.headers['last-event-id'], req.query.after)
      const wantsStream = (req.headers.accept ?? '').includes('text/event-stream')

      if (!wantsStream) {
        if (cursor === undefined) return { events: [], lastId: await latestEventId(db) }
        const events = await listEventsAfter(db, { tenantId, afterId: cursor, limit: batch })
        const lastId = events.length ? events[events.length - 1].id : cursor
        return { events, lastId }
      }

      const start = await hub.start()
      const res = reply.raw
      reply.hijack()
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      })
      res.write('retry: 2000\n\n')
      open.add(res)

      // Catch-up first (events after the client's cursor up to where the poller stands), holding
      // back what the poller hands over meanwhile so the client sees ids in order.
      let held: EventRow[] | null = []
      const sub: Subscriber = {
        tenantId,
        from: start,
        send: (event) => (held ? held.push(event) : res.write(frame(event))),
      }
      hub.add(sub)
      const heartbeat = setInterval(() => res.write(': ping\n\n'), heartbeatMs)
      const lifetime = setTimeout(() => res.end(), maxStreamMs)
      heartbeat.unref()
      lifetime.unref()
      res.on('close', () => {
        clearInterval(heartbeat)
        clearTimeout(lifetime)
        hub.remove(sub)
        open.delete(res)
      })
      try {
        let after = cursor ?? start
        while (after < start) {
          const rows = (await listEventsAfter(db, { tenantId, afterId: after, limit: batch })).filter(
            (r) => r.id <= start,
          )
          for (const row of rows) res.write(frame(row))
          if (rows.length === 0) break
          after = rows[rows.length - 1].id
        }
        for (const event of held) res.write(frame(event))
        held = null
      } catch (err) {
        req.log.warn({ err }, 'live catch-up failed')
        res.end() // the client reconnects with its Last-Event-ID
        return
      }

      req.log.debug({ tenantId, cursor, start }, 'live stream opened')
    },
  )
})
