import type { Db } from '../db/connect.ts'

// Domain events (a message arrived, a status changed, a template was paused, a number's
// quality dropped). They feed the dashboard's live updates and the Events list, and tenants'
// callbacks; being rows in the shared database, every instance sees them (SPEC §2 scale-out).

/** Every kind of domain event, in one list (delivery/ derives what a subscription may filter on). */
export const eventKinds = [
  'message.received',
  'message.status',
  'template.status',
  'template.quality',
  'template.category',
  'number.quality',
  'number.name',
  'token.expiring',
  'account.update',
  'webhook.field',
  'webhook.unrouted',
  'conversation.status',
  'conversation.assigned',
  'conversation.note',
  'conversation.labels',
  'subscription.disabled',
  'widget.message',
  'contact.opted_out',
  'campaign.status',
  'campaign.paused',
  'campaign.progress',
] as const

export type EventKind = (typeof eventKinds)[number]

export async function recordEvent(
  db: Db,
  event: { tenantId: string | null; kind: EventKind; subjectId?: string | null; payload: unknown },
): Promise<void> {
  await db
    .insertInto('events')
    .values({
      tenant_id: event.tenantId,
      kind: event.kind,
      subject_id: event.subjectId ?? null,
      payload: JSON.stringify(event.payload),
      created_at: Date.now(),
    })
    .execute()
}

/** recordEvent for several events in one statement (one NOTIFY on PostgreSQL). */
export async function recordEvents(
  db: Db,
  events: readonly {
    tenantId: string | null
    kind: EventKind
    subjectId?: string | null
    payload: unknown
  }[],
): Promise<void> {
  if (events.length === 0) return
  const now = Date.now()
  await db
    .insertInto('events')
    .values(
      events.map((event) => ({
        tenant_id: event.tenantId,
        kind: event.kind,
        subject_id: event.subjectId ?? null,
        payload: JSON.stringify(event.payload),
        created_at: now,
      })),
    )
    .execute()
}

export type EventRow = {
  id: number
  tenantId: string | null
  kind: string
  subjectId: string | null
  payload: unknown
  createdAt: number
}

/** Events after `afterId`, oldest first; `tenantId` null = every tenant (operators). */
export async function listEventsAfter(
  db: Db,
  filter: { tenantId: string | null; afterId?: number; kinds?: string[]; limit?: number },
): Promise<EventRow[]> {
  let query = db
    .selectFrom('events')
    .selectAll()
    .where('id', '>', filter.afterId ?? 0)
    .orderBy('id')
    .limit(Math.min(filter.limit ?? 100, 1000))
  if (filter.tenantId) query = query.where('tenant_id', '=', filter.tenantId)
  if (filter.kinds?.length) query = query.where('kind', 'in', filter.kinds)
  const rows = await query.execute()
  return rows.map((r) => ({
    id: r.id,
    tenantId: r.tenant_id,
    kind: r.kind,
    subjectId: r.subject_id,
    payload: JSON.parse(r.payload),
    createdAt: r.created_at,
  }))
}

/** The newest event id, 0 when there is none: where a live stream without a cursor starts. */
export async function latestEventId(db: Db): Promise<number> {
  const row = await db
    .selectFrom('events')
    .select((eb) => eb.fn.max('id').as('id'))
    .executeTakeFirst()
  return Number(row?.id ?? 0)
}
