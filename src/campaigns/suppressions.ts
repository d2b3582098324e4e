import type { Db } from '../db/connect.ts'
import { WahubError } from '../errors.ts'
import { recordEvent } from '../events/events-repo.ts'
import { normaliseRecipient } from '../messaging/recipient.ts'

// The tenant's suppression list (issue 18, docs/CAMPAIGNS.md): contacts that asked not to get
// marketing. A campaign skips them. They get on it by replying with one of the tenant's opt-out
// keywords (per language, configurable; the whole reply, lowercased and without punctuation, is
// the keyword: "please stop the noise" is not one), by tapping Meta's "Stop promotions" quick
// reply, or through the API / CLI / dashboard. A contact is listed once, with how they got there;
// the inbound message that opted them out is kept, and analytics counts those messages.

export type SuppressionSource = 'keyword' | 'button' | 'api' | 'cli' | 'dashboard'

export type Suppression = {
  waId: string
  source: string
  detail: string | null
  messageId: string | null
  createdAt: number
}

export type KeywordMap = Record<string, string[]>

/** The keywords a tenant starts with (decision 0060): carriers' and Meta's, in the dashboard's languages. */
export const defaultKeywords: KeywordMap = {
  en: ['stop', 'stop all', 'stop promotions', 'unsubscribe', 'opt out', 'optout'],
  es: ['baja', 'darme de baja', 'detener promociones', 'parar promociones'],
  'pt-BR': ['parar', 'sair', 'parar promoções', 'descadastrar'],
  th: ['หยุด', 'หยุดโปรโมชัน', 'ยกเลิกรับข่าวสาร'],
}

/** Meta's marketing opt-out quick reply ("Stop promotions"): its payload, whatever the language. */
const stopPayloads = new Set(['stop promotions', 'stop_promotions', 'stoppromotions'])

export function normaliseKeyword(text: string): string {
  return text
    .toLowerCase()
    .replace(/[\p{P}\p{S}]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim()
}

type Obj = Record<string, unknown>

/** The text a customer replied with, for the reply types that can opt out. */
function replyOf(message: Obj): { text?: string; payload?: string } {
  const type = message.type
  if (type === 'text') return { text: (message.text as Obj | undefined)?.body as string | undefined }
  if (type === 'button') {
    const b = (message.button ?? {}) as Obj
    return { text: b.text as string | undefined, payload: b.payload as string | undefined }
  }
  if (type === 'interactive') {
    const i = (message.interactive ?? {}) as Obj
    const r = (i.button_reply ?? i.list_reply ?? {}) as Obj
    return { text: r.title as string | undefined, payload: r.id as string | undefined }
  }
  return {}
}

/** Whether an inbound message (Meta's shape) opts out: the keyword or button it used, else null. */
export function optOutOf(
  message: Obj,
  keywords: ReadonlySet<string>,
): { source: 'keyword' | 'button'; detail: string } | null {
  const { text, payload } = replyOf(message)
  if (typeof payload === 'string' && stopPayloads.has(normaliseKeyword(payload).replace(/ /g, '_')))
    return { source: 'button', detail: payload }
  if (typeof payload === 'string' && stopPayloads.has(normaliseKeyword(payload)))
    return { source: 'button', detail: payload }
  if (typeof text !== 'string' || text.length > 40) return null
  const normal = normaliseKeyword(text)
  if (message.type === 'button' && stopPayloads.has(normal)) return { source: 'button', detail: text }
  return keywords.has(normal) ? { source: 'keyword', detail: normal } : null
}

/** Whether any keyword list could make this message an opt-out (optOutOf before the keywords). */
function mayOptOut(message: Obj): boolean {
  const { text, payload } = replyOf(message)
  return typeof payload === 'string' || (typeof text === 'string' && text.length <= 40)
}

export async function getKeywords(db: Db, tenantId: string): Promise<KeywordMap> {
  const row = await db
    .selectFrom('suppression_settings')
    .select('keywords')
    .where('tenant_id', '=', tenantId)
    .executeTakeFirst()
  return row ? (JSON.parse(row.keywords) as KeywordMap) : defaultKeywords
}

export function keywordSet(map: KeywordMap): Set<string> {
  return new Set(
    Object.values(map)
      .flat()
      .map(normaliseKeyword)
      .filter((k) => k !== ''),
  )
}

export async function setKeywords(db: Db, tenantId: string, map: KeywordMap): Promise<KeywordMap> {
  const clean: KeywordMap = {}
  for (const [language, words] of Object.entries(map)) {
    const list = [...new Set(words.map(normaliseKeyword).filter((w) => w !== ''))]
    if (list.length > 0) clean[language] = list
  }
  const now = Date.now()
  await db
    .insertInto('suppression_settings')
    .values({ tenant_id: tenantId, keywords: JSON.stringify(clean), updated_at: now })
    .onConflict((oc) =>
      oc.column('tenant_id').doUpdateSet({ keywords: JSON.stringify(clean), updated_at: now }),
    )
    .execute()
  return clean
}

/**
 * Called for each new inbound message (webhooks/process-job.ts, in the batch's transaction):
 * an opt-out reply puts its sender on the list. Returns whether it did. `beforeWrite` runs
 * before it writes anything (the batch's pending writes go first: inbox/inbound-batch.ts);
 * `keywords` keeps each tenant's keyword set for the caller's transaction (read once per batch).
 */
export async function noteInboundReply(
  db: Db,
  input: { tenantId: string; waId: string | null; messageId: string; message: Obj; at: number },
  options: { beforeWrite?: () => Promise<void>; keywords?: Map<string, ReadonlySet<string>> } = {},
): Promise<boolean> {
  if (!input.waId) return false
  const type = input.message.type
  if (type !== 'text' && type !== 'button' && type !== 'interactive') return false
  // Most replies cannot be an opt-out whatever the tenant's keywords (longer than any keyword,
  // not a STOP button): no need to read the keywords for them.
  if (!mayOptOut(input.message)) return false
  let keywords = options.keywords?.get(input.tenantId)
  if (!keywords) {
    keywords = keywordSet(await getKeywords(db, input.tenantId))
    options.keywords?.set(input.tenantId, keywords)
  }
  const hit = optOutOf(input.message, keywords)
  if (!hit) return false
  await options.beforeWrite?.()
  const added = await insertSuppressions(db, input.tenantId, [input.waId], {
    source: hit.source,
    detail: hit.detail,
    messageId: input.messageId,
    at: input.at,
  })
  return added.length > 0
}

async function insertSuppressions(
  db: Db,
  tenantId: string,
  waIds: readonly string[],
  how: { source: SuppressionSource; detail: string | null; messageId?: string | null; at?: number },
): Promise<string[]> {
  const at = how.at ?? Date.now()
  const added: string[] = []
  for (let i = 0; i < waIds.length; i += 500) {
    const rows = await db
      .insertInto('suppressions')
      .values(
        waIds.slice(i, i + 500).map((waId) => ({
          tenant_id: tenantId,
          wa_id: waId,
          source: how.source,
          detail: how.detail,
          message_id: how.messageId ?? null,
          created_at: at,
        })),
      )
      .onConflict((oc) => oc.columns(['tenant_id', 'wa_id']).doNothing())
      .returning('wa_id')
      .execute()
    added.push(...rows.map((r) => r.wa_id))
  }
  if (added.length > 0) {
    await recordEvent(db, {
      tenantId,
      kind: 'contact.opted_out',
      payload: { waIds: added.slice(0, 100), count: added.length, source: how.source, detail: how.detail },
    })
  }
  return added
}

/** Numbers as people type them → wa_ids; an impossible one is a 400 naming it. */
export function normalisePhones(
  inputs: readonly string[],
  defaultCountry: string | null,
  field: string,
): string[] {
  return inputs.map((input, n) => {
    try {
      const r = normaliseRecipient(input, defaultCountry)
      if (r.kind !== 'phone') throw new Error('not a phone number')
      return r.waId
    } catch (err) {
      throw new WahubError('validation_failed', `${field}[${n}]: ${(err as Error).message}`, [
        { field: `${field}[${n}]`, problem: 'not a phone number WhatsApp can reach' },
      ])
    }
  })
}

export async function addSuppressions(
  db: Db,
  tenantId: string,
  waIds: readonly string[],
  how: { source: SuppressionSource; detail: string | null },
): Promise<{ added: number; already: number }> {
  const unique = [...new Set(waIds)]
  const added = await db.transaction().execute((trx) => insertSuppressions(trx, tenantId, unique, how))
  return { added: added.length, already: unique.length - added.length }
}

export async function removeSuppressions(
  db: Db,
  tenantId: string,
  waIds: readonly string[],
): Promise<number> {
  if (waIds.length === 0) return 0
  const rows = await db
    .deleteFrom('suppressions')
    .where('tenant_id', '=', tenantId)
    .where('wa_id', 'in', [...new Set(waIds)])
    .returning('wa_id')
    .execute()
  return rows.length
}

function toSuppression(r: {
  wa_id: string
  source: string
  detail: string | null
  message_id: string | null
  created_at: number
}): Suppression {
  return {
    waId: r.wa_id,
    source: r.source,
    detail: r.detail,
    messageId: r.message_id,
    createdAt: Number(r.created_at),
  }
}

/** Newest first; `before` is the last page's last `waId` with its time, as `<createdAt>:<waId>`. */
export async function listSuppressions(
  db: Db,
  tenantId: string,
  page: { limit: number; before?: string; waId?: string },
): Promise<{ suppressions: Suppression[]; next: string | null; total: number }> {
  let q = db
    .selectFrom('suppressions')
    .select(['wa_id', 'source', 'detail', 'message_id', 'created_at'])
    .where('tenant_id', '=', tenantId)
  if (page.waId) q = q.where('wa_id', '=', page.waId)
  if (page.before) {
    const [at, waId] = [Number(page.before.split(':')[0]), page.before.split(':').slice(1).join(':')]
    q = q.where((eb) =>
      eb.or([eb('created_at', '<', at), eb.and([eb('created_at', '=', at), eb('wa_id', '<', waId)])]),
    )
  }
  const rows = await q
    .orderBy('created_at', 'desc')
    .orderBy('wa_id', 'desc')
    .limit(page.limit + 1)
    .execute()
  const total = await db
    .selectFrom('suppressions')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('tenant_id', '=', tenantId)
    .executeTakeFirstOrThrow()
  const list = rows.slice(0, page.limit).map(toSuppression)
  const last = list.at(-1)
  return {
    suppressions: list,
    next: rows.length > page.limit && last ? `${last.createdAt}:${last.waId}` : null,
    total: Number(total.n),
  }
}

/** Every entry, oldest first, a page at a time (the CSV export streams these). */
export async function* allSuppressions(db: Db, tenantId: string): AsyncGenerator<Suppression> {
  let after: { at: number; waId: string } | undefined
  for (;;) {
    let q = db
      .selectFrom('suppressions')
      .select(['wa_id', 'source', 'detail', 'message_id', 'created_at'])
      .where('tenant_id', '=', tenantId)
    if (after) {
      const a = after
      q = q.where((eb) =>
        eb.or([eb('created_at', '>', a.at), eb.and([eb('created_at', '=', a.at), eb('wa_id', '>', a.waId)])]),
      )
    }
    const rows = await q.orderBy('created_at').orderBy('wa_id').limit(1000).execute()
    for (const r of rows) yield toSuppression(r)
    if (rows.length < 1000) return
    const last = rows[rows.length - 1]
    after = { at: Number(last.created_at), waId: last.wa_id }
  }
}
