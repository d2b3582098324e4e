import { createHmac } from 'node:crypto'
import type { Vault } from '../channels/vault.ts'
import type { Db } from '../db/connect.ts'
import { listEventsAfter } from '../events/events-repo.ts'
import { enqueueJob } from '../jobs/jobs-repo.ts'
import type { JobHandler } from '../jobs/types.ts'
import type { Logger } from '../log.ts'
import { endpointsOf, endpointTarget, tenantEndpointId } from './endpoints.ts'

// Every outcome forwarded to the tenant's callback URL (SPEC §6), and inbound messages and
// statuses too: everything a tenant should hear about is already an `events` row (written in
// the same transaction as the change). A pump on every instance moves a shared cursor over the
// events table with compare-and-set (one instance wins each round) and enqueues one
// `callback.deliver` job per event and endpoint of its tenant (endpoints.ts: today the tenant's
// callback URL); the job POSTs it, signed, and the runner retries failures with exponential
// backoff (about 9 hours in all), each endpoint on its own.
//
// PostgreSQL hands out serial ids at insert but commits in any order, so an id may become
// visible after a larger one was forwarded. Skipped ids are remembered (`pending`) and
// forwarded when they appear; after a minute they are taken for rolled back and forgotten.

export const callbackMaxAttempts = 15
const cursorName = 'events'
const pendingTtlMs = 60_000
const batchSize = 500

type Pending = { id: number; seenAt: number }

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
    .select(['id', 'tenant_id'])
    .where('id', '>', last)
    .orderBy('id')
    .limit(batchSize)
    .execute()
  const late =
    pending.length > 0
      ? await db
          .selectFrom('events')
          .select(['id', 'tenant_id'])
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

  const events = [...rows, ...late]
  const endpoints = await endpointsOf(
    db,
    events.flatMap((e) => (e.tenant_id === null ? [] : [e.tenant_id])),
  )
  const deliver = events.flatMap((e) =>
    (endpoints.get(e.tenant_id ?? '') ?? []).map((endpoint) => ({ endpoint, eventId: Number(e.id) })),
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
    for (const { endpoint, eventId } of deliver) {
      await enqueueJob(
        trx,
        'callback.deliver',
        { tenantId: endpoint.tenantId, endpointId: endpoint.id, eventId },
        { maxAttempts: callbackMaxAttempts },
      )
    }
    return deliver.length
  })
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

type Obj = Record<string, unknown>

/** What the tenant receives about a message: a snapshot of it as it is now. */
async function messageSnapshot(db: Db, tenantId: string, messageId: string): Promise<Obj | null> {
  const row = await db
    .selectFrom('messages as m')
    .innerJoin('phone_numbers as p', 'p.id', 'm.phone_number_id')
    .select([
      'm.id',
      'm.conversation_id',
      'm.direction',
      'm.type',
      'm.status',
      'm.wamid',
      'm.content',
      'm.error_code',
      'm.error_title',
      'm.error_details',
      'm.error_explanation',
      'm.created_at',
      'p.phone_number_id',
    ])
    .where('m.tenant_id', '=', tenantId)
    .where('m.id', '=', messageId)
    .executeTakeFirst()
  if (!row) return null
  const content = JSON.parse(row.content) as Obj
  const out = row.direction === 'out'
  return {
    id: row.id,
    conversationId: row.conversation_id,
    direction: row.direction,
    type: row.type,
    status: row.status,
    wamid: row.wamid,
    from: out ? row.phone_number_id : (content.from ?? null),
    to: out ? (content.to ?? content.recipient ?? null) : row.phone_number_id,
    ...(out ? {} : { content }),
    error:
      row.error_code === null && row.error_title === null
        ? null
        : {
            code: row.error_code,
            title: row.error_title,
            details: row.error_details,
            explanation: row.error_explanation,
          },
    createdAt: row.created_at,
  }
}

export function signCallback(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`
}

export function createCallbackDeliverJob(deps: {
  db: Db
  vault: Vault
  timeoutMs?: number
}): JobHandler<'callback.deliver'> {
  const { db, vault } = deps
  // Jobs queued before endpoints had ids name only the tenant: its one endpoint.
  return async ({ tenantId, endpointId = tenantEndpointId, eventId }, { log }) => {
    const target = await endpointTarget(db, vault, { id: endpointId, tenantId })
    if (!target) return undefined // the endpoint was removed meanwhile
    const [event] = await listEventsAfter(db, { tenantId, afterId: eventId - 1, limit: 1 })
    if (!event || event.id !== eventId) return undefined
    const payload = event.payload as Obj
    const messageId = typeof payload?.messageId === 'string' ? payload.messageId : undefined
    const body = JSON.stringify({
      id: eventId,
      type: event.kind,
      createdAt: event.createdAt,
      data: payload,
      ...(messageId ? { message: await messageSnapshot(db, tenantId, messageId) } : {}),
    })
    const res = await fetch(target.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'wahub-callbacks',
        'x-wahub-event-id': String(eventId),
        'x-wahub-signature-256': signCallback(target.secret, body),
      },
      body,
      signal: AbortSignal.timeout(deps.timeoutMs ?? 10_000),
    })
    await res.body?.cancel().catch(() => {})
    const host = new URL(target.url).host
    if (!res.ok) {
      log.warn(
        { tenantId, endpointId, eventId, kind: event.kind, host, status: res.status },
        'callback failed',
      )
      throw new Error(`the callback URL (${host}) answered HTTP ${res.status}`)
    }
    log.debug({ tenantId, endpointId, eventId, kind: event.kind, host }, 'callback delivered')
    return undefined
  }
}
