import type { FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import { WahubError } from '../errors.ts'
import { readScopeOf } from './auth.ts'

/** Like `readScopeOf` (auth.ts), for routes that act on one tenant's settings: an operator must name it. */
export function tenantOf(req: FastifyRequest, requested: string | undefined): string {
  const tenantId = readScopeOf(req, requested)
  if (tenantId === null) {
    throw new WahubError('validation_failed', 'tenant_id: an operator names the tenant (?tenant_id=).', [
      { field: 'tenant_id', problem: 'required for operators' },
    ])
  }
  return tenantId
}

export const TenantQuery = Type.Object({
  tenant_id: Type.Optional(Type.String({ maxLength: 100, description: 'Operators: the tenant (required)' })),
})
