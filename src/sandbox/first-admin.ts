import { createUser } from '../accounts/users.ts'
import type { Db } from '../db/connect.ts'
import { WahubError } from '../errors.ts'

// First run (SPEC §3): with no user at all, `wahub serve` creates an admin whose one-time
// password is printed once; it must be changed at the first login (must_change_password).

export const firstAdminEmail = 'admin@wahub.local'

export type FirstAdmin = { email: string; password: string }

export async function ensureFirstAdmin(db: Db): Promise<FirstAdmin | undefined> {
  const any = await db.selectFrom('users').select('id').limit(1).executeTakeFirst()
  if (any) return undefined
  try {
    const { user, password } = await createUser(db, { email: firstAdminEmail, role: 'admin' }, 'first-run')
    return password ? { email: user.email, password } : undefined
  } catch (err) {
    // Another instance, starting on the same empty database, created it first.
    if (err instanceof WahubError && err.code === 'conflict') return undefined
    throw err
  }
}
