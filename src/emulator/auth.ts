import type { FastifyRequest } from 'fastify'
import type { EmulatorContext } from './context.ts'
import { GraphError, unknownObject } from './graph-errors.ts'
import type { Token } from './types.ts'

// Graph authentication (FACTS §3.2): a bearer token (or access_token parameter) that exists,
// has not expired and was not revoked; then the WhatsApp permission of the edge; then the object
// must belong to a WABA the token reaches (else Meta's "does not exist" 100/33).

export function rawToken(req: FastifyRequest): string | undefined {
  const header = req.headers.authorization
  if (typeof header === 'string') {
    const m = /^(?:Bearer|OAuth)\s+(.+)$/i.exec(header.trim())
    if (m) return m[1].trim()
  }
  const query = req.query as Record<string, unknown> | undefined
  if (typeof query?.access_token === 'string') return query.access_token
  const body = req.body as Record<string, unknown> | undefined
  if (body && typeof body === 'object' && typeof body.access_token === 'string') return body.access_token
  return undefined
}

export function tokenState(token: Token, nowMs: number): 'valid' | 'expired' | 'revoked' {
  if (token.revoked) return 'revoked'
  if (token.expiresAt > 0 && token.expiresAt * 1000 <= nowMs) return 'expired'
  return 'valid'
}

function expiredMessage(token: Token): string {
  const at = new Date(token.expiresAt * 1000).toUTCString()
  return `Error validating access token: Session has expired on ${at}. The current time is ${new Date().toUTCString()}.`
}

export function authenticate(ctx: EmulatorContext, raw: string | undefined): Token {
  if (!raw) {
    // Graph's answer to a request without any token (code 104, HTTP 400).
    throw new GraphError(104, undefined, {
      message: 'An access token is required to request this resource.',
      httpStatus: 400,
    })
  }
  const token = ctx.state.tokens.get(raw)
  if (!token)
    throw new GraphError(190, undefined, {
      message: 'Invalid OAuth access token - Cannot parse access token',
    })
  const state = tokenState(token, Date.now())
  if (state === 'expired')
    throw new GraphError(190, undefined, { subcode: 463, message: expiredMessage(token) })
  if (state === 'revoked') {
    throw new GraphError(190, undefined, {
      subcode: 460,
      message:
        'Error validating access token: The session has been invalidated because the user changed their password or Facebook has changed the session for security reasons.',
    })
  }
  return token
}

export type Permission = 'messaging' | 'management'

export function requirePermission(token: Token, permission: Permission): void {
  if (permission === 'messaging' && !token.scopes.includes('whatsapp_business_messaging')) {
    throw new GraphError(10, 'The token lacks the whatsapp_business_messaging permission.', {
      message: '(#10) Application does not have permission for this action',
    })
  }
  if (permission === 'management' && !token.scopes.includes('whatsapp_business_management')) {
    throw new GraphError(200, 'The token lacks the whatsapp_business_management permission.', {
      message: '(#200) Permissions error',
      subcode: 1349174,
    })
  }
}

export function requireWabaAccess(token: Token, wabaId: string, method: string, id: string): void {
  if (!token.wabaIds.includes(wabaId)) throw unknownObject(method, id)
}
