import type { FastifyInstance, FastifyRequest, FastifySchema, RouteOptions } from 'fastify'
import type { Scope } from '../accounts/api-keys.ts'
import { actorOf, type Principal, principalFromKey, principalFromSession } from '../accounts/principal.ts'
import { csrfMatches, sessionCookieName } from '../accounts/sessions.ts'
import type { Db } from '../db/connect.ts'
import { WahubError } from '../errors.ts'

// The single authorisation point of the API (issue 4). Every route under /api/v1 declares its
// access in its config — `{ access: { scope: 'read' } }`, `{ access: { session: true } }` or
// `{ access: { public: true } }` — and a route without one makes buildApp throw at start-up,
// so no route can escape. The declarations are collected in a registry that the isolation test
// walks: a route added later is tested automatically.
//
// Order per request: authenticate (API key, else session cookie) → CSRF for a cookie on a
// state-changing method → tenant enabled → the declared access. Handlers of tenant routes take
// the tenant from `tenantIdOf(req)`, never from the URL or the body.

export type RouteAccess =
  | { public: true }
  /** Any signed-in dashboard user (auth/me, logout, password). */
  | { session: true }
  /**
   * `tenant: 'own'` (default for send/read): the caller must belong to a tenant and acts for it.
   * `'any'`: operators (no tenant) may call it too; the handler must then handle tenantId null.
   * The admin scope belongs to operators only.
   */
  | { scope: Scope; tenant?: 'own' | 'any' }

export type ApiRoute = { method: string; url: string; access: RouteAccess; schema: FastifySchema | undefined }

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: RouteAccess
  }
  interface FastifyRequest {
    principal: Principal | null
  }
}

export const apiPrefix = '/api/v1'
const registries = new WeakMap<FastifyInstance, ApiRoute[]>()
const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS'])

function checkAccess(route: RouteOptions): RouteAccess {
  const access = (route.config as { access?: unknown } | undefined)?.access
  const methods = [route.method].flat().join(',')
  const valid =
    typeof access === 'object' &&
    access !== null &&
    (('public' in access && access.public === true) ||
      ('session' in access && access.session === true) ||
      ('scope' in access && ['send', 'read', 'admin'].includes(access.scope as string)))
  if (!valid) {
    throw new Error(
      `route ${methods} ${route.url} declares no access: add config: { access: { scope: 'read' | 'send' | 'admin' } } (or { session: true } / { public: true }) — see src/http/auth.ts`,
    )
  }
  return access as RouteAccess
}

/** Every /api/v1 route with its declared access (HEAD twins of GET routes left out). */
export function apiRoutes(app: FastifyInstance): readonly ApiRoute[] {
  return registries.get(app) ?? []
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined
  for (const part of header.split(';')) {
    const eq = part.indexOf('=')
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim())
      } catch {
        return undefined // not valid percent-encoding (`%zz`): no session, never a 500
      }
    }
  }
  return undefined
}

function bearer(req: FastifyRequest): string | undefined {
  const header = req.headers.authorization
  if (typeof header !== 'string') return undefined
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header)
  return m ? m[1] : ''
}

function hasScope(p: Principal, scope: Scope): boolean {
  return p.scopes.includes(scope) || p.scopes.includes('admin')
}

async function authenticate(db: Db, req: FastifyRequest): Promise<Principal> {
  const key = bearer(req)
  if (key !== undefined) {
    const p = key ? await principalFromKey(db, key) : undefined
    if (!p) throw new WahubError('unauthorized', 'The API key is unknown or revoked.')
    return p
  }
  const token = cookieValue(req.headers.cookie, sessionCookieName)
  if (token) {
    const p = await principalFromSession(db, token)
    if (!p) {
      throw new WahubError(
        'unauthorized',
        'The session has ended.',
        undefined,
        'Sign in again (POST /api/v1/auth/login).',
      )
    }
    // SameSite=Lax already keeps the cookie off cross-site POSTs; the header is the second lock.
    if (!safeMethods.has(req.method)) {
      const header = req.headers['x-csrf-token']
      if (!p.session || !csrfMatches(p.session, typeof header === 'string' ? header : undefined)) {
        throw new WahubError(
          'csrf_failed',
          'A signed-in request that changes something needs the x-csrf-token header.',
        )
      }
    }
    return p
  }
  throw new WahubError(
    'unauthorized',
    'This route needs an API key (Authorization: Bearer wh_…) or a signed-in session.',
  )
}

function authorize(access: RouteAccess, p: Principal): void {
  if ('session' in access) {
    if (p.kind !== 'user') {
      throw new WahubError('forbidden', 'This route is for signed-in dashboard users, not API keys.')
    }
    return
  }
  if (!('scope' in access)) return
  if (p.tenantId !== null && !p.tenantEnabled)
    throw new WahubError('tenant_disabled', 'This tenant is disabled.')
  if (p.kind === 'user' && p.session?.user.mustChangePassword) {
    throw new WahubError(
      'password_change_required',
      'The one-time password must be changed before anything else.',
    )
  }
  if (!hasScope(p, access.scope)) {
    throw new WahubError('forbidden', `This route needs the ${access.scope} scope.`, { has: p.scopes })
  }
  if (access.scope === 'admin' && p.tenantId !== null) {
    throw new WahubError('forbidden', 'Administration is for operators, not tenants.')
  }
  if (access.scope !== 'admin' && (access.tenant ?? 'own') === 'own' && p.tenantId === null) {
    throw new WahubError(
      'forbidden',
      'This route acts for one tenant: call it with a tenant API key or a tenant user.',
      undefined,
      'Create a tenant key with `wahub apikey create --tenant <name>`.',
    )
  }
}

/** Installs the registry check and the per-request hook. Call before any route is registered. */
export function installAuth(app: FastifyInstance, deps: { db: Db }): void {
  const registry: ApiRoute[] = []
  registries.set(app, registry)
  app.decorateRequest('principal', null)
  app.addHook('onRoute', (route) => {
    const url = route.url ?? route.path
    if (!url.startsWith(apiPrefix)) return
    const access = checkAccess(route)
    // In the OpenAPI description, every non-public route says it needs the bearer key.
    if (!('public' in access)) route.schema = { security: [{ apiKey: [] }], ...route.schema }
    for (const method of [route.method].flat()) {
      if (method === 'HEAD') continue
      registry.push({ method, url, access, schema: route.schema })
    }
  })
  app.addHook('onRequest', async (req) => {
    const access = req.routeOptions.config?.access
    if (!access || 'public' in access) return
    const principal = await authenticate(deps.db, req)
    req.principal = principal
    authorize(access, principal)
  })
}

/** The caller (routes that declared an access other than public). */
export function principalOf(req: FastifyRequest): Principal {
  if (!req.principal)
    throw new Error(`route ${req.routeOptions.url} read the principal without declaring access`)
  return req.principal
}

/** The tenant a tenant-scoped route acts for: the caller's own, from its key or session. */
export function tenantIdOf(req: FastifyRequest): string {
  const p = principalOf(req)
  if (p.tenantId === null) throw new WahubError('forbidden', 'This route acts for one tenant.')
  return p.tenantId
}

/**
 * The tenant a read acts for: the caller's own (asking for another is refused); an operator
 * may name one, or none (null: every tenant).
 */
export function readScopeOf(req: FastifyRequest, requested: string | undefined): string | null {
  const principal = principalOf(req)
  if (principal.tenantId !== null) {
    if (requested && requested !== principal.tenantId) {
      throw new WahubError('forbidden', 'A tenant key can only read its own tenant.')
    }
    return principal.tenantId
  }
  return requested ?? null
}

/** The session token of the request's cookie (for the session routes). */
export function sessionTokenOf(req: FastifyRequest): string | undefined {
  return cookieValue(req.headers.cookie, sessionCookieName)
}

/** "actor" for audit rows. */
export function actorOfRequest(req: FastifyRequest): string {
  return actorOf(principalOf(req))
}
