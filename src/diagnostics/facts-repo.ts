import type { Db } from '../db/connect.ts'
import type { PhoneNumbersTable } from '../db/schema.ts'
import { newId } from '../ids.ts'

// The read-only queries doctor needs across domains (docs/decisions: diagnostics reads every
// table it reports on and writes none, except its Graph cache in settings). Queries over big
// tables (messages, statuses, webhook events) are bounded by time through the time-ordered ids
// (src/ids.ts), so they walk the primary key's recent end, never the whole table.

/** The smallest id `newId(prefix)` can produce at `at`: `id >= idFloor(…)` = created since `at`. */
function idFloor(prefix: string, at: number): string {
  return newId(prefix, Math.max(0, at)).slice(0, prefix.length + 11)
}

export type AppRow = {
  id: string
  app_id: string
  name: string | null
  app_secret_enc: string | null
  verify_token_enc: string
}

export type WabaRow = {
  id: string
  waba_id: string
  name: string | null
  meta_app_id: string | null
  tenant_id: string | null
  token_type: string | null
  token_expires_at: number | null
  token_last4: string
  access_token_enc: string
  api_version: string | null
  graph_url: string | null
  is_sandbox: number
}

export type NumberRow = Omit<PhoneNumbersTable, 'is_sandbox'> & { is_sandbox: number }

export type Scope = {
  apps: AppRow[]
  wabas: WabaRow[]
  numbers: NumberRow[]
  /** `--channel` named a phone_number_id Wahub does not hold. */
  unknownChannel: string | null
}

export async function loadApps(db: Db): Promise<AppRow[]> {
  return db
    .selectFrom('meta_apps')
    .select(['id', 'app_id', 'name', 'app_secret_enc', 'verify_token_enc'])
    .orderBy('id')
    .execute()
}

async function loadWabas(db: Db, ids?: string[]): Promise<WabaRow[]> {
  let query = db
    .selectFrom('wabas')
    .select([
      'id',
      'waba_id',
      'name',
      'meta_app_id',
      'tenant_id',
      'token_type',
      'token_expires_at',
      'token_last4',
      'access_token_enc',
      'api_version',
      'graph_url',
      'is_sandbox',
    ])
    .orderBy('id')
  if (ids) query = query.where('id', 'in', ids.length ? ids : [''])
  return query.execute()
}

/** Everything in scope: all channels, or the one number `channel` names (our id or Meta's). */
export async function loadScope(db: Db, channel?: string): Promise<Scope> {
  const apps = await loadApps(db)
  if (!channel) {
    const numbers = await db.selectFrom('phone_numbers').selectAll().orderBy('phone_number_id').execute()
    return { apps, wabas: await loadWabas(db), numbers, unknownChannel: null }
  }
  const numbers = await db
    .selectFrom('phone_numbers')
    .selectAll()
    .where((eb) => eb.or([eb('phone_number_id', '=', channel), eb('id', '=', channel)]))
    .execute()
  if (numbers.length === 0) return { apps, wabas: [], numbers: [], unknownChannel: channel }
  return { apps, wabas: await loadWabas(db, [numbers[0].waba_id]), numbers, unknownChannel: null }
}

export async function knownNumbers(
  db: Db,
): Promise<{ phone_number_id: string; display_phone_number: string | null }[]> {
  return db
    .selectFrom('phone_numbers')
    .select(['phone_number_id', 'display_phone_number'])
    .orderBy('phone_number_id')
    .execute()
}

export async function latestAuditAt(db: Db): Promise<number> {
  const row = await db
    .selectFrom('audit_log')
    .select((eb) => eb.fn.max('at').as('at'))
    .executeTakeFirst()
  return Number(row?.at ?? 0)
}

/** Removes settings under `prefix` not written since `olderThan` (old cache entries). */
export async function pruneSettings(db: Db, prefix: string, olderThan: number): Promise<void> {
  await db
    .deleteFrom('settings')
    .where('key', 'like', `${prefix}%`)
    .where('updated_at', '<', olderThan)
    .execute()
}

/** When a webhook last arrived: any (no number given), or one that concerned this number. */
export async function lastWebhookAt(
  db: Db,
  number: { rowId: string; phoneNumberId: string } | undefined,
  lookbackFrom: number,
): Promise<number | null> {
  if (!number) {
    const row = await db
      .selectFrom('webhook_events')
      .select('received_at')
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst()
    return row ? Number(row.received_at) : null
  }
  const inbound = await db
    .selectFrom('messages')
    .select((eb) => eb.fn.max('created_at').as('at'))
    .where('id', '>=', idFloor('msg', lookbackFrom))
    .where('phone_number_id', '=', number.rowId)
    .where('direction', '=', 'in')
    .executeTakeFirst()
  const status = await db
    .selectFrom('message_status_events')
    .select((eb) => eb.fn.max('created_at').as('at'))
    .where('id', '>=', idFloor('st', lookbackFrom))
    .where('phone_number_id', '=', number.phoneNumberId)
    .executeTakeFirst()
  const times = [inbound?.at, status?.at].filter((t) => t !== null && t !== undefined).map(Number)
  return times.length ? Math.max(...times) : null
}

export type SendStats = { count: number; first: number | null; last: number | null }

/** Sends Meta accepted (they have a wamid) created in [from, to). */
export async function acceptedSends(
  db: Db,
  numberRowId: string | undefined,
  from: number,
  to: number,
): Promise<SendStats> {
  let query = db
    .selectFrom('messages')
    .select((eb) => [
      eb.fn.countAll<number>().as('n'),
      eb.fn.min('created_at').as('first'),
      eb.fn.max('created_at').as('last'),
    ])
    .where('id', '>=', idFloor('msg', from))
    .where('direction', '=', 'out')
    .where('wamid', 'is not', null)
    .where('status', 'in', ['sent', 'delivered', 'read'])
    .where('created_at', '>=', from)
    .where('created_at', '<', to)
  if (numberRowId) query = query.where('phone_number_id', '=', numberRowId)
  const row = await query.executeTakeFirst()
  return {
    count: Number(row?.n ?? 0),
    first: row?.first === null || row?.first === undefined ? null : Number(row.first),
    last: row?.last === null || row?.last === undefined ? null : Number(row.last),
  }
}

export type FailureGroup = {
  code: number | null
  title: string | null
  count: number
  lastAt: number
  /** Up to 3 recipients (wa_id or user id) of those failures. */
  recipients: string[]
  numberRowIds: string[]
}

/** Outgoing messages that ended `failed` since `since`, grouped by Meta's error code. */
export async function sendFailures(
  db: Db,
  numberRowId: string | undefined,
  since: number,
): Promise<FailureGroup[]> {
  // Created up to a day before the window: a send retried for hours still counts.
  let query = db
    .selectFrom('messages as m')
    .leftJoin('contacts as c', 'c.id', 'm.contact_id')
    .select(['m.error_code', 'm.error_title', 'm.status_at', 'm.phone_number_id', 'c.wa_id', 'c.user_id'])
    .where('m.id', '>=', idFloor('msg', since - 24 * 60 * 60_000))
    .where('m.direction', '=', 'out')
    .where('m.status', '=', 'failed')
    .where('m.status_at', '>=', since)
    .orderBy('m.id', 'desc')
    .limit(5000)
  if (numberRowId) query = query.where('m.phone_number_id', '=', numberRowId)
  const rows = await query.execute()
  const groups = new Map<string, FailureGroup>()
  for (const r of rows) {
    const key = String(r.error_code ?? 'none')
    let g = groups.get(key)
    if (!g) {
      g = { code: r.error_code, title: r.error_title, count: 0, lastAt: 0, recipients: [], numberRowIds: [] }
      groups.set(key, g)
    }
    g.count++
    g.lastAt = Math.max(g.lastAt, Number(r.status_at))
    const who = r.wa_id ?? r.user_id
    if (who && g.recipients.length < 3 && !g.recipients.includes(who)) g.recipients.push(who)
    if (!g.numberRowIds.includes(r.phone_number_id)) g.numberRowIds.push(r.phone_number_id)
  }
  return [...groups.values()].sort((a, b) => b.count - a.count)
}

/** Sends whose outcome is unknown (no answer from Meta) or still queued after `stuckBefore`. */
export async function unsettledSends(
  db: Db,
  numberRowId: string | undefined,
  since: number,
  stuckBefore: number,
): Promise<{ unknown: number; stuck: number }> {
  let query = db
    .selectFrom('messages')
    .select(['status', 'created_at'])
    .where('id', '>=', idFloor('msg', since))
    .where('direction', '=', 'out')
    .where('status', 'in', ['unknown', 'queued', 'sending'])
  if (numberRowId) query = query.where('phone_number_id', '=', numberRowId)
  const rows = await query.execute()
  return {
    unknown: rows.filter((r) => r.status === 'unknown').length,
    stuck: rows.filter((r) => r.status !== 'unknown' && Number(r.created_at) < stuckBefore).length,
  }
}

export type UnroutedRow = {
  id: string
  received_at: number
  outcome_reason: string | null
  phone_number_ids: string | null
}

/** Webhooks parked as unrouted (newest first), waiting for their number to be added or assigned. */
export async function unroutedEvents(db: Db, limit = 5000): Promise<UnroutedRow[]> {
  return db
    .selectFrom('webhook_events')
    .select(['id', 'received_at', 'outcome_reason', 'phone_number_ids'])
    .where('outcome', '=', 'unrouted')
    .orderBy('received_at', 'desc')
    .limit(limit)
    .execute()
}

export async function eventBody(db: Db, id: string): Promise<Uint8Array | undefined> {
  const row = await db.selectFrom('webhook_events').select('body').where('id', '=', id).executeTakeFirst()
  return row?.body
}

export type TemplateRow = {
  name: string
  language: string
  status: string
  rejected_reason: string | null
  synced_at: number | null
}

export async function templatesOf(db: Db, wabaRowId: string): Promise<TemplateRow[]> {
  return db
    .selectFrom('templates')
    .select(['name', 'language', 'status', 'rejected_reason', 'synced_at'])
    .where('waba_id', '=', wabaRowId)
    .orderBy('name')
    .orderBy('language')
    .execute()
}

export type NumberOwner = {
  id: string
  phone_number_id: string
  tenant_id: string | null
  waba_tenant_id: string | null
  waba_id: string
}

/** Every number with the tenant it routes to (its own, or its WABA's) and Meta's WABA id. */
export async function numberOwners(db: Db): Promise<NumberOwner[]> {
  return db
    .selectFrom('phone_numbers as p')
    .innerJoin('wabas as w', 'w.id', 'p.waba_id')
    .select(['p.id', 'p.phone_number_id', 'p.tenant_id', 'w.tenant_id as waba_tenant_id', 'w.waba_id'])
    .execute()
}

export async function wabaRefs(db: Db): Promise<{ id: string; waba_id: string; tenant_id: string | null }[]> {
  return db.selectFrom('wabas').select(['id', 'waba_id', 'tenant_id']).execute()
}

export type WrongAppRow = {
  id: string
  received_at: number
  signer_app_id: string | null
  phone_number_ids: string | null
}

/** Webhooks kept as wrong_app (newest first): signed by an app that does not own their numbers. */
export async function wrongAppEvents(db: Db, limit = 5000): Promise<WrongAppRow[]> {
  return db
    .selectFrom('webhook_events as e')
    .leftJoin('meta_apps as a', 'a.id', 'e.meta_app_id')
    .select(['e.id', 'e.received_at', 'a.app_id as signer_app_id', 'e.phone_number_ids'])
    .where('e.outcome', '=', 'wrong_app')
    .orderBy('e.received_at', 'desc')
    .limit(limit)
    .execute()
}

/** Each number's and WABA's Meta id with its WABA and the Meta app id that WABA is linked to. */
export async function appOwners(db: Db): Promise<Map<string, { wabaId: string; ownerAppId: string | null }>> {
  const wabas = await db
    .selectFrom('wabas as w')
    .leftJoin('meta_apps as a', 'a.id', 'w.meta_app_id')
    .select(['w.id', 'w.waba_id', 'a.app_id'])
    .execute()
  const numbers = await db.selectFrom('phone_numbers').select(['phone_number_id', 'waba_id']).execute()
  const out = new Map<string, { wabaId: string; ownerAppId: string | null }>()
  for (const w of wabas) out.set(w.waba_id, { wabaId: w.waba_id, ownerAppId: w.app_id })
  for (const n of numbers) {
    const w = wabas.find((x) => x.id === n.waba_id)
    if (w) out.set(n.phone_number_id, { wabaId: w.waba_id, ownerAppId: w.app_id })
  }
  return out
}

export type SubscriptionFact = {
  id: string
  tenantName: string | null
  url: string
  enabled: boolean
  disabledReason: string | null
  failingSince: number | null
}

/** Webhook subscriptions that are failing or were disabled by Wahub (delivery/ owns the table). */
export async function troubledSubscriptions(db: Db): Promise<SubscriptionFact[]> {
  const rows = await db
    .selectFrom('webhook_subscriptions as s')
    .leftJoin('tenants as t', 't.id', 's.tenant_id')
    .select(['s.id', 't.name', 's.url', 's.enabled', 's.disabled_reason', 's.failing_since'])
    .where((eb) =>
      eb.or([
        eb('s.failing_since', 'is not', null),
        eb.and([eb('s.enabled', '=', 0), eb('s.disabled_reason', '!=', 'disabled by the tenant')]),
      ]),
    )
    .orderBy('s.id')
    .execute()
  return rows.map((r) => ({
    id: r.id,
    tenantName: r.name,
    url: r.url,
    enabled: r.enabled === 1,
    disabledReason: r.disabled_reason,
    failingSince: r.failing_since === null ? null : Number(r.failing_since),
  }))
}
