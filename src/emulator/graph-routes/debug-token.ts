import type { FastifyInstance } from 'fastify'
import { authenticate, rawToken, tokenState } from '../auth.ts'
import type { EmulatorContext } from '../context.ts'
import { GraphError, invalidParam } from '../graph-errors.ts'
import { graphParams } from '../request-info.ts'
import type { JsonObject } from '../types.ts'

// GET /debug_token?input_token= (FACTS §6): callable with the app token "APP_ID|APP_SECRET" or
// a valid token of the app. An expired or unknown input token is answered is_valid:false with
// its error, not with an HTTP error: that is how `wahub doctor` learns why a token fails.

export async function debugTokenRoute(app: FastifyInstance, { ctx }: { ctx: EmulatorContext }) {
  app.get('/debug_token', async (req) => {
    const raw = rawToken(req)
    const appToken = `${ctx.state.app.id}|${ctx.state.app.secret}`
    if (raw !== appToken) authenticate(ctx, raw)
    const input = graphParams(req).input_token
    if (typeof input !== 'string' || input === '')
      throw invalidParam('The parameter input_token is required.')
    const token = ctx.state.tokens.get(input)
    if (!token) {
      return {
        data: {
          is_valid: false,
          error: { code: 190, message: 'Invalid OAuth access token - Cannot parse access token' },
          scopes: [],
        },
      }
    }
    const state = tokenState(token, Date.now())
    const data: JsonObject = {
      app_id: token.appId,
      type: token.type,
      application: ctx.state.app.name,
      data_access_expires_at: token.expiresAt === 0 ? 0 : token.expiresAt + 90 * 86400,
      expires_at: token.expiresAt,
      is_valid: state === 'valid',
      issued_at: token.issuedAt,
      scopes: token.scopes,
      granular_scopes: token.scopes
        .filter((s) => s.startsWith('whatsapp_'))
        .map((scope) => ({ scope, target_ids: token.wabaIds })),
      user_id: token.userId,
    }
    if (state !== 'valid') {
      const err = new GraphError(190, undefined, { subcode: state === 'expired' ? 463 : 460 })
      data.error = {
        code: 190,
        message:
          state === 'expired'
            ? `Error validating access token: Session has expired on ${new Date(token.expiresAt * 1000).toUTCString()}.`
            : 'Error validating access token: The session has been invalidated.',
        subcode: err.subcode,
      }
    }
    return { data }
  })
}
