import { createHash } from 'node:crypto'
import type { Db } from '../db/connect.ts'
import { WahubError } from '../errors.ts'

// `Idempotency-Key` (SPEC §6): per tenant, kept 24 hours. The key row commits with the
// message it created, so a repeat finds either nothing (send it) or the first answer (return
// it) — never half of one. The same key with a different body is refused, as the IETF
// Idempotency-Key draft says (422). Only accepted sends are remembered: a refused request
// (window closed, bad template) may be corrected and sent again with the same key.

export const idempotencyTtlMs = 24 * 60 * 60 * 1000

export type StoredAnswer = { statusCode: number; body: unknown }

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical)
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, canonical((value as Record<string, unknown>)[k])]),
    )
  }
  return value
}

export function requestHash(body: unknown): string {
  return createHash('sha256')
    .update(JSON.stringify(canonical(body)))
    .digest('hex')
}

export function checkKey(key: string): string {
  if (key.length < 1 || key.length > 255 || !/^[\x21-\x7e]+$/.test(key)) {
    throw new WahubError('bad_request', 'Idempotency-Key must be 1 to 255 visible ASCII characters.', {
      header: 'Idempotency-Key',
    })
  }
  return key
}

/** The first answer given for this key, or undefined; refuses a key reused with another body. */
export async function findAnswer(
  db: Db,
  tenantId: string,
  key: string,
  hash: string,
  now = Date.now(),
): Promise<StoredAnswer | undefined> {
  const row = await db
    .selectFrom('idempotency_keys')
    .select(['request_hash', 'response', 'created_at', 'expires_at'])
    .where('tenant_id', '=', tenantId)
    .where('key', '=', key)
    .executeTakeFirst()
  if (!row || row.expires_at <= now) return undefined
  if (row.request_hash !== hash) {
    throw new WahubError(
      'idempotency_key_reused',
      `Idempotency-Key "${key}" was used at ${new Date(row.created_at).toISOString()} for a different request body.`,
      { key, firstUsedAt: row.created_at },
    )
  }
  return JSON.parse(row.response) as StoredAnswer
}

/**
 * Stores the answer in the caller's transaction. False when another request stored one for this
 * key meanwhile (the caller rolls back and returns that one instead).
 */
export async function storeAnswer(
  db: Db,
  tenantId: string,
  key: string,
  hash: string,
  answer: StoredAnswer,
  now = Date.now(),
): Promise<boolean> {
  // An expired row for this key is replaced.
  await db
    .deleteFrom('idempotency_keys')
    .where('tenant_id', '=', tenantId)
    .where('key', '=', key)
    .where('expires_at', '<=', now)
    .execute()
  const result = await db
    .insertInto('idempotency_keys')
    .values({
      tenant_id: tenantId,
      key,
      request_hash: hash,
      response: JSON.stringify(answer),
      created_at: now,
      expires_at: now + idempotencyTtlMs,
    })
    .onConflict((oc) => oc.columns(['tenant_id', 'key']).doNothing())
    .executeTakeFirst()
  return Number(result.numInsertedOrUpdatedRows ?? 0) === 1
}

/**
 * findAnswer for many keys of one tenant in one statement: key → the first answer, or the
 * `idempotency_key_reused` error when the key came with another body. Keys never seen (or
 * expired) are absent.
 */
export async function findAnswers(
  db: Db,
  tenantId: string,
  keys: ReadonlyMap<string, string>,
  now = Date.now(),
): Promise<Map<string, StoredAnswer | WahubError>> {
  const out = new Map<string, StoredAnswer | WahubError>()
  const list = [...keys.keys()]
  for (let i = 0; i < list.length; i += 1000) {
    const rows = await db
      .selectFrom('idempotency_keys')
      .select(['key', 'request_hash', 'response', 'created_at', 'expires_at'])
      .where('tenant_id', '=', tenantId)
      .where('key', 'in', list.slice(i, i + 1000))
      .execute()
    for (const row of rows) {
      if (row.expires_at <= now) continue
      out.set(
        row.key,
        row.request_hash === keys.get(row.key)
          ? (JSON.parse(row.response) as StoredAnswer)
          : new WahubError(
              'idempotency_key_reused',
              `Idempotency-Key "${row.key}" was used at ${new Date(row.created_at).toISOString()} for a different request body.`,
              { key: row.key, firstUsedAt: row.created_at },
            ),
      )
    }
  }
  return out
}

/**
 * storeAnswer for many keys in the caller's transaction, multi-row: the keys another request
 * stored meanwhile (the caller rolls back and asks again; empty when all were stored).
 */
export async function storeAnswers(
  db: Db,
  tenantId: string,
  list: readonly { key: string; hash: string; answer: StoredAnswer }[],
  now = Date.now(),
): Promise<string[]> {
  const lost: string[] = []
  for (let i = 0; i < list.length; i += 1000) {
    const chunk = list.slice(i, i + 1000)
    const keys = chunk.map((k) => k.key)
    await db
      .deleteFrom('idempotency_keys')
      .where('tenant_id', '=', tenantId)
      .where('key', 'in', keys)
      .where('expires_at', '<=', now)
      .execute()
    const stored = await db
      .insertInto('idempotency_keys')
      .values(
        chunk.map((k) => ({
          tenant_id: tenantId,
          key: k.key,
          request_hash: k.hash,
          response: JSON.stringify(k.answer),
          created_at: now,
          expires_at: now + idempotencyTtlMs,
        })),
      )
      .onConflict((oc) => oc.columns(['tenant_id', 'key']).doNothing())
      .returning('key')
      .execute()
    const got = new Set(stored.map((r) => r.key))
    for (const k of keys) if (!got.has(k)) lost.push(k)
  }
  return lost
}

/** Housekeeping: forget keys past their 24 hours. */
export async function deleteExpiredKeys(db: Db, now = Date.now()): Promise<number> {
  const result = await db.deleteFrom('idempotency_keys').where('expires_at', '<=', now).executeTakeFirst()
  return Number(result.numDeletedRows)
}
