import type { Db } from '../db/connect.ts'
import { WahubError } from '../errors.ts'
import { recordEvent } from '../events/events-repo.ts'
import { newId } from '../ids.ts'
import { recordActivity } from './activity-repo.ts'
import type { WorkflowActor } from './conversation-workflow.ts'

// A tenant's labels (name + colour) and the labels on its conversations (SPEC §13). Changing a
// conversation's labels is one transaction: the set, an activity line, a `conversation.labels`
// event.

export type Label = { id: string; name: string; color: string }

const colorPattern = /^#[0-9a-fA-F]{6}$/

function invalid(field: string, problem: string, message: string): WahubError {
  return new WahubError('validation_failed', `${field}: ${message}`, [{ field, problem }])
}

function checkLabel(input: { name?: string; color?: string }): { name?: string; color?: string } {
  const name = input.name?.trim()
  if (name !== undefined && (name.length < 1 || name.length > 50)) {
    throw invalid('name', 'length', 'a label name is 1 to 50 characters.')
  }
  if (input.color !== undefined && !colorPattern.test(input.color)) {
    throw invalid('color', 'format', `${input.color} is not a colour like #1e88e5.`)
  }
  return { name, color: input.color?.toLowerCase() }
}

export async function listLabels(db: Db, tenantId: string): Promise<Label[]> {
  return db
    .selectFrom('labels')
    .select(['id', 'name', 'color'])
    .where('tenant_id', '=', tenantId)
    .orderBy('name')
    .execute()
}

async function nameTaken(db: Db, tenantId: string, name: string, except?: string): Promise<boolean> {
  let query = db.selectFrom('labels').select('id').where('tenant_id', '=', tenantId).where('name', '=', name)
  if (except) query = query.where('id', '!=', except)
  return (await query.executeTakeFirst()) !== undefined
}

export async function createLabel(
  db: Db,
  tenantId: string,
  input: { name: string; color: string },
): Promise<Label> {
  const { name, color } = checkLabel(input) as { name: string; color: string }
  if (await nameTaken(db, tenantId, name)) throw new WahubError('conflict', `A label named ${name} exists.`)
  const now = Date.now()
  const id = newId('lbl', now)
  await db
    .insertInto('labels')
    .values({ id, tenant_id: tenantId, name, color, created_at: now, updated_at: now })
    .execute()
  return { id, name, color }
}

async function findLabel(db: Db, tenantId: string, id: string): Promise<Label> {
  const row = await db
    .selectFrom('labels')
    .select(['id', 'name', 'color'])
    .where('tenant_id', '=', tenantId)
    .where((eb) => eb.or([eb('id', '=', id), eb('name', '=', id)]))
    .executeTakeFirst()
  if (!row) throw new WahubError('not_found', `No label ${id}.`)
  return row
}

export async function updateLabel(
  db: Db,
  tenantId: string,
  idOrName: string,
  input: { name?: string; color?: string },
): Promise<Label> {
  const label = await findLabel(db, tenantId, idOrName)
  const change = checkLabel(input)
  if (change.name !== undefined && (await nameTaken(db, tenantId, change.name, label.id))) {
    throw new WahubError('conflict', `A label named ${change.name} exists.`)
  }
  await db
    .updateTable('labels')
    .set({ ...change, updated_at: Date.now() })
    .where('id', '=', label.id)
    .execute()
  return { ...label, ...Object.fromEntries(Object.entries(change).filter(([, v]) => v !== undefined)) }
}

/** Removes the label and takes it off every conversation. */
export async function removeLabel(db: Db, tenantId: string, idOrName: string): Promise<void> {
  const label = await findLabel(db, tenantId, idOrName)
  await db.deleteFrom('labels').where('id', '=', label.id).execute()
}

/** Labels of each conversation, for a page of the list or one conversation. */
export async function labelsFor(db: Db, conversationIds: string[]): Promise<Map<string, Label[]>> {
  const out = new Map<string, Label[]>()
  if (conversationIds.length === 0) return out
  const rows = await db
    .selectFrom('conversation_labels as cl')
    .innerJoin('labels as l', 'l.id', 'cl.label_id')
    .select(['cl.conversation_id', 'l.id', 'l.name', 'l.color'])
    .where('cl.conversation_id', 'in', conversationIds)
    .orderBy('l.name')
    .execute()
  for (const r of rows) {
    const list = out.get(r.conversation_id) ?? []
    list.push({ id: r.id, name: r.name, color: r.color })
    out.set(r.conversation_id, list)
  }
  return out
}

/** Sets a conversation's labels (ids or names of the tenant's labels). */
export async function setConversationLabels(
  db: Db,
  scope: string | null,
  conversationId: string,
  labelRefs: string[],
  by: WorkflowActor,
): Promise<{ changed: boolean }> {
  return db.transaction().execute(async (trx) => {
    let query = trx.selectFrom('conversations').select(['id', 'tenant_id']).where('id', '=', conversationId)
    if (scope) query = query.where('tenant_id', '=', scope)
    const conversation = await query.executeTakeFirst()
    if (!conversation) throw new WahubError('not_found', `No conversation ${conversationId}.`)
    const tenantLabels = await listLabels(trx, conversation.tenant_id)
    const wanted = new Set<string>()
    for (const ref of labelRefs) {
      const label = tenantLabels.find((l) => l.id === ref || l.name === ref)
      if (!label) {
        throw invalid(
          'labels',
          'unknown label',
          `${ref} is not one of this tenant's labels (GET /api/v1/labels).`,
        )
      }
      wanted.add(label.id)
    }
    const current = new Set(
      (
        await trx
          .selectFrom('conversation_labels')
          .select('label_id')
          .where('conversation_id', '=', conversation.id)
          .execute()
      ).map((r) => r.label_id),
    )
    const added = [...wanted].filter((id) => !current.has(id))
    const removed = [...current].filter((id) => !wanted.has(id))
    if (added.length === 0 && removed.length === 0) return { changed: false }
    const now = Date.now()
    if (removed.length) {
      await trx
        .deleteFrom('conversation_labels')
        .where('conversation_id', '=', conversation.id)
        .where('label_id', 'in', removed)
        .execute()
    }
    if (added.length) {
      await trx
        .insertInto('conversation_labels')
        .values(
          added.map((label_id) => ({
            conversation_id: conversation.id,
            label_id,
            tenant_id: conversation.tenant_id,
            created_at: now,
          })),
        )
        .execute()
    }
    const names = (ids: string[]) => ids.map((id) => tenantLabels.find((l) => l.id === id)?.name ?? id)
    const data = { added: names(added), removed: names(removed) }
    const activity = await recordActivity(trx, {
      tenantId: conversation.tenant_id,
      conversationId: conversation.id,
      kind: 'labels',
      actor: by.actor,
      actorUserId: by.userId,
      data,
      at: now,
    })
    await recordEvent(trx, {
      tenantId: conversation.tenant_id,
      kind: 'conversation.labels',
      subjectId: conversation.id,
      payload: { conversationId: conversation.id, ...data, by: by.actor, activityId: activity.id },
    })
    return { changed: true }
  })
}
