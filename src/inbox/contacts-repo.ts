import { sql } from 'kysely'
import type { Db } from '../db/connect.ts'
import { newId } from '../ids.ts'
import { indexContact } from './search-repo.ts'

// Contacts are keyed per tenant by wa_id, or — for username users since 2026, who may arrive
// without a phone number — by their business-scoped user id (SPEC §5 identity). Either key
// finds the contact; whichever is missing is filled in when it shows up.

export type ContactIdentity = { waId: string | null; userId: string | null; profileName: string | null }

export type ContactRow = {
  id: string
  waId: string | null
  userId: string | null
  profileName: string | null
}

async function findContact(
  db: Db,
  tenantId: string,
  identity: ContactIdentity,
): Promise<ContactRow | undefined> {
  const row = await db
    .selectFrom('contacts')
    .select(['id', 'wa_id', 'user_id', 'profile_name'])
    .where('tenant_id', '=', tenantId)
    .where((eb) => {
      const ors = []
      if (identity.waId) ors.push(eb('wa_id', '=', identity.waId))
      if (identity.userId) ors.push(eb('user_id', '=', identity.userId))
      return eb.or(ors)
    })
    .orderBy('created_at')
    .executeTakeFirst()
  return row ? { id: row.id, waId: row.wa_id, userId: row.user_id, profileName: row.profile_name } : undefined
}

/** What upsertContact writes on an existing contact for this identity (nothing: an empty object). */
export function contactChanges(
  existing: ContactRow,
  identity: ContactIdentity,
): { wa_id?: string; user_id?: string; profile_name?: string } {
  const changes: { wa_id?: string; user_id?: string; profile_name?: string } = {}
  if (identity.waId && !existing.waId) changes.wa_id = identity.waId
  if (identity.userId && !existing.userId) changes.user_id = identity.userId
  if (identity.profileName && identity.profileName !== existing.profileName)
    changes.profile_name = identity.profileName
  return changes
}

/** The contact upsertContact returns for an existing one (after contactChanges are written). */
export function mergedContact(existing: ContactRow, identity: ContactIdentity): ContactRow {
  return {
    id: existing.id,
    waId: existing.waId ?? identity.waId,
    userId: existing.userId ?? identity.userId,
    profileName: identity.profileName ?? existing.profileName,
  }
}

/**
 * `existing`: the contact findContact would return for this identity, when the caller already
 * read it (a webhook batch reads its contacts in one statement: inbox/inbound-batch.ts).
 */
export async function upsertContact(
  db: Db,
  tenantId: string,
  identity: ContactIdentity,
  now = Date.now(),
  existing?: ContactRow,
): Promise<ContactRow> {
  if (!identity.waId && !identity.userId) throw new Error('a contact needs a wa_id or a user_id')
  existing ??= await findContact(db, tenantId, identity)
  if (existing) {
    const changes: ReturnType<typeof contactChanges> & { updated_at?: number } = contactChanges(
      existing,
      identity,
    )
    if (Object.keys(changes).length > 0) {
      changes.updated_at = now
      await db.updateTable('contacts').set(changes).where('id', '=', existing.id).execute()
      await indexContact(db, existing.id)
    }
    return mergedContact(existing, identity)
  }
  const id = newId('ct')
  await db
    .insertInto('contacts')
    .values({
      id,
      tenant_id: tenantId,
      wa_id: identity.waId,
      user_id: identity.userId,
      profile_name: identity.profileName,
      created_at: now,
      updated_at: now,
    })
    // Two workers may create the same contact at once; the loser reads the winner's row.
    .onConflict((oc) => oc.doNothing())
    .execute()
  const created = (await findContact(db, tenantId, identity)) as ContactRow
  await indexContact(db, created.id)
  return created
}

/**
 * A customer changed their number (system `user_changed_number`): the contact keeps its
 * history under the new wa_id, unless another contact already has that number.
 */
export async function changeContactNumber(
  db: Db,
  tenantId: string,
  oldWaId: string,
  newWaId: string,
): Promise<void> {
  const taken = await db
    .selectFrom('contacts')
    .select('id')
    .where('tenant_id', '=', tenantId)
    .where('wa_id', '=', newWaId)
    .executeTakeFirst()
  const contact = await db
    .selectFrom('contacts')
    .select('id')
    .where('tenant_id', '=', tenantId)
    .where('wa_id', '=', oldWaId)
    .executeTakeFirst()
  if (!contact) return
  const now = Date.now()
  const linkedTo = (taken ?? contact).id
  const seen = await db
    .selectFrom('contact_number_changes')
    .select('id')
    .where('contact_id', '=', linkedTo)
    .where('old_wa_id', '=', oldWaId)
    .where('new_wa_id', '=', newWaId)
    .executeTakeFirst()
  // The contact panel's number history links old and new, also when the new number already
  // has its own contact (then both stay, each with its conversations).
  if (!seen) {
    await db
      .insertInto('contact_number_changes')
      .values({
        id: newId('cnc', now),
        tenant_id: tenantId,
        contact_id: linkedTo,
        old_wa_id: oldWaId,
        new_wa_id: newWaId,
        at: now,
      })
      .execute()
  }
  if (taken) return
  await db
    .updateTable('contacts')
    .set({ wa_id: newWaId, updated_at: now })
    .where('id', '=', contact.id)
    .execute()
  await indexContact(db, contact.id)
}

/** A contact's one key: a phone number (wa_id) or a business-scoped user id. */
export type ContactKey = { waId: string; userId: null } | { waId: null; userId: string }

export function contactKeyString(k: ContactKey): string {
  return k.waId !== null ? `wa:${k.waId}` : `user:${k.userId}`
}

/**
 * upsertContact for many keys of one tenant in two statements (bulk sends): the missing contacts
 * inserted in one multi-row statement (key order, so concurrent writers lock in one order),
 * then every id read back. No profile names: a send learns none. Keyed by contactKeyString.
 */
export async function ensureContacts(
  db: Db,
  tenantId: string,
  keys: readonly ContactKey[],
  now = Date.now(),
): Promise<Map<string, string>> {
  const unique = new Map(keys.map((k) => [contactKeyString(k), k]))
  const sorted = [...unique.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, k]) => k)
  const ids = new Map<string, string>()
  for (let i = 0; i < sorted.length; i += 500) {
    const chunk = sorted.slice(i, i + 500)
    await db
      .insertInto('contacts')
      .values(
        chunk.map((k) => ({
          id: newId('ct', now),
          tenant_id: tenantId,
          wa_id: k.waId,
          user_id: k.userId,
          profile_name: null,
          created_at: now,
          updated_at: now,
        })),
      )
      .onConflict((oc) => oc.doNothing())
      .execute()
    const waIds = chunk.flatMap((k) => (k.waId !== null ? [k.waId] : []))
    const userIds = chunk.flatMap((k) => (k.userId !== null ? [k.userId] : []))
    const rows = await db
      .selectFrom('contacts')
      .select(['id', 'wa_id', 'user_id', 'created_at'])
      .where('tenant_id', '=', tenantId)
      .where((eb) =>
        eb.or([
          ...(waIds.length ? [eb('wa_id', 'in', waIds)] : []),
          ...(userIds.length ? [eb('user_id', 'in', userIds)] : []),
        ]),
      )
      .orderBy('created_at', 'desc')
      .execute()
    // Oldest wins, as in findContact.
    for (const r of rows) {
      if (r.wa_id !== null) ids.set(`wa:${r.wa_id}`, r.id)
      if (r.user_id !== null) ids.set(`user:${r.user_id}`, r.id)
    }
  }
  return ids
}

/**
 * Many contacts by wa_id at once (a campaign audience's import: statements per 500 rows, not per
 * contact). New ones are created; `attributes` are merged into each contact's custom attributes
 * (contact-panel.ts), a column of the import overwriting the attribute of the same name. Returns
 * each wa_id's contact id.
 */
export async function upsertContactsByWaId(
  db: Db,
  dialect: 'sqlite' | 'postgres',
  tenantId: string,
  rows: readonly { waId: string; attributes: Record<string, string> }[],
  now = Date.now(),
): Promise<Map<string, string>> {
  const ids = new Map<string, string>()
  const merge =
    dialect === 'postgres'
      ? sql<string>`(coalesce(contacts.attributes, '{}')::jsonb || excluded.attributes::jsonb)::text`
      : sql<string>`json_patch(coalesce(contacts.attributes, '{}'), excluded.attributes)`
  for (let i = 0; i < rows.length; i += 500) {
    const chunk = rows.slice(i, i + 500)
    const withAttributes = chunk.filter((r) => Object.keys(r.attributes).length > 0)
    const plain = chunk.filter((r) => Object.keys(r.attributes).length === 0)
    if (withAttributes.length > 0) {
      const out = await db
        .insertInto('contacts')
        .values(
          withAttributes.map((r) => ({
            id: newId('ct', now),
            tenant_id: tenantId,
            wa_id: r.waId,
            user_id: null,
            profile_name: null,
            attributes: JSON.stringify(r.attributes),
            created_at: now,
            updated_at: now,
          })),
        )
        .onConflict((oc) =>
          oc.columns(['tenant_id', 'wa_id']).doUpdateSet({ attributes: merge, updated_at: now }),
        )
        .returning(['id', 'wa_id'])
        .execute()
      for (const r of out) ids.set(r.wa_id as string, r.id)
    }
    if (plain.length > 0) {
      await db
        .insertInto('contacts')
        .values(
          plain.map((r) => ({
            id: newId('ct', now),
            tenant_id: tenantId,
            wa_id: r.waId,
            user_id: null,
            profile_name: null,
            created_at: now,
            updated_at: now,
          })),
        )
        .onConflict((oc) => oc.columns(['tenant_id', 'wa_id']).doNothing())
        .execute()
      const found = await db
        .selectFrom('contacts')
        .select(['id', 'wa_id'])
        .where('tenant_id', '=', tenantId)
        .where(
          'wa_id',
          'in',
          plain.map((r) => r.waId),
        )
        .execute()
      for (const r of found) ids.set(r.wa_id as string, r.id)
    }
  }
  return ids
}
