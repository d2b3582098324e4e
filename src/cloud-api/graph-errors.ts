// What a failed Graph call throws. Two families, because callers must treat them differently:
// - GraphError: Meta (or something in between) ANSWERED with an error. The outcome is known:
//   nothing was done. `info` says whether to retry.
// - GraphTransportError: no usable answer (timeout, reset, abort, unreadable 2xx). Unless
//   `requestSent` is false, Meta may have acted: a send is `unknown`, never silently resent (SPEC §6).
// No field, message or cause of either ever holds the access token (SPEC §4, STYLE: secrets).
import { type ExplainedMetaError, explainMetaError } from './error-catalogue.ts'
import type { GraphErrorBody } from './wire-common.ts'

export type GraphCallSite = { method: string /** path only: no query, it may hold a token */; path: string }

export class GraphError extends Error {
  override readonly name = 'GraphError'
  readonly code: number
  readonly subcode: number | undefined
  readonly type: string | undefined
  /** error_user_title, else the error type, else the catalogue title. */
  readonly title: string
  /** error_data.details: Meta says to key logic on code + details (FACTS §3.1). */
  readonly details: string | undefined
  readonly fbtraceId: string | undefined
  readonly httpStatus: number
  readonly isTransient: boolean
  readonly info: ExplainedMetaError
  readonly method: string
  readonly path: string

  constructor(
    site: GraphCallSite,
    httpStatus: number,
    fields: {
      code: number
      subcode?: number
      type?: string
      title?: string
      details?: string
      fbtraceId?: string
      metaMessage?: string
      isTransient?: boolean
      info?: ExplainedMetaError
    },
  ) {
    const info = fields.info ?? explainMetaError(fields.code, fields.subcode)
    const said = fields.metaMessage ?? `(#${fields.code}) ${info.title}`
    super(
      `Graph ${site.method} ${site.path} failed with HTTP ${httpStatus}: ${said}${fields.details ? ` (${fields.details})` : ''}`,
    )
    this.code = fields.code
    this.subcode = fields.subcode
    this.type = fields.type
    this.title = fields.title ?? fields.type ?? info.title
    this.details = fields.details
    this.fbtraceId = fields.fbtraceId
    this.httpStatus = httpStatus
    this.info = info
    this.isTransient = fields.isTransient === true || info.retry !== 'no'
    this.method = site.method
    this.path = site.path
  }
}

export type GraphTransportErrorKind = 'timeout' | 'connection' | 'aborted' | 'bad_response'

export class GraphTransportError extends Error {
  override readonly name = 'GraphTransportError'
  /**
   * timeout: no answer in time; connection: refused, reset or DNS failure; aborted: the caller's
   * signal; bad_response: a 2xx whose body is not the JSON Meta sends (Meta may have acted).
   */
  readonly kind: GraphTransportErrorKind
  /** false only when nothing left this process (refused connection, DNS failure, aborted before start). */
  readonly requestSent: boolean
  /** The socket error code when there was one (ECONNREFUSED, ECONNRESET, …). */
  readonly errno: string | undefined
  readonly method: string
  readonly path: string

  constructor(
    site: GraphCallSite,
    kind: GraphTransportErrorKind,
    requestSent: boolean,
    detail: string,
    errno?: string,
  ) {
    const outcome = requestSent ? 'the outcome is unknown' : 'nothing was sent'
    super(`Graph ${site.method} ${site.path}: ${detail} (${outcome})`)
    this.kind = kind
    this.requestSent = requestSent
    this.errno = errno
    this.method = site.method
    this.path = site.path
  }
}

/** A media download bigger than the caller allows (checked on Content-Length and while reading). */
export class MediaTooLargeError extends Error {
  override readonly name = 'MediaTooLargeError'
  readonly maxBytes: number
  constructor(maxBytes: number, seenBytes: number) {
    super(`media is larger than ${maxBytes} bytes (at least ${seenBytes})`)
    this.maxBytes = maxBytes
  }
}

/** Turns a non-2xx answer into a GraphError, whatever its body (FACTS §3.1). */
export function graphErrorFromResponse(
  site: GraphCallSite,
  httpStatus: number,
  bodyText: string,
  redact: (text: string) => string,
): GraphError {
  const body = parseErrorBody(bodyText)
  if (!body) return unreadableError(site, httpStatus)
  const e = body.error
  const clean = (s: unknown) => (typeof s === 'string' && s ? redact(s) : undefined)
  return new GraphError(site, httpStatus, {
    code: e.code,
    subcode: typeof e.error_subcode === 'number' ? e.error_subcode : undefined,
    type: clean(e.type),
    title: clean(e.error_user_title),
    details: clean(e.error_data?.details),
    fbtraceId: clean(e.fbtrace_id),
    metaMessage: clean(e.message),
    isTransient: e.is_transient === true,
  })
}

function parseErrorBody(text: string): GraphErrorBody | undefined {
  try {
    const body: unknown = JSON.parse(text)
    if (typeof body !== 'object' || body === null || !('error' in body)) return undefined
    const { error } = body
    if (typeof error !== 'object' || error === null || !('code' in error)) return undefined
    if (typeof error.code !== 'number' || !Number.isInteger(error.code)) return undefined
    return body as GraphErrorBody
  } catch {
    return undefined
  }
}

// A proxy's HTML page, an empty 502, a truncated body: code 0 here is NOT Meta's AuthException,
// so the explanation is built from the HTTP status instead of the catalogue.
function unreadableError(site: GraphCallSite, httpStatus: number): GraphError {
  const transient = httpStatus >= 500 || httpStatus === 429
  const info: ExplainedMetaError = {
    code: 0,
    known: false,
    title: 'Unreadable error response',
    httpStatus,
    category: 'unknown',
    retry: transient ? 'backoff' : 'no',
    meaning: `The Graph API (or a proxy in front of it) answered HTTP ${httpStatus} without a Graph error body.`,
    fix:
      httpStatus === 404
        ? 'Check the ids and the Graph version; for a media download the URL expired (5 minutes): fetch GET /{media-id} again.'
        : 'Check WAHUB_GRAPH_URL and any proxy in between; Wahub retries 5xx answers with backoff.',
  }
  return new GraphError(site, httpStatus, { code: 0, title: info.title, info, isTransient: transient })
}
