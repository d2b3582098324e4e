// One HTTP call to the Graph API: URL, bearer auth, timeout, and the mapping of every failure to
// GraphError / GraphTransportError. JSON calls go through undici's `request` (keep-alive, no
// WHATWG streams: about a third of fetch's CPU per call, decision 0104); multipart uploads and
// binary downloads through global fetch (undici too).
import { Agent, interceptors, request } from 'undici'
import {
  type GraphCallSite,
  GraphError,
  GraphTransportError,
  graphErrorFromResponse,
  MediaTooLargeError,
} from './graph-errors.ts'

/** Where to call, per WABA / channel. `version` like "v23.0"; "" omits the version segment. */
export type GraphTarget = { baseUrl: string; version: string; token: string }

export type GraphClientOptions = {
  /** Whole call, body included. Default 15000. */
  timeoutMs?: number
  userAgent?: string
}

export type GraphRequestInit = {
  query?: Record<string, string | number | boolean | readonly string[] | undefined>
  json?: unknown
  form?: FormData
  /** Raw bytes (a resumable upload's chunk) with the headers that go with them. */
  raw?: { bytes: Uint8Array; headers: Record<string, string> }
  signal?: AbortSignal
}

export type GraphMethod = 'GET' | 'POST' | 'DELETE'

export type GraphSettings = { timeoutMs: number; userAgent: string }

export function graphSettings(options: GraphClientOptions = {}): GraphSettings {
  return { timeoutMs: options.timeoutMs ?? 15_000, userAgent: options.userAgent ?? 'wahub' }
}

export function graphUrl(target: GraphTarget, path: string, query?: GraphRequestInit['query']): URL {
  const base = target.baseUrl.replace(/\/+$/, '')
  const version = target.version ? `/${target.version.replace(/^\/+|\/+$/g, '')}` : ''
  const url = new URL(`${base}${version}/${path.replace(/^\/+/, '')}`)
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value === undefined) continue
    url.searchParams.set(key, Array.isArray(value) ? value.join(',') : String(value))
  }
  return url
}

/** JSON call: resolves to the parsed body of a 2xx answer. */
export async function graphJson<T>(
  settings: GraphSettings,
  target: GraphTarget,
  method: GraphMethod,
  url: URL,
  init: GraphRequestInit = {},
): Promise<T> {
  const site = callSite(method, url)
  assertHeaderSafe(target)
  return withDeadline(settings, site, init.signal, async (signal) => {
    let status: number
    let text: string
    if (init.form) {
      const res = await send(settings, target, method, url, init, signal)
      status = res.status
      text = await res.text()
    } else {
      const res = await request(url, {
        method,
        headers: requestHeaders(settings, target, init),
        body: requestBody(init),
        signal,
        dispatcher: jsonDispatcher(),
      })
      status = res.statusCode
      text = await res.body.text()
    }
    if (status < 200 || status > 299) throw graphErrorFromResponse(site, status, text, redactor(target))
    if (text === '') return {} as T
    try {
      return JSON.parse(text) as T
    } catch {
      // Meta may have acted on it (a 200 to a send): not a failure we may retry.
      throw new GraphTransportError(site, 'bad_response', true, `HTTP ${status} with a body that is not JSON`)
    }
  })
}

/** Binary GET (media download), bearer auth, refusing bodies over `maxBytes`. */
export async function graphBytes(
  settings: GraphSettings,
  target: GraphTarget,
  url: URL,
  maxBytes: number,
  signal?: AbortSignal,
): Promise<{ bytes: Uint8Array; contentType: string | undefined }> {
  const site = callSite('GET', url)
  assertHeaderSafe(target)
  return withDeadline(settings, site, signal, async (combined) => {
    const res = await send(settings, target, 'GET', url, {}, combined)
    if (!res.ok) throw graphErrorFromResponse(site, res.status, await res.text(), redactor(target))
    const declared = Number(res.headers.get('content-length') ?? Number.NaN)
    if (declared > maxBytes) {
      await res.body?.cancel()
      throw new MediaTooLargeError(maxBytes, declared)
    }
    const chunks: Uint8Array[] = []
    let total = 0
    for await (const chunk of res.body ?? []) {
      total += chunk.byteLength
      if (total > maxBytes) throw new MediaTooLargeError(maxBytes, total) // leaving the loop cancels the body
      chunks.push(chunk)
    }
    return { bytes: concat(chunks, total), contentType: res.headers.get('content-type') ?? undefined }
  })
}

async function send(
  settings: GraphSettings,
  target: GraphTarget,
  method: GraphMethod,
  url: URL,
  init: GraphRequestInit,
  signal: AbortSignal,
): Promise<Response> {
  // fetch sets the multipart boundary of a form.
  const body = init.form ?? requestBody(init)
  // Redirects are followed; fetch drops Authorization when one crosses origins.
  return fetch(url, { method, headers: requestHeaders(settings, target, init), body, signal })
}

function requestHeaders(
  settings: GraphSettings,
  target: GraphTarget,
  init: GraphRequestInit,
): Record<string, string> {
  const headers: Record<string, string> = {
    authorization: `Bearer ${target.token}`,
    'user-agent': settings.userAgent,
    accept: 'application/json',
  }
  if (init.raw) {
    // Resumable Upload API: Meta documents the OAuth scheme for these calls.
    headers.authorization = `OAuth ${target.token}`
    Object.assign(headers, init.raw.headers)
  } else if (!init.form && init.json !== undefined) headers['content-type'] = 'application/json'
  return headers
}

function requestBody(init: GraphRequestInit): string | Uint8Array | undefined {
  if (init.raw) return init.raw.bytes
  if (init.json !== undefined) return JSON.stringify(init.json)
  return undefined
}

// JSON calls' connection pool: keep-alive as fetch's, and redirects followed as fetch follows
// them (undici's redirect handler drops Authorization when one crosses origins, as fetch does).
let dispatcher: ReturnType<Agent['compose']> | undefined
function jsonDispatcher() {
  dispatcher ??= new Agent().compose(interceptors.redirect({ maxRedirections: 20 }))
  return dispatcher
}

// Runs `work` under the caller's signal and the client timeout, and maps every throw that is
// not already ours to a GraphTransportError. The timeout covers reading the body too.
async function withDeadline<T>(
  settings: GraphSettings,
  site: GraphCallSite,
  callerSignal: AbortSignal | undefined,
  work: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  if (callerSignal?.aborted) throw new GraphTransportError(site, 'aborted', false, 'aborted before sending')
  const timeout = AbortSignal.timeout(settings.timeoutMs)
  const signal = callerSignal ? AbortSignal.any([callerSignal, timeout]) : timeout
  try {
    return await work(signal)
  } catch (err) {
    if (err instanceof GraphError || err instanceof GraphTransportError || err instanceof MediaTooLargeError)
      throw err
    if (callerSignal?.aborted) throw new GraphTransportError(site, 'aborted', true, 'aborted by the caller')
    if (timeout.aborted) {
      throw new GraphTransportError(site, 'timeout', true, `no answer within ${settings.timeoutMs} ms`)
    }
    const errno = socketErrorCode(err)
    const sent = !(errno && notSentCodes.has(errno))
    throw new GraphTransportError(
      site,
      'connection',
      sent,
      `connection failed${errno ? ` (${errno})` : ''}`,
      errno,
    )
  }
}

// Failures where the request provably never left: nothing reached Meta, a resend is safe.
const notSentCodes = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
])

// fetch wraps socket errors: TypeError('fetch failed', { cause: { code } }); undici's request
// throws them as they are. With several addresses (localhost → ::1 and 127.0.0.1) the error is
// an AggregateError of them.
function socketErrorCode(err: unknown): string | undefined {
  const cause = err instanceof Error && err.cause !== undefined ? err.cause : err
  for (const candidate of [cause, ...(cause instanceof AggregateError ? cause.errors : [])]) {
    if (
      candidate &&
      typeof candidate === 'object' &&
      'code' in candidate &&
      typeof candidate.code === 'string'
    ) {
      return candidate.code
    }
  }
  return undefined
}

// fetch's own message for a bad header value quotes the value, i.e. the token: check first.
function assertHeaderSafe(target: GraphTarget): void {
  if (!/^[\x21-\x7e]+$/.test(target.token)) {
    throw new TypeError('the access token is empty or has characters not allowed in an HTTP header')
  }
}

function callSite(method: string, url: URL): GraphCallSite {
  return { method, path: url.pathname } // never the query: debug_token carries a token there
}

function redactor(target: GraphTarget): (text: string) => string {
  return (text) => (target.token ? text.replaceAll(target.token, '[redacted]') : text)
}

function concat(chunks: Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total)
  let offset = 0
  for (const chunk of chunks) {
    out.set(chunk, offset)
    offset += chunk.byteLength
  }
  return out
}
