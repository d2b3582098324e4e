import type { FastifyRequest } from 'fastify'
import { getNumber } from '../../../channels/numbers.ts'
import type { Db } from '../../../db/connect.ts'
import { WahubError } from '../../../errors.ts'
import type { SendSource } from '../../../messaging/context.ts'
import { actorOfRequest, principalOf } from '../../auth.ts'

// Who a send acts for, shared by the single and the bulk send routes.

// Operators (admin users of the dashboard, operator keys) may send too: for them the tenant is
// the one the `from` number is assigned to (a tenant's key always acts for its own tenant).
export const sendAny = { access: { scope: 'send', tenant: 'any' } } as const

export async function sendingTenant(db: Db, req: FastifyRequest, from: string | undefined): Promise<string> {
  const principal = principalOf(req)
  if (principal.tenantId !== null) return principal.tenantId
  if (!from) {
    throw new WahubError(
      'bad_request',
      'An operator sending a message must say `from`: the number to send from.',
    )
  }
  const number = await getNumber(db, from)
  if (!number.tenantId) {
    throw new WahubError(
      'number_not_allowed',
      `Phone number ${number.phoneNumberId} is not assigned to a tenant, so its messages belong to nobody.`,
      { from },
      `Assign it first: \`wahub tenant update --name NAME --number ${number.phoneNumberId}\`.`,
    )
  }
  return number.tenantId
}

/** Who queued it, for the message row. */
export function sendSourceOf(req: FastifyRequest): SendSource {
  return { source: principalOf(req).kind === 'user' ? 'dashboard' : 'api', createdBy: actorOfRequest(req) }
}
