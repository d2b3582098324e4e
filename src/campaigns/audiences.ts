import type { Readable } from 'node:stream'
import { parse } from 'csv-parse'
import type { Db, DbHandle } from '../db/connect.ts'
import { WahubError } from '../errors.ts'
import { newId } from '../ids.ts'
import { upsertContactsByWaId } from '../inbox/contacts-repo.ts'
import { normaliseRecipient } from '../messaging/recipient.ts'

// Audiences (issue 18, docs/CAMPAIGNS.md): who a campaign goes to, as a snapshot taken when the
// audience is made — a CSV import (streamed through csv-parse; the phone normalised like a send's
// `to`, with the tenant's default country; every other column a custom attribute of the contact,
// as the contact panel shows them), the contacts with a label or attribute, or a list given in
// the API. A row that cannot be used is reported with its line and why; the usable ones are
// written in ONE transaction after the whole file has been read, so an import either exists
// whole or not at all (decision 0061).

/** What these functions need of an open database (the server's handle, or the CLI's session). */
export type DbAccess = Pick<DbHandle, 'db' | 'caps'>

export const maxAudienceRows = 200_000
export const maxAttributeColumns = 50
const keptErrors = 1000

export type RowError = { row: number; field: string; problem: string }

export type Audience = {
  id: string
  name: string
  source: 'csv' | 'filter' | 'inline'
  size: number
  rejected: number
  duplicates: number
  columns: string[]
  errors: RowError[]
  createdAt: number
}

type Member = { row: number; waId: string; attributes: Record<string, string> }

const phoneHeaders = [
  'phone',
  'wa_id',
  'whatsapp',
  'mobile',
  'number',
  'to',
  'telefono',
  'teléfono',
  'telefone',
  'phone_number',
]

/** Collects the usable rows, the errors and the duplicates of an audience's source. */
class Collector {
  readonly members: Member[] = []
  readonly errors: RowError[] = []
  rejected = 0
  duplicates = 0
  private readonly seen = new Set<string>()
  private readonly defaultCountry: string | null
  constructor(defaultCountry: string | null) {
    this.defaultCountry = defaultCountry
  }

  add(row: number, phone: string | undefined, attributes: Record<string, string>): void {
    if (this.members.length + this.rejected + this.duplicates >= maxAudienceRows) {
      throw new WahubError(
        'validation_failed',
        `An audience has at most ${maxAudienceRows.toLocaleString('en')} rows; split the file.`,
        [{ field: 'rows', problem: `more than ${maxAudienceRows}` }],
      )
    }
    if (!phone || phone.trim() === '') return void this.reject(row, 'phone', 'empty')
    let waId: string
    try {
      const r = normaliseRecipient(phone, this.defaultCountry)
      if (r.kind !== 'phone') return void this.reject(row, 'phone', 'a user id, not a phone number')
      waId = r.waId
    } catch (err) {
      return void this.reject(row, 'phone', (err as Error).message)
    }
    if (this.seen.has(waId)) {
      this.duplicates++
      return
    }
    for (const [k, v] of Object.entries(attributes)) {
      if (v.includes('\u0000') || v.length > 500)
        return void this.reject(row, k, 'longer than 500 characters or holds a NUL')
    }
    this.seen.add(waId)
    this.members.push({ row, waId, attributes })
  }

  private reject(row: number, field: string, problem: string): void {
    this.rejected++
    if (this.errors.length < keptErrors) this.errors.push({ row, field, problem })
  }
}

function cleanHeader(h: string): string {
  return h.replace(/^\uFEFF/, '').trim()
}

/**
 * Reads a CSV (first line: the header) from a stream. `phoneColumn`: the header of the phone
 * column (default: the first of phone, wa_id, whatsapp, mobile, number, to…).
 */
export async function readCsv(
  input: Readable,
  options: { defaultCountry: string | null; phoneColumn?: string; maxBytes?: number },
): Promise<{ collector: Collector; columns: string[] }> {
  const collector = new Collector(options.defaultCountry)
  const parser = parse({ bom: true, relax_column_count: true, skip_empty_lines: true, trim: true })
  let bytes = 0
  const maxBytes = options.maxBytes ?? 64 * 1024 * 1024
  input.on('data', (chunk: Buffer) => {
    bytes += chunk.length
    if (bytes > maxBytes) input.destroy(new Error('too large'))
  })
  input.on('error', (err) => parser.destroy(err))
  input.pipe(parser)
  let header: string[] | undefined
  let phoneAt = -1
  let line = 0
  try {
    for await (const record of parser as AsyncIterable<string[]>) {
      line++
      if (!header) {
        header = record.map(cleanHeader)
        const wanted = options.phoneColumn?.toLowerCase()
        phoneAt = header.findIndex((h) =>
          wanted ? h.toLowerCase() === wanted : phoneHeaders.includes(h.toLowerCase()),
        )
        if (phoneAt < 0) {
          throw new WahubError(
            'validation_failed',
            `The CSV's first line must name the columns, one of them the phone (${
              wanted ? `"${options.phoneColumn}" was asked for` : `phone, wa_id, whatsapp, mobile or number`
            }); it is: ${header.join(', ').slice(0, 200)}.`,
            [{ field: 'phone_column', problem: 'no such column in the header' }],
          )
        }
        if (header.length - 1 > maxAttributeColumns) {
          throw new WahubError(
            'validation_failed',
            `At most ${maxAttributeColumns} columns besides the phone (a contact has at most 50 attributes).`,
            [{ field: 'columns', problem: 'too many' }],
          )
        }
        continue
      }
      const attributes: Record<string, string> = {}
      for (const [i, name] of header.entries()) {
        if (i === phoneAt || name === '') continue
        const v = record[i]
        if (v !== undefined && v !== '') attributes[name] = v
      }
      collector.add(line, record[phoneAt], attributes)
    }
  } catch (err) {
    if (err instanceof WahubError) throw err
    if ((err as Error).message === 'too large')
      throw new WahubError('validation_failed', `The CSV is larger than ${maxBytes} bytes.`, [
        { field: 'body', problem: 'too large' },
      ])
    throw new WahubError('validation_failed', `The CSV could not be read: ${(err as Error).message}`, [
      { field: 'body', problem: 'not CSV' },
    ])
  }
  if (!header) {
    throw new WahubError('validation_failed', 'The CSV is empty: its first line must name the columns.', [
      { field: 'body', problem: 'empty' },
    ])
  }
  return { collector, columns: header.filter((_, i) => i !== phoneAt && header?.[i] !== '') }
}

/** An inline list (the API): each entry's phone and attributes. */
export function readInline(
  recipients: readonly { phone: string; attributes?: Record<string, string> }[],
  defaultCountry: string | null,
): { collector: Collector; columns: string[] } {
  const collector = new Collector(defaultCountry)
  const columns = new Set<string>()
  for (const [n, r] of recipients.entries()) {
    for (const k of Object.keys(r.attributes ?? {})) columns.add(k)
    collector.add(n, r.phone, { ...r.attributes })
  }
  return { collector, columns: [...columns] }
}

/** Writes an audience and its members (and their contacts' attributes) in one transaction. */
export async function saveAudience(
  handle: DbAccess,
  tenantId: string,
  input: { name: string; source: Audience['source']; collector: Collector; columns: string[] },
): Promise<Audience> {
  const { collector } = input
  if (collector.members.length === 0) {
    throw new WahubError(
      'validation_failed',
      `No usable recipient: ${collector.rejected} rows rejected (first: ${
        collector.errors[0]
          ? `row ${collector.errors[0].row} ${collector.errors[0].field}: ${collector.errors[0].problem}`
          : 'none'
      }).`,
      collector.errors.slice(0, 20).map((e) => ({ field: `row ${e.row}.${e.field}`, problem: e.problem })),
    )
  }
  const now = Date.now()
  const id = newId('aud', now)
  await handle.db.transaction().execute(async (trx) => {
    await trx
      .insertInto('audiences')
      .values({
        id,
        tenant_id: tenantId,
        name: input.name,
        source: input.source,
        size: collector.members.length,
        rejected: collector.rejected,
        duplicates: collector.duplicates,
        errors: JSON.stringify(collector.errors),
        columns: JSON.stringify(input.columns),
        created_at: now,
      })
      .execute()
    for (let i = 0; i < collector.members.length; i += 1000) {
      const chunk = collector.members.slice(i, i + 1000)
      const contacts = await upsertContactsByWaId(trx, handle.caps.name, tenantId, chunk, now)
      for (let j = 0; j < chunk.length; j += 500) {
        await trx
          .insertInto('audience_members')
          .values(
            chunk.slice(j, j + 500).map((m) => ({
              audience_id: id,
              row: m.row,
              contact_id: contacts.get(m.waId) as string,
              wa_id: m.waId,
              attributes: JSON.stringify(m.attributes),
            })),
          )
          .execute()
      }
    }
  })
  return getAudience(handle.db, tenantId, id)
}

/**
 * The tenant's contacts with a wa_id that carry every given label (on any of their conversations)
 * and every given attribute value, as they are now.
 */
export async function audienceFromFilter(
  handle: DbAccess,
  tenantId: string,
  input: { name: string; labels?: string[]; attributes?: Record<string, string> },
): Promise<Audience> {
  const db = handle.db
  let q = db
    .selectFrom('contacts as c')
    .select(['c.id', 'c.wa_id', 'c.attributes'])
    .where('c.tenant_id', '=', tenantId)
    .where('c.wa_id', 'is not', null)
    .where('c.blocked_at', 'is', null)
  for (const label of input.labels ?? []) {
    q = q.where((eb) =>
      eb.exists(
        eb
          .selectFrom('conversations as cv')
          .innerJoin('conversation_labels as cl', 'cl.conversation_id', 'cv.id')
          .innerJoin('labels as l', 'l.id', 'cl.label_id')
          .select('cv.id')
          .whereRef('cv.contact_id', '=', 'c.id')
          .where('l.tenant_id', '=', tenantId)
          .where((e) => e.or([e('l.id', '=', label), e('l.name', '=', label)])),
      ),
    )
  }
  const rows = await q.orderBy('c.id').execute()
  const wanted = Object.entries(input.attributes ?? {})
  const collector = new Collector(null)
  const columns = new Set<string>()
  let n = 0
  for (const r of rows) {
    const attributes = r.attributes ? (JSON.parse(r.attributes) as Record<string, string>) : {}
    if (!wanted.every(([k, v]) => attributes[k] === v)) continue
    for (const k of Object.keys(attributes)) columns.add(k)
    collector.add(++n, r.wa_id as string, attributes)
  }
  return saveAudience(handle, tenantId, {
    name: input.name,
    source: 'filter',
    collector,
    columns: [...columns],
  })
}

function toAudience(r: {
  id: string
  name: string
  source: Audience['source']
  size: number
  rejected: number
  duplicates: number
  errors: string
  columns: string
  created_at: number
}): Audience {
  return {
    id: r.id,
    name: r.name,
    source: r.source,
    size: r.size,
    rejected: r.rejected,
    duplicates: r.duplicates,
    columns: JSON.parse(r.columns) as string[],
    errors: JSON.parse(r.errors) as RowError[],
    createdAt: Number(r.created_at),
  }
}

export async function getAudience(db: Db, tenantId: string, id: string): Promise<Audience> {
  const row = await db
    .selectFrom('audiences')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .executeTakeFirst()
  if (!row) throw new WahubError('not_found', `No audience ${id}.`)
  return toAudience(row)
}

export async function listAudiences(db: Db, tenantId: string): Promise<Audience[]> {
  const rows = await db
    .selectFrom('audiences')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .orderBy('id', 'desc')
    .limit(200)
    .execute()
  return rows.map((r) => ({ ...toAudience(r), errors: toAudience(r).errors.slice(0, 20) }))
}

export async function removeAudience(db: Db, tenantId: string, id: string): Promise<void> {
  const used = await db
    .selectFrom('campaigns')
    .select('id')
    .where('tenant_id', '=', tenantId)
    .where('audience_id', '=', id)
    .executeTakeFirst()
  if (used)
    throw new WahubError(
      'conflict',
      `Audience ${id} is used by campaign ${used.id}; remove the campaign first.`,
    )
  const r = await db
    .deleteFrom('audiences')
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .executeTakeFirst()
  if (Number(r.numDeletedRows) === 0) throw new WahubError('not_found', `No audience ${id}.`)
}
