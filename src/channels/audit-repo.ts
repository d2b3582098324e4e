import type { Db } from '../db/connect.ts'
import { newId } from '../ids.ts'
import type { Actor } from './context.ts'

// Admin actions (apps, WABAs, numbers, tenants, keys, users, Meta-side changes) leave one row
// each. Details never hold a secret: callers pass ids and masked values only.

export type AuditEntry = {
  actor: Actor
  action: string
  targetType?: string
  targetId?: string
  tenantId?: string | null
  details?: Record<string, unknown>
}

export async function recordAudit(db: Db, entry: AuditEntry): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      id: newId('aud'),
      at: Date.now(),
      actor: entry.actor,
      action: entry.action,
      target_type: entry.targetType ?? null,
      target_id: entry.targetId ?? null,
      tenant_id: entry.tenantId ?? null,
      details: entry.details ? JSON.stringify(entry.details) : null,
    })
    .execute()
}

export type AuditRow = {
  id: string
  at: number
  actor: string
  action: string
  targetType: string | null
  targetId: string | null
  tenantId: string | null
  details: Record<string, unknown> | null
}

/** Newest first; `before` is an audit id for paging. */
export async function listAudit(
  db: Db,
  options: { limit?: number; before?: string; tenantId?: string } = {},
): Promise<AuditRow[]> {
  let query = db
    .selectFrom('audit_log')
    .selectAll()
    .orderBy('id', 'desc')
    .limit(Math.min(options.limit ?? 100, 500))
  if (options.before) query = query.where('id', '<', options.before)
  if (options.tenantId) query = query.where('tenant_id', '=', options.tenantId)
  const rows = await query.execute()
  return rows.map((r) => ({
    id: r.id,
    at: r.at,
    actor: r.actor,
    action: r.action,
    targetType: r.target_type,
    targetId: r.target_id,
    tenantId: r.tenant_id,
    details: r.details ? (JSON.parse(r.details) as Record<string, unknown>) : null,
  }))
}
