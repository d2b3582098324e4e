import type { FastifyRequest } from 'fastify'
import type { Token } from './types.ts'

// Per-request facts the ledger and the error handler need, kept beside the request rather than
// augmenting Fastify's types (which other parts of Wahub share).
export type RequestInfo = {
  startedAt: number
  token: Token | undefined
  errorCode: number | undefined
  wamid: string | undefined
  /** Replaces the parsed body in the ledger (multipart uploads). */
  bodySummary: unknown
  dropAfter: boolean
  fault: string | undefined
}

const infos = new WeakMap<FastifyRequest, RequestInfo>()

export function requestInfo(req: FastifyRequest): RequestInfo {
  let info = infos.get(req)
  if (!info) {
    info = {
      startedAt: performance.now(),
      token: undefined,
      errorCode: undefined,
      wamid: undefined,
      bodySummary: undefined,
      dropAfter: false,
      fault: undefined,
    }
    infos.set(req, info)
  }
  return info
}

/** Graph parameters: the query string merged under the body, as Graph reads both. */
export function graphParams(req: FastifyRequest): Record<string, unknown> {
  const query = (req.query ?? {}) as Record<string, unknown>
  const body = req.body && typeof req.body === 'object' && !Array.isArray(req.body) ? req.body : {}
  const { access_token: _a, ...rest } = { ...query, ...(body as Record<string, unknown>) }
  return rest
}

/** The API version of the path ("v23.0" → 23). */
export function apiVersionOf(req: FastifyRequest): number {
  const v = (req.params as { version?: string }).version ?? ''
  return Number.parseInt(v.slice(1), 10) || 0
}
