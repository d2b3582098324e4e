import { requireAgent, takeNextAgent } from '../accounts/agents.ts'
import type { Db } from '../db/connect.ts'
import type { ConversationStatus } from '../db/schema.ts'
import { WahubError } from '../errors.ts'
import { recordEvent } from '../events/events-repo.ts'
import { type Activity, recordActivity } from './activity-repo.ts'
import type { InboundConversation } from './conversations-repo.ts'

// The team inbox's workflow on a conversation (SPEC §13): its status (open, pending = waiting
// on the customer, resolved) and its assignee (an agent of the tenant, or nobody). Every change
// commits with an activity line in the thread and a `conversation.status` /
// `conversation.assigned` event (live in other agents' dashboards, forwarded to the tenant's
// callback URL). A change to the current value is no change: nothing is written.

export type WorkflowActor = { actor: string; userId: string | null }
export const systemActor: WorkflowActor = { actor: 'system', userId: null }

type Current = { id: string; tenant_id: string; status: ConversationStatus; assignee_user_id: string | null }

async function current(db: Db, scope: string | null, conversationId: string): Promise<Current> {
  let query = db
    .selectFrom('conversations')
    .select(['id', 'tenant_id', 'status', 'assignee_user_id'])
    .where('id', '=', conversationId)
  if (scope) query = query.where('tenant_id', '=', scope)
  const row = await query.executeTakeFirst()
  if (!row) throw new WahubError('not_found', `No conversation ${conversationId}.`)
  return row
}

async function writeStatus(
  db: Db,
  row: Current,
  status: ConversationStatus,
  by: WorkflowActor,
  reason: 'agent' | 'inbound',
): Promise<Activity> {
  const now = Date.now()
  await db.updateTable('conversations').set({ status, updated_at: now }).where('id', '=', row.id).execute()
  const data = { status, previous: row.status, reason }
  const activity = await recordActivity(db, {
    tenantId: row.tenant_id,
    conversationId: row.id,
    kind: 'status',
    actor: by.actor,
    actorUserId: by.userId,
    data,
    at: now,
  })
  await recordEvent(db, {
    tenantId: row.tenant_id,
    kind: 'conversation.status',
    subjectId: row.id,
    payload: { conversationId: row.id, ...data, by: by.actor, activityId: activity.id },
  })
  return activity
}

async function writeAssignee(
  db: Db,
  row: Current,
  assigneeUserId: string | null,
  by: WorkflowActor,
  reason: 'agent' | 'round_robin',
): Promise<Activity> {
  const now = Date.now()
  await db
    .updateTable('conversations')
    .set({ assignee_user_id: assigneeUserId, updated_at: now })
    .where('id', '=', row.id)
    .execute()
  const data = { assigneeUserId, previous: row.assignee_user_id, reason }
  const activity = await recordActivity(db, {
    tenantId: row.tenant_id,
    conversationId: row.id,
    kind: 'assigned',
    actor: by.actor,
    actorUserId: by.userId,
    data,
    at: now,
  })
  await recordEvent(db, {
    tenantId: row.tenant_id,
    kind: 'conversation.assigned',
    subjectId: row.id,
    payload: { conversationId: row.id, ...data, by: by.actor, activityId: activity.id },
  })
  return activity
}

/** `scope` null = an operator acting on any tenant's conversation. */
export async function setConversationStatus(
  db: Db,
  scope: string | null,
  conversationId: string,
  status: ConversationStatus,
  by: WorkflowActor,
): Promise<{ changed: boolean }> {
  return db.transaction().execute(async (trx) => {
    const row = await current(trx, scope, conversationId)
    if (row.status === status) return { changed: false }
    await writeStatus(trx, row, status, by, 'agent')
    return { changed: true }
  })
}

export async function assignConversation(
  db: Db,
  scope: string | null,
  conversationId: string,
  assigneeUserId: string | null,
  by: WorkflowActor,
): Promise<{ changed: boolean }> {
  return db.transaction().execute(async (trx) => {
    const row = await current(trx, scope, conversationId)
    if (assigneeUserId !== null) await requireAgent(trx, row.tenant_id, assigneeUserId, 'assignee')
    if (row.assignee_user_id === assigneeUserId) return { changed: false }
    await writeAssignee(trx, row, assigneeUserId, by, 'agent')
    return { changed: true }
  })
}

/** Whether afterInboundMessage may write anything for this conversation (else it reads nothing either). */
export function inboundChangesWorkflow(row: InboundConversation): boolean {
  return row.status !== 'open' || (row.assignee_user_id === null && row.auto_assign === 1)
}

/**
 * A customer wrote (called inside the webhook's processing transaction): a pending or resolved
 * conversation is open again, and an unassigned one goes to the next available agent when the
 * tenant has round-robin assignment on. `row` is the conversation as the message found it
 * (conversationForInbound: read in the statement that found the conversation).
 */
export async function afterInboundMessage(db: Db, row: InboundConversation): Promise<void> {
  if (!inboundChangesWorkflow(row)) return
  if (row.status !== 'open') await writeStatus(db, row, 'open', systemActor, 'inbound')
  if (row.assignee_user_id !== null) return
  if (row.auto_assign !== 1) return
  const agent = await takeNextAgent(db, row.tenant_id)
  if (agent) await writeAssignee(db, { ...row, status: 'open' }, agent, systemActor, 'round_robin')
}
