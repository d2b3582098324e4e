import type { Db } from '../db/connect.ts'
import { WahubError } from '../errors.ts'
import { accountPolicy, addressPolicy, clearAttempts, reserveAttempt } from './login-throttle.ts'
import { createSession, type NewSession } from './sessions.ts'
import { checkCredentials, normaliseEmail, type User } from './users.ts'

// Password login (SPEC §12). Every attempt is reserved per client address and per account
// before the password is hashed (login-throttle.ts), so the limits hold under parallel attempts
// and across instances; the client address is the socket's unless the request came through a
// proxy listed in WAHUB_TRUST_PROXY (http/app.ts), so X-Forwarded-For cannot be forged.

export type LoginResult = { user: User; session: NewSession }

function throttled(retryAfterMs: number): WahubError {
  const retryAfterSeconds = Math.max(1, Math.ceil(retryAfterMs / 1000))
  return new WahubError('rate_limited', `Too many failed logins; try again in ${retryAfterSeconds} s.`, {
    retryAfterSeconds,
  })
}

export async function login(
  db: Db,
  input: { email: string; password: string; ip: string },
): Promise<LoginResult> {
  const accountKey = `login:account:${normaliseEmail(input.email)}`
  const addressKey = `login:address:${input.ip}`
  const byAddress = await reserveAttempt(db, addressKey, addressPolicy)
  if (!byAddress.ok) throw throttled(byAddress.retryAfterMs)
  const byAccount = await reserveAttempt(db, accountKey, accountPolicy)
  if (!byAccount.ok) throw throttled(byAccount.retryAfterMs)
  const user = await checkCredentials(db, input.email, input.password)
  if (!user) throw new WahubError('login_failed', 'Wrong email or password.')
  // The address keeps its count: one right password must not clear a guesser's address.
  await clearAttempts(db, accountKey)
  const now = Date.now()
  await db.updateTable('users').set({ last_login_at: now }).where('id', '=', user.id).execute()
  const session = await createSession(db, user.id, now)
  return { user: { ...user, lastLoginAt: now }, session }
}
