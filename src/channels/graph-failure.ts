import { GraphError, GraphTransportError } from '../cloud-api/graph-client.ts'
import { WahubError } from '../errors.ts'

// A failed Graph call, turned into our error shape with the catalogue's explanation (the only
// place Meta codes are explained is cloud-api/error-catalogue.ts). Meta's message may quote
// user input but never a token: the Graph client redacts it.

export type MetaErrorDetails = {
  code: number
  subcode?: number
  title: string
  details?: string
  meaning: string
  fix: string
  fbtraceId?: string
}

export function metaErrorDetails(err: GraphError): MetaErrorDetails {
  const out: MetaErrorDetails = {
    code: err.code,
    title: err.title,
    meaning: err.info.meaning,
    fix: err.info.fix,
  }
  if (err.subcode !== undefined) out.subcode = err.subcode
  if (err.details) out.details = err.details
  if (err.fbtraceId) out.fbtraceId = err.fbtraceId
  return out
}

/** Token problems: the access token is invalid, expired or lacks a permission. */
export function isTokenError(err: GraphError): boolean {
  return err.info.category === 'auth' || err.info.category === 'permission'
}

/**
 * `what` names the operation ("registering 1100…"). A GraphError keeps Meta's code and the
 * catalogue's fix; a transport error says whether anything reached Meta. Anything else is
 * returned unchanged (a bug, reported as `internal` by the HTTP error handler).
 */
export function graphFailure(err: unknown, what: string): unknown {
  if (err instanceof GraphError) {
    const d = metaErrorDetails(err)
    return new WahubError('meta_error', `Meta refused ${what}: (#${d.code}) ${d.meaning}`, d, d.fix)
  }
  if (err instanceof GraphTransportError) {
    return new WahubError('meta_unreachable', `No answer from the Graph API while ${what}: ${err.message}.`, {
      kind: err.kind,
      requestSent: err.requestSent,
    })
  }
  return err
}

/** Runs one Graph call, mapping its failure with graphFailure. */
export async function callGraph<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call()
  } catch (err) {
    throw graphFailure(err, what)
  }
}
