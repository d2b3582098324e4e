import type { FastifyRequest } from 'fastify'
import { WahubError } from '../errors.ts'
import { principalOf } from './auth.ts'

/** The tenant a `tenant: 'any'` route acts for: the caller's own; an operator may name one or none (all). */
export function scopeOf(req: FastifyRequest, requested: string | undefined): string | null {
  const principal = principalOf(req)
  if (principal.tenantId !== null) {
    if (requested && requested !== principal.tenantId) {
      throw new WahubError('forbidden', 'A tenant key can only read its own tenant.')
    }
    return principal.tenantId
  }
  return requested ?? null
}
