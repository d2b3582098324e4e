import { sql } from 'kysely'
import { explainMetaError } from '../cloud-api/error-catalogue.ts'
import { metaTimeMs } from '../cloud-api/meta-time.ts'
import type { MessageStatusUpdate } from '../cloud-api/webhook-types.ts'
import { wireInteger, wireText } from '../cloud-api/wire-values.ts'
import type { Db } from '../db/connect.ts'
import { newId } from '../ids.ts'

// Message statuses (SPEC §5): every status webhook is kept once in message_status_events
// (unique per number, wamid and status), statuses of wamids we never sent included; the message
// itself only moves forward sent → delivered → read (a late `delivered` after `read` stays in
// history). `failed` records Meta's code, title, details and our explanation.

const rank: Record<string, number> = {
  queued: 0,
  sending: 0,
  unknown: 0,
  sent: 1,
  delivered: 2,
  read: 3,
  played: 4,
  failed: 1.5, // after sent; never over delivered/read
}

export function statusMoves(current: string, next: string): boolean {
  if (current === next) return false
  if (current === 'failed') return next === 'delivered' || next === 'read' || next === 'played'
  return (rank[next] ?? -1) > (rank[current] ?? -1)
}

export type StatusResult = {
  stored: boolean
  messageId: string | null
  tenantId: string | null
  changed: boolean
}

/** One status webhook (applyStatuses of one). */
export async function applyStatus(db: Db, input: StatusInput): Promise<StatusResult> {
  const [result] = await applyStatuses(db, [input])
  return result
}

export type StatusInput = {
  metaPhoneNumberId: string
  numberRowId: string | null
  status: MessageStatusUpdate
  webhookEventId: string | null
}

/**
 * applyStatus for a batch of status webhooks (one processing job), in their order: their
 * messages read in one statement, the statuses stored in one multi-row statement per 500, then
 * the messages that moved updated in one statement per set of columns written (each message's
 * statuses applied in order, as one by one would). A status repeated within the batch is stored
 * once, like a redelivery.
 */
export async function applyStatuses(db: Db, list: readonly StatusInput[]): Promise<StatusResult[]> {
  if (list.length === 0) return []
  const messages = new Map<string, { id: string; tenant_id: string; status: string }>()
  const wamids = [...new Set(list.filter((i) => i.numberRowId).map((i) => i.status.id))]
  for (let i = 0; i < wamids.length; i += 500) {
    const rows = await db
      .selectFrom('messages')
      .select(['id', 'tenant_id', 'status', 'phone_number_id', 'wamid'])
      .where('wamid', 'in', wamids.slice(i, i + 500))
      .execute()
    for (const r of rows) messages.set(`${r.phone_number_id}|${r.wamid}`, r)
  }
  const messageOf = (i: StatusInput) =>
    i.numberRowId ? messages.get(`${i.numberRowId}|${i.status.id}`) : undefined
  const keyOf = (phoneNumberId: string, wamid: string, status: string) =>
    JSON.stringify([phoneNumberId, wamid, status])
  const stored = new Set<string>()
  const now = Date.now()
  for (let i = 0; i < list.length; i += 500) {
    const rows = await db
      .insertInto('message_status_events')
      .values(
        list.slice(i, i + 500).map((input) => {
          const s = input.status
          return {
            id: newId('st', now),
            phone_number_id: input.metaPhoneNumberId,
            wamid: s.id,
            status: s.status,
            message_id: messageOf(input)?.id ?? null,
            meta_timestamp: metaTimeMs(s.timestamp) ?? now,
            recipient_id: s.recipient_id ?? s.recipient_user_id ?? null,
            errors: s.errors ? JSON.stringify(s.errors) : null,
            pricing: s.pricing ? JSON.stringify(s.pricing) : null,
            conversation: s.conversation ? JSON.stringify(s.conversation) : null,
            webhook_event_id: input.webhookEventId,
            created_at: now,
          }
        }),
      )
      .onConflict((oc) => oc.columns(['phone_number_id', 'wamid', 'status']).doNothing())
      .returning(['phone_number_id', 'wamid', 'status'])
      .execute()
    for (const r of rows) stored.add(keyOf(r.phone_number_id, r.wamid, r.status))
  }
  const current = new Map([...messages.values()].map((m) => [m.id, m.status]))
  /** message id → the columns its statuses write, later statuses' values over earlier ones'. */
  const patches = new Map<string, MessagePatch>()
  const results: StatusResult[] = []
  for (const input of list) {
    const s = input.status
    const key = keyOf(input.metaPhoneNumberId, s.id, s.status)
    const isNew = stored.delete(key) // the first of a repeated status only
    const message = messageOf(input)
    if (!isNew || !message) {
      results.push({
        stored: isNew,
        messageId: message?.id ?? null,
        tenantId: message?.tenant_id ?? null,
        changed: false,
      })
      continue
    }
    const at = metaTimeMs(s.timestamp) ?? now
    const { moves, patch } = statusPatch(current.get(message.id) as string, s, at)
    if (patch) patches.set(message.id, { ...patches.get(message.id), ...patch })
    if (moves) current.set(message.id, s.status)
    results.push({ stored: true, messageId: message.id, tenantId: message.tenant_id, changed: moves })
  }
  await updateMessages(db, patches)
  return results
}

type MessagePatch = Partial<Record<keyof typeof patchColumnTypes, string | number | null>>

/** The SQL type of each column a status writes (the values list of updateMessages casts to it). */
const patchColumnTypes = {
  status: 'text',
  status_at: 'bigint',
  pricing_model: 'text',
  pricing_category: 'text',
  pricing_type: 'text',
  billable: 'integer',
  error_code: 'integer',
  error_title: 'text',
  error_details: 'text',
  error_explanation: 'text',
} as const

/**
 * The patches of many messages: one statement for all the messages whose patches write the same
 * columns (a status storm: one or two statements a batch instead of one a status).
 */
async function updateMessages(db: Db, patches: ReadonlyMap<string, MessagePatch>): Promise<void> {
  const groups = new Map<string, { columns: (keyof MessagePatch)[]; rows: [string, MessagePatch][] }>()
  for (const [id, patch] of patches) {
    const columns = (Object.keys(patch) as (keyof MessagePatch)[]).sort()
    const key = columns.join(',')
    const group = groups.get(key) ?? { columns, rows: [] }
    groups.set(key, group)
    group.rows.push([id, patch])
  }
  const updatedAt = Date.now()
  for (const { columns, rows } of groups.values()) {
    for (let i = 0; i < rows.length; i += 500) {
      const values = sql.join(
        rows
          .slice(i, i + 500)
          .map(
            ([id, patch]) =>
              sql`(${id}, ${sql.join(columns.map((c) => sql`cast(${patch[c] ?? null} as ${sql.raw(patchColumnTypes[c])})`))})`,
          ),
      )
      const names = sql.join(columns.map((c) => sql.ref(c)))
      const sets = sql.join(columns.map((c) => sql`${sql.ref(c)} = ${sql.ref(`v.${c}`)}`))
      await sql`with v(id, ${names}) as (values ${values})
        update messages set ${sets}, updated_at = ${updatedAt}
        from v where messages.id = v.id`.execute(db)
    }
  }
}

/** What one status writes on its message (nothing when it neither moves it nor prices it). */
function statusPatch(
  current: string,
  s: MessageStatusUpdate,
  at: number,
): { moves: boolean; patch: MessagePatch | undefined } {
  const pricing = s.pricing
  const error = s.status === 'failed' ? s.errors?.[0] : undefined
  const info = error ? explainMetaError(error.code) : undefined
  const moves = statusMoves(current, s.status)
  if (!moves && !pricing) return { moves, patch: undefined }
  return {
    moves,
    patch: {
      ...(moves ? { status: s.status, status_at: at } : {}),
      ...(pricing
        ? {
            pricing_model: wireText(pricing.pricing_model),
            pricing_category: wireText(pricing.category),
            pricing_type: wireText(pricing.type),
            billable: typeof pricing.billable === 'boolean' ? (pricing.billable ? 1 : 0) : null,
          }
        : {}),
      ...(moves && error
        ? {
            error_code: wireInteger(error.code),
            error_title: wireText(error.title) ?? wireText(error.message),
            error_details: wireText(error.error_data?.details),
            error_explanation: info ? `${info.meaning} ${info.fix}` : null,
          }
        : {}),
    },
  }
}

/** A status a message moved to, with Meta's error code when it is `failed`. */
export type StatusMove = { status: string; errorCode: number | null }

/**
 * Status webhooks can arrive before the send worker stored the wamid Meta returned. Once it
 * has, the statuses already received are linked and applied in time order. Returns each move
 * the message made, in order (`delivered` then `read` when both came early), so every one is
 * news for the tenant as it would have been in order.
 */
export async function applyEarlierStatuses(
  db: Db,
  messageId: string,
  metaPhoneNumberId: string,
  wamid: string,
): Promise<StatusMove[]> {
  const events = await db
    .selectFrom('message_status_events')
    .selectAll()
    .where('phone_number_id', '=', metaPhoneNumberId)
    .where('wamid', '=', wamid)
    .where('message_id', 'is', null)
    .orderBy('meta_timestamp')
    .execute()
  if (events.length === 0) return []
  await db
    .updateTable('message_status_events')
    .set({ message_id: messageId })
    .where(
      'id',
      'in',
      events.map((e) => e.id),
    )
    .execute()
  const moves: StatusMove[] = []
  let patch: MessagePatch = {}
  let { status: current } = await db
    .selectFrom('messages')
    .select('status')
    .where('id', '=', messageId)
    .executeTakeFirstOrThrow()
  for (const e of events) {
    const status = {
      id: e.wamid,
      status: e.status,
      timestamp: String(Math.floor((e.meta_timestamp ?? Date.now()) / 1000)),
      errors: e.errors ? JSON.parse(e.errors) : undefined,
      pricing: e.pricing ? JSON.parse(e.pricing) : undefined,
    } as MessageStatusUpdate
    const applied = statusPatch(current, status, e.meta_timestamp ?? Date.now())
    if (applied.patch) patch = { ...patch, ...applied.patch }
    if (applied.moves) {
      current = e.status
      const code = e.status === 'failed' ? status.errors?.[0]?.code : undefined
      moves.push({ status: e.status, errorCode: code === undefined ? null : (wireInteger(code) ?? null) })
    }
  }
  if (Object.keys(patch).length > 0) await updateMessages(db, new Map([[messageId, patch]]))
  return moves
}

/**
 * Statuses stored without their message because the webhook's transaction looked the wamid up
 * just before the send's transaction stored it (both in flight at once): the messages they
 * belong to, one row each, for applyEarlierStatuses. Looks at statuses stored after `since`.
 */
export async function findOrphanStatuses(
  db: Db,
  since: number,
): Promise<{ messageId: string; tenantId: string; metaPhoneNumberId: string; wamid: string }[]> {
  const rows = await db
    .selectFrom('message_status_events as s')
    .innerJoin('phone_numbers as p', 'p.phone_number_id', 's.phone_number_id')
    .innerJoin('messages as m', (j) =>
      j.onRef('m.phone_number_id', '=', 'p.id').onRef('m.wamid', '=', 's.wamid'),
    )
    .select(['m.id as message_id', 'm.tenant_id', 's.phone_number_id', 's.wamid'])
    .where('s.message_id', 'is', null)
    .where('s.created_at', '>', since)
    .execute()
  const byMessage = new Map<
    string,
    { messageId: string; tenantId: string; metaPhoneNumberId: string; wamid: string }
  >()
  for (const r of rows)
    if (!byMessage.has(r.message_id))
      byMessage.set(r.message_id, {
        messageId: r.message_id,
        tenantId: r.tenant_id,
        metaPhoneNumberId: r.phone_number_id,
        wamid: r.wamid,
      })
  return [...byMessage.values()]
}
