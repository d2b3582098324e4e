import type { Db } from '../db/connect.ts'
import { WahubError } from '../errors.ts'
import { indexContact } from './search-repo.ts'

// The contact panel (SPEC §13): who the customer is (the team's name for them, WhatsApp's
// profile name, wa_id / business-scoped user id), their number history, custom attributes,
// whether the business blocked them, and their conversations on every number of the tenant.

export type ContactPanel = {
  id: string
  tenantId: string
  name: string | null
  profileName: string | null
  waId: string | null
  userId: string | null
  attributes: Record<string, string>
  blockedAt: number | null
  numberHistory: { oldWaId: string; newWaId: string; at: number }[]
  conversations: {
    id: string
    numberId: string
    displayPhoneNumber: string | null
    status: string
    assigneeUserId: string | null
    lastMessageAt: number | null
    lastMessagePreview: string | null
  }[]
}

const maxAttributes = 50

function parseAttributes(json: string | null): Record<string, string> {
  return json ? (JSON.parse(json) as Record<string, string>) : {}
}

async function contactRow(db: Db, scope: string | null, id: string) {
  let query = db
    .selectFrom('contacts')
    .select(['id', 'tenant_id', 'name', 'profile_name', 'wa_id', 'user_id', 'attributes', 'blocked_at'])
    .where('id', '=', id)
  if (scope) query = query.where('tenant_id', '=', scope)
  const row = await query.executeTakeFirst()
  if (!row) throw new WahubError('not_found', `No contact ${id}.`)
  return row
}

export async function getContactPanel(db: Db, scope: string | null, id: string): Promise<ContactPanel> {
  // The number history before the contact: a number change writes both in one commit, and these
  // reads are separate statements (on PostgreSQL, separate connections). Read contact-first, a
  // commit falling between them showed the change in the history beside the old number
  // (test/http/contacts.test.ts flaked under load); history-first, a history that shows the
  // change was committed before the contact is read, so the contact shows it too.
  const history = await db
    .selectFrom('contact_number_changes')
    .select(['old_wa_id', 'new_wa_id', 'at'])
    .where('contact_id', '=', id)
    .orderBy('at', 'desc')
    .execute()
  const row = await contactRow(db, scope, id)
  const conversations = await db
    .selectFrom('conversations as c')
    .innerJoin('phone_numbers as p', 'p.id', 'c.phone_number_id')
    .select([
      'c.id',
      'c.phone_number_id',
      'p.display_phone_number',
      'c.status',
      'c.assignee_user_id',
      'c.last_message_at',
      'c.last_message_preview',
    ])
    .where('c.contact_id', '=', row.id)
    .where('c.tenant_id', '=', row.tenant_id)
    .orderBy('c.last_message_at', 'desc')
    .execute()
  return {
    id: row.id,
    tenantId: row.tenant_id,
    name: row.name,
    profileName: row.profile_name,
    waId: row.wa_id,
    userId: row.user_id,
    attributes: parseAttributes(row.attributes),
    blockedAt: row.blocked_at,
    numberHistory: history.map((h) => ({ oldWaId: h.old_wa_id, newWaId: h.new_wa_id, at: h.at })),
    conversations: conversations.map((c) => ({
      id: c.id,
      numberId: c.phone_number_id,
      displayPhoneNumber: c.display_phone_number,
      status: c.status,
      assigneeUserId: c.assignee_user_id,
      lastMessageAt: c.last_message_at,
      lastMessagePreview: c.last_message_preview,
    })),
  }
}

/**
 * `name`: the team's name for the contact (null: back to WhatsApp's profile name).
 * `attributes`: keys to set; a null value removes the key.
 */
export async function updateContact(
  db: Db,
  scope: string | null,
  id: string,
  input: { name?: string | null; attributes?: Record<string, string | null> },
): Promise<ContactPanel> {
  const row = await contactRow(db, scope, id)
  const changes: { name?: string | null; attributes?: string; updated_at: number } = {
    updated_at: Date.now(),
  }
  if (input.name !== undefined) {
    const name = input.name?.trim() ?? null
    changes.name = name === '' ? null : name
  }
  if (input.attributes !== undefined) {
    const attributes = parseAttributes(row.attributes)
    for (const [key, value] of Object.entries(input.attributes)) {
      if (value === null) delete attributes[key]
      else attributes[key] = value
    }
    if (Object.keys(attributes).length > maxAttributes) {
      throw new WahubError(
        'validation_failed',
        `attributes: a contact has at most ${maxAttributes} attributes.`,
        [{ field: 'attributes', problem: 'too many' }],
      )
    }
    changes.attributes = JSON.stringify(attributes)
  }
  await db.updateTable('contacts').set(changes).where('id', '=', row.id).execute()
  if (changes.name !== undefined) await indexContact(db, row.id)
  return getContactPanel(db, scope, id)
}

/** The numbers of the tenant the contact has conversations on, for blocking on each. */
export async function contactNumbers(
  db: Db,
  scope: string | null,
  id: string,
): Promise<{ contact: { id: string; tenantId: string; user: string }; numberIds: string[] }> {
  const row = await contactRow(db, scope, id)
  const user = row.wa_id ?? row.user_id
  if (!user) throw new WahubError('bad_request', `Contact ${id} has neither a wa_id nor a user id.`)
  const numbers = await db
    .selectFrom('conversations as c')
    .innerJoin('phone_numbers as p', 'p.id', 'c.phone_number_id')
    .select('p.id')
    .where('c.contact_id', '=', row.id)
    .where('p.tenant_id', '=', row.tenant_id)
    .execute()
  return { contact: { id: row.id, tenantId: row.tenant_id, user }, numberIds: numbers.map((n) => n.id) }
}

export async function setContactBlocked(db: Db, contactId: string, blocked: boolean): Promise<void> {
  await db
    .updateTable('contacts')
    .set({ blocked_at: blocked ? Date.now() : null, updated_at: Date.now() })
    .where('id', '=', contactId)
    .execute()
}
