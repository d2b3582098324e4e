import { constantTimeEqual, randomToken, sha256Hex } from '../channels/secrets.ts'
import type { Db } from '../db/connect.ts'
import { toUser, type User } from './users.ts'

// Dashboard sessions live in the database (SPEC §2: any instance serves any request). The
// cookie holds a random token; the row is keyed by its sha256, so a database leak yields no
// usable session. The CSRF token is derived from the session token (one-way), so the
// dashboard can get it again from GET /auth/me after a reload; only its hash is stored.

export const sessionCookieName = 'wahub_session'
/** Idle time after which a session ends; each use extends it (written at most once a minute). */
export const sessionIdleMs = 12 * 60 * 60_000
/** A session ends this long after login, however active. */
export const sessionMaxMs = 7 * 24 * 60 * 60_000
const touchEveryMs = 60_000

export type NewSession = { token: string; csrfToken: string; expiresAt: number }

export function csrfTokenFor(sessionToken: string): string {
  return sha256Hex(`wahub-csrf:${sessionToken}`)
}

export async function createSession(db: Db, userId: string, now = Date.now()): Promise<NewSession> {
  const token = randomToken(32)
  const csrfToken = csrfTokenFor(token)
  const expiresAt = now + sessionIdleMs
  await db
    .insertInto('sessions')
    .values({
      id: sha256Hex(token),
      user_id: userId,
      csrf_token_hash: sha256Hex(csrfToken),
      created_at: now,
      expires_at: expiresAt,
      last_seen_at: now,
    })
    .execute()
  return { token, csrfToken, expiresAt }
}

export type LoadedSession = { id: string; user: User; csrfTokenHash: string; expiresAt: number }

/** The live session of a cookie token with its (enabled) user, else undefined. */
export async function loadSession(
  db: Db,
  token: string,
  now = Date.now(),
): Promise<LoadedSession | undefined> {
  if (token.length < 20 || token.length > 100) return undefined
  const id = sha256Hex(token)
  const row = await db
    .selectFrom('sessions as s')
    .innerJoin('users as u', 'u.id', 's.user_id')
    .select([
      's.id as session_id',
      's.csrf_token_hash',
      's.created_at as session_created_at',
      's.expires_at',
      's.last_seen_at',
      'u.id',
      'u.email',
      'u.role',
      'u.tenant_id',
      'u.must_change_password',
      'u.disabled',
      'u.created_at',
      'u.last_login_at',
    ])
    .where('s.id', '=', id)
    .executeTakeFirst()
  if (!row) return undefined
  if (row.expires_at <= now || row.disabled === 1) {
    await db.deleteFrom('sessions').where('id', '=', id).execute()
    return undefined
  }
  let expiresAt = row.expires_at
  if (now - row.last_seen_at >= touchEveryMs) {
    expiresAt = Math.min(now + sessionIdleMs, row.session_created_at + sessionMaxMs)
    await db
      .updateTable('sessions')
      .set({ last_seen_at: now, expires_at: expiresAt })
      .where('id', '=', id)
      .execute()
  }
  return { id, user: toUser(row), csrfTokenHash: row.csrf_token_hash, expiresAt }
}

export function csrfMatches(session: LoadedSession, header: string | undefined): boolean {
  if (!header) return false
  return constantTimeEqual(sha256Hex(header), session.csrfTokenHash)
}

export async function deleteSession(db: Db, sessionId: string): Promise<void> {
  await db.deleteFrom('sessions').where('id', '=', sessionId).execute()
}
