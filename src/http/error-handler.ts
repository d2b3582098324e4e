import type { FastifyError, FastifyInstance } from 'fastify'
import { errorBody, WahubError } from '../errors.ts'
import { type ValidationIssue, validationProblems } from '../validation-problems.ts'

// Every error leaves as `{ error: { code, message, fix, details } }` with a fitting status;
// nothing internal (stack, SQL, secrets) reaches the client.

function fromFastify(err: FastifyError): WahubError | undefined {
  if (err.validation) {
    const details = validationProblems(err.validation as ValidationIssue[])
    const where = err.validationContext ? ` in the ${err.validationContext}` : ''
    const first = details[0]
    return new WahubError(
      'validation_failed',
      `Invalid request${where}: ${first?.field ? `${first.field} ` : ''}${first?.problem ?? 'does not match the schema'}.`,
      details,
    )
  }
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new WahubError('payload_too_large', 'The request body is larger than this endpoint accepts.')
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new WahubError('unsupported_media_type', 'This endpoint does not accept that Content-Type.')
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new WahubError('invalid_json', 'The body is empty but Content-Type says JSON.')
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new WahubError('invalid_json', 'The body is not valid JSON.')
  }
  if (err instanceof SyntaxError) return new WahubError('invalid_json', 'The body is not valid JSON.')
  if (err.statusCode === 429) return new WahubError('rate_limited', err.message)
  if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
    return new WahubError('bad_request', err.message)
  }
  return undefined
}

export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, req, reply) => {
    const known = err instanceof WahubError ? err : fromFastify(err)
    if (known) {
      if (known.status >= 500) req.log.error({ err }, 'request failed')
      return reply.code(known.status).send(errorBody(known))
    }
    req.log.error({ err }, 'request failed')
    const internal = new WahubError('internal', `Internal error (request ${req.id}).`)
    return reply.code(500).send(errorBody(internal))
  })
  app.setNotFoundHandler((req, reply) => {
    const err = new WahubError('route_not_found', `No route ${req.method} ${req.url.split('?')[0]}.`)
    return reply.code(404).send(errorBody(err))
  })
}
