import type { Db } from '../db/connect.ts'
import { authenticateApiKey, type Scope } from './api-keys.ts'
import { type LoadedSession, loadSession } from './sessions.ts'

// Who is calling: an API key or a signed-in user, reduced to what authorisation needs. Every
// tenant-scoped handler takes the tenant from here, never from the request (issue 4).

export type PrincipalRole = 'admin' | 'agent' | 'tenant'

export type Principal = {
  kind: 'api_key' | 'user'
  /** The key's or the user's id. */
  id: string
  /** null = operator (admin key or admin user): acts across tenants. */
  tenantId: string | null
  tenantEnabled: boolean
  scopes: Scope[]
  /** admin: operator key or admin user; agent: a tenant's user; tenant: a tenant's API key. */
  role: PrincipalRole
  /** Users only. */
  session?: LoadedSession
}

export async function principalFromKey(db: Db, key: string): Promise<Principal | undefined> {
  const k = await authenticateApiKey(db, key)
  if (!k) return undefined
  return {
    kind: 'api_key',
    id: k.id,
    tenantId: k.tenantId,
    tenantEnabled: k.tenantEnabled,
    scopes: k.scopes,
    role: k.tenantId === null ? 'admin' : 'tenant',
  }
}

export async function principalFromSession(db: Db, token: string): Promise<Principal | undefined> {
  const session = await loadSession(db, token)
  if (!session) return undefined
  const { user } = session
  let tenantEnabled = true
  if (user.tenantId) {
    const t = await db
      .selectFrom('tenants')
      .select('enabled')
      .where('id', '=', user.tenantId)
      .executeTakeFirst()
    tenantEnabled = t?.enabled === 1
  }
  return {
    kind: 'user',
    id: user.id,
    tenantId: user.role === 'admin' ? null : user.tenantId,
    tenantEnabled,
    scopes: user.role === 'admin' ? ['send', 'read', 'admin'] : ['send', 'read'],
    role: user.role,
    session,
  }
}

/** "actor" of audit rows. */
export function actorOf(p: Principal): string {
  return `${p.kind === 'api_key' ? 'api_key' : 'user'}:${p.id}`
}
