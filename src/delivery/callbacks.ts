import type { Db } from '../db/connect.ts'
import { enqueueJob } from '../jobs/jobs-repo.ts'
import type { Logger } from '../log.ts'
import { openDelivery } from './delivery-log.ts'
import { endpointsFor } from './endpoints.ts'

// Every outcome forwarded to the tenant's callback URL (SPEC §6), and inbound messages and
// statuses too: everything a tenant should hear about is already an `events` row (written in
// the same transaction as the change). A pump on every instance moves a shared cursor over the
// events table with compare-and-set (one instance wins each round) and enqueues one
// `callback.deliver` job per event and endpoint of its tenant (endpoints.ts: its webhook
// subscriptions whose filter takes the event), with its `webhook_deliveries` row; the job
// (deliver-job.ts) POSTs it, signed, and retries failures over more than 24 hours, each
// endpoint on its own. Jobs of one conversation and endpoint share a lane, so a later event of
// a conversation waits until the earlier one is delivered or given up (decision 0066).
//
// PostgreSQL hands out serial ids at insert but commits in any order, so an id may become
// visible after a larger one was forwarded. Skipped ids are remembered (`pending`) and
// forwarded when they appear; after a minute they are taken for rolled back and forgotten.

const cursorName = 'events'
const pendingTtlMs = 60_000
const batchSize = 500

type Pending = { id: number; seenAt: number }
type Obj = Record<string, unknown>

export async function pumpCallbacks(db: Db, now = Date.now()): Promise<number> {
  const cursor = await db
    .selectFrom('callback_cursor')
    .selectAll()
    .where('name', '=', cursorName)
    .executeTakeFirst()
  if (!cursor) {
    // First run: start from the events that exist now (no flood of history on upgrade).
    const max = await db
      .selectFrom('events')
      .select((eb) => eb.fn.max('id').as('id'))
      .executeTakeFirst()
    await db
      .insertInto('callback_cursor')
      .values({
        name: cursorName,
        last_event_id: Number(max?.id ?? 0),
        pending: '[]',
        version: 0,
        updated_at: now,
      })
      .onConflict((oc) => oc.column('name').doNothing())
      .execute()
    return 0
  }
  const last = Number(cursor.last_event_id)
  const pending = JSON.parse(cursor.pending) as Pending[]
  const rows = await db
    .selectFrom('events')
    .select(['id', 'tenant_id', 'kind', 'payload'])
    .where('id', '>', last)
    .orderBy('id')
    .limit(batchSize)
    .execute()
  const late =
    pending.length > 0
      ? await db
          .selectFrom('events')
          .select(['id', 'tenant_id', 'kind', 'payload'])
          .where(
            'id',
            'in',
            pending.map((p) => p.id),
          )
          .execute()
      : []
  const nextLast = rows.length > 0 ? Number(rows[rows.length - 1].id) : last
  const seen = new Set(rows.map((r) => Number(r.id)))
  const found = new Set(late.map((r) => Number(r.id)))
  const nextPending = pending.filter((p) => !found.has(p.id) && now - p.seenAt < pendingTtlMs)
  for (let id = last + 1; id < nextLast && nextPending.length < 1000; id++) {
    if (!seen.has(id)) nextPending.push({ id, seenAt: now })
  }
  if (rows.length === 0 && nextPending.length === pending.length && late.length === 0) return 0

  const events = [...rows, ...late].map((e) => ({
    id: Number(e.id),
    tenantId: e.tenant_id,
    kind: e.kind,
    payload: JSON.parse(e.payload) as Obj,
  }))
  const endpoints = await endpointsFor(db, events)
  const deliver = events.flatMap((e) =>
    (endpoints.get(e.id) ?? []).map((endpoint) => ({ endpoint, event: e })),
  )
  const conversations = await conversationsOf(
    db,
    deliver.map((d) => d.event),
  )
  return db.transaction().execute(async (trx) => {
    const moved = await trx
      .updateTable('callback_cursor')
      .set({
        last_event_id: nextLast,
        pending: JSON.stringify(nextPending),
        version: cursor.version + 1,
        updated_at: now,
      })
      .where('name', '=', cursorName)
      .where('version', '=', cursor.version)
      .executeTakeFirst()
    if (Number(moved.numUpdatedRows) !== 1) return 0 // another instance forwarded this round
    for (const { endpoint, event } of deliver) {
      await queueDelivery(trx, {
        tenantId: endpoint.tenantId,
        subscriptionId: endpoint.id,
        eventId: event.id,
        eventKind: event.kind,
        conversationId: conversations.get(event.id) ?? null,
      })
    }
    return deliver.length
  })
}

/** The attempts of one delivery (decision 0066): at once, then 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h later: 27.6 h. */
export const retryDelaysMs = [5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000]
export const deliveryAttempts = retryDelaysMs.length + 1

/** One event to one subscription: its delivery row and its job, in the caller's transaction. */
/** One subscription's deliveries about one conversation run in order, in this lane. */
export function deliveryLane(subscriptionId: string, conversationId: string | null): string | null {
  return conversationId ? `hook:${subscriptionId}:${conversationId}` : null
}

export async function queueDelivery(
  db: Db,
  d: {
    tenantId: string
    subscriptionId: string
    eventId: number
    eventKind: string
    conversationId: string | null
  },
): Promise<void> {
  await openDelivery(db, d)
  await enqueueJob(
    db,
    'callback.deliver',
    { tenantId: d.tenantId, endpointId: d.subscriptionId, eventId: d.eventId },
    {
      // One more than the schedule: deliver-job.ts gives up itself after the last attempt.
      maxAttempts: deliveryAttempts + 1,
      lane: deliveryLane(d.subscriptionId, d.conversationId),
    },
  )
}

/** The conversation each event is about: named in its payload, or its message's. */
export async function conversationsOf(
  db: Db,
  events: readonly { id: number; payload: Obj }[],
): Promise<Map<number, string>> {
  const out = new Map<number, string>()
  const byMessage = new Map<string, number[]>()
  for (const e of events) {
    const c = e.payload?.conversationId
    const m = e.payload?.messageId
    if (typeof c === 'string') out.set(e.id, c)
    else if (typeof m === 'string') byMessage.set(m, [...(byMessage.get(m) ?? []), e.id])
  }
  if (byMessage.size > 0) {
    const rows = await db
      .selectFrom('messages')
      .select(['id', 'conversation_id'])
      .where('id', 'in', [...byMessage.keys()])
      .execute()
    for (const r of rows) {
      if (!r.conversation_id) continue
      for (const id of byMessage.get(r.id) ?? []) out.set(id, r.conversation_id)
    }
  }
  return out
}

/** Runs the pump every `intervalMs` until stopped; `onQueued` wakes the local workers. */
export function startCallbackPump(
  db: Db,
  log: Logger,
  options: { intervalMs?: number; onQueued?: () => void } = {},
) {
  let stopped = false
  let running: Promise<void> | undefined
  const tick = async () => {
    try {
      // Drain a backlog in one tick, a batch at a time.
      for (let i = 0; i < 20 && !stopped; i++) {
        const queued = await pumpCallbacks(db)
        if (queued > 0) options.onQueued?.()
        if (queued < batchSize) break
      }
    } catch (err) {
      if (!stopped) log.warn({ err }, 'callback pump failed')
    }
  }
  const timer = setInterval(() => {
    if (!running) running = tick().finally(() => (running = undefined))
  }, options.intervalMs ?? 500)
  timer.unref()
  return {
    async stop() {
      stopped = true
      clearInterval(timer)
      await running
    },
  }
}
