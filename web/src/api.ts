// fetch for the dashboard: same-origin session cookie, the CSRF header on every change
// (decision 0008/0009), errors as ApiError carrying the server's { code, message, fix }.

import i18n from 'i18next'

export type ApiErrorBody = { code: string; message: string; fix: string; details?: unknown }

export class ApiError extends Error {
  readonly status: number
  readonly code: string
  readonly fix: string
  readonly details: unknown
  constructor(status: number, body: ApiErrorBody) {
    super(body.message)
    this.status = status
    this.code = body.code
    this.fix = body.fix
    this.details = body.details
  }
}

let csrfToken: string | null = null
let onSessionEnded: (() => void) | null = null

export function setCsrfToken(token: string | null): void {
  csrfToken = token
}

/** Called when a request answers 401 after sign-in (session expired or revoked). */
export function setSessionEndedHandler(handler: (() => void) | null): void {
  onSessionEnded = handler
}

const safe = new Set(['GET', 'HEAD'])

async function errorOf(res: Response): Promise<ApiError> {
  let body: ApiErrorBody = {
    code: `http_${res.status}`,
    message: i18n.t('common:request.answered', { status: res.status, statusText: res.statusText }),
    fix: i18n.t('common:request.answeredFix'),
  }
  try {
    const parsed = (await res.json()) as { error?: ApiErrorBody }
    if (parsed?.error?.code) body = parsed.error
  } catch {
    // not JSON: keep the generic error
  }
  return new ApiError(res.status, body)
}

export async function api<T>(
  method: string,
  path: string,
  body?: unknown,
  init: { signal?: AbortSignal; headers?: Record<string, string> } = {},
): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', ...init.headers }
  if (!safe.has(method) && csrfToken) headers['x-csrf-token'] = csrfToken
  let payload: BodyInit | undefined
  if (body instanceof FormData) payload = body
  else if (typeof body === 'string')
    payload = body // a file's text; init.headers names its type
  else if (body !== undefined) {
    headers['content-type'] = 'application/json'
    payload = JSON.stringify(body)
  }
  let res: Response
  try {
    res = await fetch(path, {
      method,
      headers,
      body: payload,
      credentials: 'same-origin',
      signal: init.signal,
    })
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err
    throw new ApiError(0, {
      code: 'network_error',
      message: i18n.t('common:request.unreachable'),
      fix: i18n.t('common:request.unreachableFix'),
    })
  }
  if (!res.ok) {
    const error = await errorOf(res)
    if (res.status === 401 && !path.startsWith('/api/v1/auth/')) onSessionEnded?.()
    throw error
  }
  if (res.status === 204) return undefined as T
  const text = await res.text()
  return (text ? JSON.parse(text) : undefined) as T
}

export const get = <T>(path: string, signal?: AbortSignal) => api<T>('GET', path, undefined, { signal })
export const post = <T>(path: string, body?: unknown) => api<T>('POST', path, body ?? {})
export const put = <T>(path: string, body: unknown) => api<T>('PUT', path, body)
export const patch = <T>(path: string, body: unknown) => api<T>('PATCH', path, body)
export const del = <T>(path: string) => api<T>('DELETE', path)
/** Posts a file's text as it is (a CSV import: `type` is text/csv). */
export const postText = <T>(path: string, text: string, type: string) =>
  api<T>('POST', path, text, { headers: { 'content-type': type } })

/** A query string from the defined values only. */
export function qs(params: Record<string, string | number | boolean | undefined | null>): string {
  const search = new URLSearchParams()
  for (const [k, v] of Object.entries(params))
    if (v !== undefined && v !== null && v !== '') search.set(k, String(v))
  const s = search.toString()
  return s ? `?${s}` : ''
}

export function isRouteMissing(err: unknown): boolean {
  return err instanceof ApiError && err.status === 404 && err.code === 'route_not_found'
}
