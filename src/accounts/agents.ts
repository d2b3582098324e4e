import type { Db } from '../db/connect.ts'
import { WahubError } from '../errors.ts'

// A tenant's agents as the team inbox sees them: who can be assigned, who is available for
// round-robin assignment (SPEC §13). Agents set their own presence; operators (admin users)
// belong to no tenant and are never assignees.

export type Presence = 'available' | 'away'
export type Agent = { id: string; email: string; presence: Presence; lastAssignedAt: number | null }

export async function listAgents(db: Db, tenantId: string): Promise<Agent[]> {
  const rows = await db
    .selectFrom('users')
    .select(['id', 'email', 'presence', 'last_assigned_at'])
    .where('tenant_id', '=', tenantId)
    .where('role', '=', 'agent')
    .where('disabled', '=', 0)
    .orderBy('email')
    .execute()
  return rows.map((r) => ({
    id: r.id,
    email: r.email,
    presence: r.presence,
    lastAssignedAt: r.last_assigned_at,
  }))
}

/** The enabled agent of `tenantId` with this id, or a 400 naming `field`. */
export async function requireAgent(db: Db, tenantId: string, userId: string, field: string): Promise<Agent> {
  const agent = (await listAgents(db, tenantId)).find((a) => a.id === userId)
  if (!agent) {
    throw new WahubError(
      'validation_failed',
      `${field}: ${userId} is not an enabled agent of this conversation's tenant (GET /api/v1/agents lists them).`,
      [{ field, problem: 'not an agent of this tenant' }],
    )
  }
  return agent
}

export async function setPresence(db: Db, userId: string, presence: Presence): Promise<void> {
  await db.updateTable('users').set({ presence }).where('id', '=', userId).execute()
}

/**
 * Round robin: the available agent who was assigned longest ago (never first), marked as just
 * assigned. Several instances may pick at once; the worst case is one agent getting two in a row.
 */
export async function takeNextAgent(db: Db, tenantId: string, now = Date.now()): Promise<string | null> {
  const next = await db
    .selectFrom('users')
    .select('id')
    .where('tenant_id', '=', tenantId)
    .where('role', '=', 'agent')
    .where('disabled', '=', 0)
    .where('presence', '=', 'available')
    .orderBy((eb) => eb.fn.coalesce('last_assigned_at', eb.lit(0)))
    .orderBy('id')
    .limit(1)
    .executeTakeFirst()
  if (!next) return null
  await db.updateTable('users').set({ last_assigned_at: now }).where('id', '=', next.id).execute()
  return next.id
}
