import type { Db } from '../db/connect.ts'
import { WahubError } from '../errors.ts'
import { hitCounter, readCounter, resetCounter } from './rate-counters.ts'
import { createSession, type NewSession } from './sessions.ts'
import { checkCredentials, normaliseEmail, type User } from './users.ts'

// Password login with throttling in the rate_counters table, so the limit holds across every
// instance: failures are counted per account and per client address over a 15-minute window;
// past the limit every attempt is refused (even a right password) until the window ends.

export const loginWindowMs = 15 * 60_000
export const maxFailuresPerAccount = 10
export const maxFailuresPerAddress = 50

export type LoginResult = { user: User; session: NewSession }

export async function login(
  db: Db,
  input: { email: string; password: string; ip: string },
): Promise<LoginResult> {
  const accountKey = `login:account:${normaliseEmail(input.email)}`
  const addressKey = `login:address:${input.ip}`
  const now = Date.now()
  for (const [key, max] of [
    [accountKey, maxFailuresPerAccount],
    [addressKey, maxFailuresPerAddress],
  ] as const) {
    const counter = await readCounter(db, key, now)
    if (counter && counter.count >= max) {
      const retryAfterSeconds = Math.max(1, Math.ceil((counter.resetAt - now) / 1000))
      throw new WahubError('rate_limited', `Too many failed logins; try again in ${retryAfterSeconds} s.`, {
        retryAfterSeconds,
      })
    }
  }
  const user = await checkCredentials(db, input.email, input.password)
  if (!user) {
    await hitCounter(db, accountKey, loginWindowMs, now)
    await hitCounter(db, addressKey, loginWindowMs, now)
    throw new WahubError('login_failed', 'Wrong email or password.')
  }
  await resetCounter(db, accountKey)
  await db.updateTable('users').set({ last_login_at: now }).where('id', '=', user.id).execute()
  const session = await createSession(db, user.id, now)
  return { user: { ...user, lastLoginAt: now }, session }
}
