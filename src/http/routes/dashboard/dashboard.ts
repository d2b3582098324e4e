import fs from 'node:fs'
import path from 'node:path'
import fastifyStatic from '@fastify/static'
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'

// The dashboard (SPEC §10): the React app built by Vite into web/dist (`npm run build:web`; `npm
// start` builds it when missing or stale), served by the same server. Any GET that is not the API,
// the webhook, the docs or a file of the build answers index.html, so the app's own paths
// (/inbox/…, /channels) survive a reload. Vite names assets by content hash: they are cached for
// a year; index.html is revalidated on every load so a new build shows at once.

export const webDist = path.resolve(import.meta.dirname, '../../../../web/dist')

/** Paths that belong to the server: an unknown one is a JSON 404, never the app. */
const serverPrefixes = ['/api/', '/docs', '/webhooks/', '/metrics', '/healthz', '/readyz', '/_emulator']

/** Extra sources of the dashboard's CSP: the Facebook SDK and its popup when Embedded Signup loads it (decision 0084). */
export type DashboardCspExtra = { script: string[]; frame: string[]; connect: string[] }

function securityHeadersFor(extra: DashboardCspExtra) {
  const add = (xs: string[]) => (xs.length ? ` ${xs.join(' ')}` : '')
  return {
    'content-security-policy': `default-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; style-src 'self'; script-src 'self'${add(extra.script)}; connect-src 'self'${add(extra.connect)}; frame-src 'self'${add(extra.frame)}; frame-ancestors 'none'; base-uri 'none'; form-action 'self'`,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'same-origin',
    'x-frame-options': 'DENY',
  }
}

const notBuilt = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Wahub</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 4rem auto; padding: 0 1rem">
<h1>The dashboard is not built yet</h1>
<p>Run <code>npm run build:web</code> (or start Wahub with <code>npm start</code>, which builds it), then reload.</p>
<p>The API is up: see <a href="/docs">/docs</a>.</p>
</body></html>`

/** `webDist`: the build to serve (tests give their own folder); default web/dist. */
export const dashboardRoutes: FastifyPluginAsync<{ webDist?: string; csp?: DashboardCspExtra }> = async (
  app,
  options,
) => {
  const dist = options.webDist ?? webDist
  const securityHeaders = securityHeadersFor(options.csp ?? { script: [], frame: [], connect: [] })
  // serve: false — only reply.sendFile; the routes below decide what is served.
  await app.register(fastifyStatic, { root: dist, serve: false })

  const sendIndex = (reply: FastifyReply) => {
    reply.headers(securityHeaders)
    if (!fs.existsSync(path.join(dist, 'index.html'))) {
      return reply
        .code(503)
        .type('text/html; charset=utf-8')
        .header('cache-control', 'no-store')
        .send(notBuilt)
    }
    return reply.header('cache-control', 'no-cache').sendFile('index.html', { cacheControl: false })
  }

  const handler = async (req: FastifyRequest, reply: FastifyReply) => {
    let pathname: string
    try {
      pathname = decodeURIComponent(req.url.split('?')[0])
    } catch {
      return reply.callNotFound() // malformed %-escape
    }
    if (serverPrefixes.some((p) => pathname === p.replace(/\/$/, '') || pathname.startsWith(p))) {
      return reply.callNotFound()
    }
    const file = path.resolve(dist, `.${path.posix.normalize(pathname)}`)
    const inside = file.startsWith(dist + path.sep)
    if (inside && fs.statSync(file, { throwIfNoEntry: false })?.isFile()) {
      const relative = path.relative(dist, file)
      if (relative === 'index.html') return sendIndex(reply)
      const immutable = relative.startsWith(`assets${path.sep}`)
      reply.header('x-content-type-options', 'nosniff')
      reply.header(
        'cache-control',
        immutable ? 'public, max-age=31536000, immutable' : 'public, max-age=3600',
      )
      return reply.sendFile(relative, { cacheControl: false })
    }
    // A missing file (it has an extension) is a 404; any other path is one of the app's pages.
    if (/\.[a-z0-9]+$/i.test(pathname)) return reply.callNotFound()
    return sendIndex(reply)
  }

  app.get('/', { schema: { hide: true } }, handler)
  app.get('/*', { schema: { hide: true } }, handler)
}
