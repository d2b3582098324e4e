import { recordAudit } from '../channels/audit-repo.ts'
import type { Actor } from '../channels/context.ts'
import { findTenant } from '../channels/tenants-repo.ts'
import type { Db } from '../db/connect.ts'
import type { DialectCapabilities } from '../db/dialect.ts'
import { lockSubjects } from '../db/ordered-locks.ts'
import { WahubError } from '../errors.ts'
import { newId } from '../ids.ts'
import { checkPasswordStrength } from './password-policy.ts'
import { dummyHash, generatePassword, hashPassword, verifyPassword } from './passwords.ts'

// Dashboard users: admins see everything; agents work one tenant's inbox (SPEC §10). A user
// created without a password gets a one-time password, shown once, to be changed at first login.

export type UserRole = 'admin' | 'agent'

export type User = {
  id: string
  email: string
  role: UserRole
  tenantId: string | null
  mustChangePassword: boolean
  disabled: boolean
  createdAt: number
  lastLoginAt: number | null
}

type UserRow = {
  id: string
  email: string
  role: UserRole
  tenant_id: string | null
  must_change_password: number
  disabled: number
  created_at: number
  last_login_at: number | null
}

const userColumns = [
  'id',
  'email',
  'role',
  'tenant_id',
  'must_change_password',
  'disabled',
  'created_at',
  'last_login_at',
] as const

export function toUser(row: UserRow): User {
  return {
    id: row.id,
    email: row.email,
    role: row.role,
    tenantId: row.tenant_id,
    mustChangePassword: row.must_change_password === 1,
    disabled: row.disabled === 1,
    createdAt: row.created_at,
    lastLoginAt: row.last_login_at,
  }
}

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase()
}

function invalid(field: string, problem: string): WahubError {
  return new WahubError('validation_failed', `${field} ${problem}.`, [{ field, problem }])
}

export type CreateUserInput = { email: string; role: UserRole; tenant?: string; password?: string }

/** `password` in the result only when it was generated here (shown once). */
export async function createUser(
  db: Db,
  input: CreateUserInput,
  actor: Actor,
): Promise<{ user: User; password?: string }> {
  const email = normaliseEmail(input.email)
  if (!/^[^\s@]+@[^\s@]+$/.test(email) || email.length > 254)
    throw invalid('email', 'must be an email address')
  if (input.role !== 'admin' && input.role !== 'agent') throw invalid('role', 'must be admin or agent')
  if (input.role === 'agent' && !input.tenant) throw invalid('tenant', 'is required for an agent')
  if (input.role === 'admin' && input.tenant)
    throw invalid('tenant', 'must be empty for an admin (admins see every tenant)')
  if (input.password !== undefined) {
    const problem = checkPasswordStrength(input.password, [email])
    if (problem) throw invalid('password', problem)
  }
  const tenantId = input.tenant ? (await findTenant(db, input.tenant)).id : null
  const exists = await db.selectFrom('users').select('id').where('email', '=', email).executeTakeFirst()
  if (exists) throw new WahubError('conflict', `A user with email ${email} exists.`)
  const generated = input.password === undefined ? generatePassword() : undefined
  const id = newId('usr')
  const inserted = await db
    .insertInto('users')
    .values({
      id,
      email,
      password_hash: await hashPassword(input.password ?? (generated as string)),
      role: input.role,
      tenant_id: tenantId,
      must_change_password: generated ? 1 : 0,
      disabled: 0,
      created_at: Date.now(),
      last_login_at: null,
    })
    // Two creations of one email at once (e.g. instances starting together on an empty
    // database): the loser inserts nothing and gets the same conflict as the check above.
    .onConflict((oc) => oc.column('email').doNothing())
    .executeTakeFirst()
  if (Number(inserted.numInsertedOrUpdatedRows ?? 0) !== 1)
    throw new WahubError('conflict', `A user with email ${email} exists.`)
  await recordAudit(db, {
    actor,
    action: 'user.create',
    targetType: 'user',
    targetId: id,
    tenantId,
    details: { email, role: input.role },
  })
  const user = await getUser(db, id)
  return generated ? { user, password: generated } : { user }
}

/** By id or email. */
export async function getUser(db: Db, idOrEmail: string): Promise<User> {
  const row = await db
    .selectFrom('users')
    .select(userColumns)
    .where((eb) => eb.or([eb('id', '=', idOrEmail), eb('email', '=', normaliseEmail(idOrEmail))]))
    .executeTakeFirst()
  if (!row)
    throw new WahubError(
      'not_found',
      `No user ${idOrEmail}.`,
      undefined,
      'List users with `wahub user list`.',
    )
  return toUser(row)
}

export async function listUsers(db: Db, filter: { tenantId?: string } = {}): Promise<User[]> {
  let q = db.selectFrom('users').select(userColumns).orderBy('email')
  if (filter.tenantId) q = q.where('tenant_id', '=', filter.tenantId)
  return (await q.execute()).map(toUser)
}

/**
 * Issue 12, defect 6: the last enabled admin cannot be disabled or removed — nobody could sign
 * in to undo it. (`wahub user enable|reset-password` recover from the command line.)
 */
async function refuseLastAdmin(db: Db, user: User, what: string): Promise<void> {
  if (user.role !== 'admin' || user.disabled) return
  const others = await db
    .selectFrom('users')
    .select('id')
    .where('role', '=', 'admin')
    .where('disabled', '=', 0)
    .where('id', '!=', user.id)
    .executeTakeFirst()
  if (!others) {
    throw new WahubError(
      'last_admin',
      `${user.email} is the last enabled admin: ${what} would lock everyone out of the dashboard.`,
    )
  }
}

/** The subject lock every change to the set of enabled admins takes (decision 0020's locks). */
const enabledAdminsSubject = 'users:enabled-admins'

/**
 * Checks the last-admin guard and writes in one transaction that holds the enabled-admins lock:
 * two admins disabling each other at once queue, and the second sees the first's change and is
 * refused (check-then-write outside a lock let both pass and left no admin). On SQLite the
 * transaction alone serialises them (one writer, BEGIN IMMEDIATE).
 */
async function guardedAdminChange(
  db: Db,
  caps: DialectCapabilities,
  idOrEmail: string,
  what: string | undefined,
  write: (trx: Db, user: User) => Promise<void>,
): Promise<User> {
  return db.transaction().execute(async (trx) => {
    await lockSubjects(trx, caps, [enabledAdminsSubject])
    const user = await getUser(trx, idOrEmail)
    if (what) await refuseLastAdmin(trx, user, what)
    await write(trx, user)
    return user
  })
}

export async function removeUser(
  db: Db,
  caps: DialectCapabilities,
  idOrEmail: string,
  actor: Actor,
): Promise<void> {
  await guardedAdminChange(db, caps, idOrEmail, 'removing them', async (trx, user) => {
    await trx.deleteFrom('users').where('id', '=', user.id).execute() // sessions cascade
    await recordAudit(trx, {
      actor,
      action: 'user.remove',
      targetType: 'user',
      targetId: user.id,
      tenantId: user.tenantId,
      details: { email: user.email },
    })
  })
}

export async function setUserDisabled(
  db: Db,
  caps: DialectCapabilities,
  idOrEmail: string,
  disabled: boolean,
  actor: Actor,
): Promise<User> {
  const what = disabled ? 'disabling them' : undefined
  const user = await guardedAdminChange(db, caps, idOrEmail, what, async (trx, user) => {
    await trx
      .updateTable('users')
      .set({ disabled: disabled ? 1 : 0 })
      .where('id', '=', user.id)
      .execute()
    if (disabled) await trx.deleteFrom('sessions').where('user_id', '=', user.id).execute()
    await recordAudit(trx, {
      actor,
      action: disabled ? 'user.disable' : 'user.enable',
      targetType: 'user',
      targetId: user.id,
      tenantId: user.tenantId,
    })
  })
  return getUser(db, user.id)
}

/** The user when the email and password match an enabled user; same cost either way. */
export async function checkCredentials(db: Db, email: string, password: string): Promise<User | undefined> {
  const row = await db
    .selectFrom('users')
    .select([...userColumns, 'password_hash'])
    .where('email', '=', normaliseEmail(email))
    .executeTakeFirst()
  const ok = await verifyPassword(password, row?.password_hash ?? (await dummyHash()))
  if (!row || !ok || row.disabled === 1) return undefined
  return toUser(row)
}

/** Changes a user's password after checking the current one; other sessions are ended. */
export async function changePassword(
  db: Db,
  userId: string,
  current: string,
  next: string,
  keepSessionId?: string,
): Promise<void> {
  const row = await db
    .selectFrom('users')
    .select(['id', 'email', 'tenant_id', 'password_hash'])
    .where('id', '=', userId)
    .executeTakeFirstOrThrow()
  if (!(await verifyPassword(current, row.password_hash))) {
    throw new WahubError(
      'login_failed',
      'The current password is wrong.',
      undefined,
      'Send the current password in `currentPassword`.',
    )
  }
  const problem = checkPasswordStrength(next)
  if (problem) throw invalid('newPassword', problem)
  if (next === current) throw invalid('newPassword', 'must differ from the current password')
  await db
    .updateTable('users')
    .set({ password_hash: await hashPassword(next), must_change_password: 0 })
    .where('id', '=', userId)
    .execute()
  let q = db.deleteFrom('sessions').where('user_id', '=', userId)
  if (keepSessionId) q = q.where('id', '!=', keepSessionId)
  await q.execute()
  await recordAudit(db, {
    actor: `user:${userId}`,
    action: 'user.password_change',
    targetType: 'user',
    targetId: userId,
    tenantId: row.tenant_id,
  })
}

/**
 * A new one-time password for a user who lost theirs (or an admin locked out): printed once,
 * must be changed at the next login; their sessions end and their failed logins are forgotten.
 */
export async function resetPassword(
  db: Db,
  idOrEmail: string,
  actor: Actor,
): Promise<{ user: User; password: string }> {
  const user = await getUser(db, idOrEmail)
  const password = generatePassword()
  await db
    .updateTable('users')
    .set({ password_hash: await hashPassword(password), must_change_password: 1 })
    .where('id', '=', user.id)
    .execute()
  await db.deleteFrom('sessions').where('user_id', '=', user.id).execute()
  await db.deleteFrom('rate_counters').where('key', '=', `login:account:${user.email}`).execute()
  await recordAudit(db, {
    actor,
    action: 'user.reset_password',
    targetType: 'user',
    targetId: user.id,
    tenantId: user.tenantId,
  })
  return { user: await getUser(db, user.id), password }
}
