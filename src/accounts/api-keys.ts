import { recordAudit } from '../channels/audit-repo.ts'
import type { Actor } from '../channels/context.ts'
import { last4, randomToken, sha256Hex } from '../channels/secrets.ts'
import { findTenant } from '../channels/tenants-repo.ts'
import type { Db } from '../db/connect.ts'
import { WahubError } from '../errors.ts'
import { newId } from '../ids.ts'

// API keys: `wh_` + 43 random characters, shown once, stored as a sha256 hash (a key has 256
// bits of entropy, so a fast hash is enough; a slow one would cost on every request). A key
// belongs to one tenant (scopes send, read) or is an operator key (no tenant, scope admin).

export const scopes = ['send', 'read', 'admin'] as const
export type Scope = (typeof scopes)[number]

export type ApiKey = {
  id: string
  tenantId: string | null
  name: string | null
  /** `wh_…abcd`: the last 4 characters, enough to recognise a key. */
  hint: string
  scopes: Scope[]
  createdAt: number
  lastUsedAt: number | null
  revokedAt: number | null
}

const keyPrefix = 'wh_'
/** last_used_at is written at most this often per key (one write per minute, not per request). */
const lastUsedEveryMs = 60_000

type KeyRow = {
  id: string
  tenant_id: string | null
  name: string | null
  prefix: string
  scopes: string
  created_at: number
  last_used_at: number | null
  revoked_at: number | null
}

function parseScopes(text: string): Scope[] {
  return text.split(',').filter((s): s is Scope => (scopes as readonly string[]).includes(s))
}

function toApiKey(row: KeyRow): ApiKey {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    name: row.name,
    hint: row.prefix,
    scopes: parseScopes(row.scopes),
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
    revokedAt: row.revoked_at,
  }
}

export type CreateApiKeyInput = {
  /** Tenant id or name; absent = an operator key. */
  tenant?: string
  scopes?: readonly string[]
  name?: string
}

/** `key` is the only time the key is ever seen. */
export async function createApiKey(
  db: Db,
  input: CreateApiKeyInput,
  actor: Actor,
): Promise<{ key: string; apiKey: ApiKey }> {
  const tenantId = input.tenant ? (await findTenant(db, input.tenant)).id : null
  const wanted = [...new Set(input.scopes ?? (tenantId ? ['send', 'read'] : ['admin']))]
  for (const s of wanted) {
    if (!(scopes as readonly string[]).includes(s)) {
      throw new WahubError('validation_failed', `Unknown scope ${s}: use send, read or admin.`, [
        { field: 'scopes', problem: `unknown scope ${s}` },
      ])
    }
  }
  if (wanted.length === 0) {
    throw new WahubError('validation_failed', 'A key needs at least one scope.', [
      { field: 'scopes', problem: 'empty' },
    ])
  }
  if (tenantId && wanted.includes('admin')) {
    throw new WahubError(
      'validation_failed',
      'A tenant key cannot have the admin scope (admin acts across tenants).',
      [{ field: 'scopes', problem: 'admin is only for operator keys' }],
      'Create an operator key without --tenant for administration.',
    )
  }
  if (!tenantId && wanted.some((s) => s !== 'admin')) {
    throw new WahubError(
      'validation_failed',
      'An operator key (no tenant) has only the admin scope; send and read act for one tenant.',
      [{ field: 'scopes', problem: 'send/read need a tenant' }],
      'Pass --tenant for a key that sends or reads for a tenant.',
    )
  }
  const key = `${keyPrefix}${randomToken(32)}`
  const id = newId('key')
  const now = Date.now()
  await db
    .insertInto('api_keys')
    .values({
      id,
      tenant_id: tenantId,
      name: input.name ?? null,
      prefix: `${keyPrefix}…${last4(key)}`,
      key_hash: sha256Hex(key),
      scopes: wanted.join(','),
      created_at: now,
      last_used_at: null,
      revoked_at: null,
    })
    .execute()
  await recordAudit(db, {
    actor,
    action: 'apikey.create',
    targetType: 'api_key',
    targetId: id,
    tenantId,
    details: { scopes: wanted, name: input.name ?? null },
  })
  const row = await db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirstOrThrow()
  return { key, apiKey: toApiKey(row) }
}

export async function listApiKeys(
  db: Db,
  filter: { tenantId?: string; includeRevoked?: boolean } = {},
): Promise<ApiKey[]> {
  let q = db.selectFrom('api_keys').selectAll().orderBy('id')
  if (filter.tenantId) q = q.where('tenant_id', '=', filter.tenantId)
  if (!filter.includeRevoked) q = q.where('revoked_at', 'is', null)
  return (await q.execute()).map(toApiKey)
}

export async function getApiKey(db: Db, id: string): Promise<ApiKey> {
  const row = await db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirst()
  if (!row)
    throw new WahubError('not_found', `No API key ${id}.`, undefined, 'List keys with `wahub apikey list`.')
  return toApiKey(row)
}

/** Revoked keys stop working at once, on every instance (each request reads the row). */
export async function revokeApiKey(db: Db, id: string, actor: Actor): Promise<ApiKey> {
  const key = await getApiKey(db, id)
  if (key.revokedAt === null) {
    await db.updateTable('api_keys').set({ revoked_at: Date.now() }).where('id', '=', id).execute()
    await recordAudit(db, {
      actor,
      action: 'apikey.revoke',
      targetType: 'api_key',
      targetId: id,
      tenantId: key.tenantId,
    })
  }
  return getApiKey(db, id)
}

export type KeyPrincipal = { id: string; tenantId: string | null; tenantEnabled: boolean; scopes: Scope[] }

/** The key's owner and scopes, or undefined for an unknown or revoked key. */
export async function authenticateApiKey(
  db: Db,
  key: string,
  now = Date.now(),
): Promise<KeyPrincipal | undefined> {
  if (!key.startsWith(keyPrefix) || key.length > 200) return undefined
  const row = await db
    .selectFrom('api_keys as k')
    .leftJoin('tenants as t', 't.id', 'k.tenant_id')
    .select([
      'k.id',
      'k.tenant_id',
      'k.scopes',
      'k.last_used_at',
      'k.revoked_at',
      't.enabled as tenant_enabled',
    ])
    .where('k.key_hash', '=', sha256Hex(key))
    .executeTakeFirst()
  if (!row || row.revoked_at !== null) return undefined
  if (row.last_used_at === null || now - row.last_used_at >= lastUsedEveryMs) {
    await db
      .updateTable('api_keys')
      .set({ last_used_at: now })
      .where('id', '=', row.id)
      .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<=', now - lastUsedEveryMs)]))
      .execute()
  }
  return {
    id: row.id,
    tenantId: row.tenant_id,
    tenantEnabled: row.tenant_id === null || row.tenant_enabled === 1,
    scopes: parseScopes(row.scopes),
  }
}
