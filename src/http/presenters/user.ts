import { Type } from 'typebox'
import type { User } from '../../accounts/users.ts'
import { Millis, NStr, Nullable, Str } from './schema-helpers.ts'

// Every field of a user that leaves the API: a schema (OpenAPI; fast-json-stringify drops
// anything else) and a function picking exactly those fields.

export const UserSchema = Type.Object({
  id: Str,
  email: Str,
  role: Type.Union([Type.Literal('admin'), Type.Literal('agent')]),
  tenantId: NStr,
  mustChangePassword: Type.Boolean(),
  disabled: Type.Boolean(),
  createdAt: Millis,
  lastLoginAt: Nullable(Millis),
})

export function presentUser(u: User) {
  return {
    id: u.id,
    email: u.email,
    role: u.role,
    tenantId: u.tenantId,
    mustChangePassword: u.mustChangePassword,
    disabled: u.disabled,
    createdAt: u.createdAt,
    lastLoginAt: u.lastLoginAt,
  }
}
