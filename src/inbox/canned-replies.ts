import type { Db } from '../db/connect.ts'
import { WahubError } from '../errors.ts'
import { newId } from '../ids.ts'

// A tenant's canned replies (SPEC §13): `/shortcut` in the composer inserts the body, with
// variables filled in from the conversation. Managed by the tenant's agents and by operators.

export type CannedReply = { id: string; shortcut: string; body: string; createdAt: number; updatedAt: number }

export const cannedVariables = [
  'contact.name',
  'contact.first_name',
  'contact.number',
  'business.number',
] as const
export type CannedContext = {
  contactName: string | null
  contactNumber: string | null
  businessNumber: string | null
}

const shortcutPattern = /^[a-z0-9][a-z0-9_-]{0,31}$/
const maxBody = 4096

function invalid(field: string, problem: string, message: string): WahubError {
  return new WahubError('validation_failed', `${field}: ${message}`, [{ field, problem }])
}

function checkShortcut(shortcut: string): string {
  const s = shortcut.trim().replace(/^\//, '').toLowerCase()
  if (!shortcutPattern.test(s)) {
    throw invalid(
      'shortcut',
      'format',
      `"${shortcut}" must be 1 to 32 letters, digits, - or _ (typed after / in the composer).`,
    )
  }
  return s
}

function checkBody(body: string): string {
  if (body.trim().length === 0 || body.length > maxBody) {
    throw invalid('body', 'length', `a canned reply is 1 to ${maxBody} characters.`)
  }
  for (const m of body.matchAll(/\{\{\s*([^}]*?)\s*\}\}/g)) {
    if (!(cannedVariables as readonly string[]).includes(m[1])) {
      throw invalid(
        'body',
        'unknown variable',
        `{{${m[1]}}} is not a variable; use ${cannedVariables.map((v) => `{{${v}}}`).join(', ')}.`,
      )
    }
  }
  return body
}

/** The body with its variables filled in; a contact without a name is called by their number. */
export function renderCanned(body: string, ctx: CannedContext): string {
  const values: Record<string, string> = {
    'contact.name': ctx.contactName ?? ctx.contactNumber ?? '',
    'contact.first_name': ctx.contactName?.trim().split(/\s+/)[0] ?? '',
    'contact.number': ctx.contactNumber ? `+${ctx.contactNumber}` : '',
    'business.number': ctx.businessNumber ?? '',
  }
  return body.replace(/\{\{\s*([^}]*?)\s*\}\}/g, (whole, name: string) => values[name] ?? whole)
}

type Row = { id: string; shortcut: string; body: string; created_at: number; updated_at: number }
const toReply = (r: Row): CannedReply => ({
  id: r.id,
  shortcut: r.shortcut,
  body: r.body,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
})

/** By shortcut; `prefix` narrows to shortcuts starting with it (what the composer has typed). */
export async function listCannedReplies(db: Db, tenantId: string, prefix?: string): Promise<CannedReply[]> {
  let query = db
    .selectFrom('canned_replies')
    .select(['id', 'shortcut', 'body', 'created_at', 'updated_at'])
    .where('tenant_id', '=', tenantId)
  if (prefix)
    query = query.where('shortcut', 'like', `${prefix.toLowerCase().replace(/[%_\\]/g, (c) => `\\${c}`)}%`)
  return (await query.orderBy('shortcut').limit(500).execute()).map(toReply)
}

async function findReply(db: Db, tenantId: string, idOrShortcut: string): Promise<Row> {
  const row = await db
    .selectFrom('canned_replies')
    .select(['id', 'shortcut', 'body', 'created_at', 'updated_at'])
    .where('tenant_id', '=', tenantId)
    .where((eb) => eb.or([eb('id', '=', idOrShortcut), eb('shortcut', '=', idOrShortcut.replace(/^\//, ''))]))
    .executeTakeFirst()
  if (!row) throw new WahubError('not_found', `No canned reply ${idOrShortcut}.`)
  return row
}

async function shortcutTaken(db: Db, tenantId: string, shortcut: string, except?: string): Promise<boolean> {
  let query = db
    .selectFrom('canned_replies')
    .select('id')
    .where('tenant_id', '=', tenantId)
    .where('shortcut', '=', shortcut)
  if (except) query = query.where('id', '!=', except)
  return (await query.executeTakeFirst()) !== undefined
}

export async function createCannedReply(
  db: Db,
  tenantId: string,
  input: { shortcut: string; body: string },
  actor: string,
): Promise<CannedReply> {
  const shortcut = checkShortcut(input.shortcut)
  const body = checkBody(input.body)
  if (await shortcutTaken(db, tenantId, shortcut)) {
    throw new WahubError('conflict', `The shortcut /${shortcut} is taken.`)
  }
  const now = Date.now()
  const row = { id: newId('cr', now), shortcut, body, created_at: now, updated_at: now }
  await db
    .insertInto('canned_replies')
    .values({ ...row, tenant_id: tenantId, created_by: actor })
    .execute()
  return toReply(row)
}

export async function updateCannedReply(
  db: Db,
  tenantId: string,
  idOrShortcut: string,
  input: { shortcut?: string; body?: string },
): Promise<CannedReply> {
  const row = await findReply(db, tenantId, idOrShortcut)
  const shortcut = input.shortcut === undefined ? row.shortcut : checkShortcut(input.shortcut)
  const body = input.body === undefined ? row.body : checkBody(input.body)
  if (shortcut !== row.shortcut && (await shortcutTaken(db, tenantId, shortcut, row.id))) {
    throw new WahubError('conflict', `The shortcut /${shortcut} is taken.`)
  }
  const now = Date.now()
  await db
    .updateTable('canned_replies')
    .set({ shortcut, body, updated_at: now })
    .where('id', '=', row.id)
    .execute()
  return toReply({ ...row, shortcut, body, updated_at: now })
}

export async function removeCannedReply(db: Db, tenantId: string, idOrShortcut: string): Promise<void> {
  const row = await findReply(db, tenantId, idOrShortcut)
  await db.deleteFrom('canned_replies').where('id', '=', row.id).execute()
}
