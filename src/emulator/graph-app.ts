import multipart from '@fastify/multipart'
import Fastify, {
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify'
import type { EmulatorContext } from './context.ts'
import type { Control } from './control.ts'
import { controlRoutes } from './control-routes.ts'
import { oauthRoute, signupPageRoutes } from './embedded-signup.ts'
import { chance } from './faults.ts'
import { GraphError } from './graph-errors.ts'
import { blockUserRoutes } from './graph-routes/block-users.ts'
import { businessProfileRoutes } from './graph-routes/business-profile.ts'
import { debugTokenRoute } from './graph-routes/debug-token.ts'
import { mediaDownloadRoute, mediaRoutes } from './graph-routes/media.ts'
import { messageRoutes } from './graph-routes/messages.ts'
import { objectRoutes } from './graph-routes/objects.ts'
import { phoneNumberRoutes } from './graph-routes/phone-numbers.ts'
import { uploadRoutes } from './graph-routes/uploads.ts'
import { wabaRoutes } from './graph-routes/waba.ts'
import { requestInfo } from './request-info.ts'

// The emulator's HTTP app: Graph routes under /{version}, control routes under /_emulator,
// the media download URL, one error handler answering Meta's envelope for any failure (bad
// JSON, wrong shapes, unknown paths: never a crash), and the ledger of every Graph request.

const isControl = (url: string) => url.startsWith('/_emulator')
const versionPattern = /^v\d{1,2}(\.\d{1,2})?$/

function controlNotFound(req: FastifyRequest): GraphError {
  return new GraphError(
    100,
    `No control route ${req.method} ${req.url.split('?')[0]}; see docs/EMULATOR.md`,
    {
      httpStatus: 404,
    },
  )
}

function parseForm(text: string): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [key, value] of new URLSearchParams(text)) {
    // Graph accepts JSON-encoded values in form fields (components=[...]).
    if (/^\s*[[{]/.test(value)) {
      try {
        out[key] = JSON.parse(value)
        continue
      } catch {
        // kept as text
      }
    }
    out[key] = value
  }
  return out
}

function redactQuery(query: unknown): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries((query ?? {}) as Record<string, unknown>)) {
    out[k] = k === 'access_token' || k === 'input_token' ? '[redacted]' : String(v)
  }
  return out
}

function recordGraph(ctx: EmulatorContext, req: FastifyRequest, status: number): void {
  const info = requestInfo(req)
  ctx.ledger.addGraph({
    at: Date.now(),
    method: req.method,
    path: req.url.split('?')[0],
    query: redactQuery(req.query),
    body: info.bodySummary ?? req.body ?? null,
    status,
    errorCode: info.errorCode,
    wamid: info.wamid,
    durationMs: Math.round((performance.now() - info.startedAt) * 100) / 100,
    fault: info.fault,
  })
}

async function graphPlugin(app: FastifyInstance, { ctx }: { ctx: EmulatorContext }) {
  app.addHook('onRequest', async (req, reply) => {
    const info = requestInfo(req)
    const { version } = req.params as { version?: string }
    if (!version || !versionPattern.test(version)) {
      if (isControl(req.url)) throw controlNotFound(req)
      throw new GraphError(2500, undefined, {
        message: `Unknown path components: /${version ?? ''}`,
        httpStatus: 400,
      })
    }
    const faults = ctx.faults.graph
    if (faults.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, faults.latencyMs))
    if (chance(faults.dropRate)) {
      if (faults.dropWhen === 'before') {
        info.fault = 'drop'
        recordGraph(ctx, req, 0)
        reply.hijack()
        req.raw.socket.destroy()
        return
      }
      info.dropAfter = true
    }
    if (chance(faults.errorRate)) {
      info.fault = 'error'
      // 131000 on sends, 2 (service unavailable, transient) elsewhere (FACTS §3.2).
      if (req.url.includes('/messages'))
        throw new GraphError(131000, 'Something went wrong (injected fault).')
      throw new GraphError(2, 'Service temporarily unavailable (injected fault).', { isTransient: true })
    }
  })
  for (const routes of [
    debugTokenRoute,
    oauthRoute,
    messageRoutes,
    mediaRoutes,
    phoneNumberRoutes,
    wabaRoutes,
    businessProfileRoutes,
    uploadRoutes,
    blockUserRoutes,
    objectRoutes,
  ]) {
    await app.register(routes, { ctx })
  }
}

function toGraphError(err: FastifyError | Error, ctx: EmulatorContext): GraphError {
  if (err instanceof GraphError) return err
  const status = (err as FastifyError).statusCode
  if (status === 413) return new GraphError(100, 'The request body is too large.', { httpStatus: 413 })
  if (status !== undefined && status < 500) return new GraphError(100, err.message)
  ctx.log.error({ err: err.message }, 'emulator internal error')
  return new GraphError(1, 'An unknown error occurred.', {
    message: 'An unknown error occurred',
    httpStatus: 500,
  })
}

export async function buildEmulatorApp(ctx: EmulatorContext, control: Control): Promise<FastifyInstance> {
  // SPEC §12: every server has header, request and idle deadlines, the emulator's too (it is
  // never exposed, but a stuck client must not hold it either).
  const app = Fastify({
    logger: false,
    bodyLimit: 5 * 1024 * 1024,
    forceCloseConnections: true,
    connectionTimeout: 120_000,
    keepAliveTimeout: 65_000,
    requestTimeout: 60_000,
    http: { headersTimeout: 10_000 },
  })
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    const text = String(body)
    if (text.trim() === '') return done(null, undefined)
    try {
      done(null, JSON.parse(text))
    } catch (err) {
      done(
        new GraphError(100, `The request body could not be parsed as JSON: ${(err as Error).message}`),
        undefined,
      )
    }
  })
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) =>
    done(null, parseForm(String(body))),
  )
  // Anything else reaches the route without a body; the route answers 100 for what is missing.
  // Resumable uploads (POST /upload:{id}) carry raw file bytes; they keep them.
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (req, body, done) =>
    done(null, req.url.includes('/upload:') ? body : undefined),
  )
  await app.register(multipart)

  app.setErrorHandler((err: FastifyError, req: FastifyRequest, reply: FastifyReply) => {
    const graphError = toGraphError(err, ctx)
    requestInfo(req).errorCode = graphError.code
    if (graphError.code === 190) {
      reply.header('www-authenticate', `OAuth "Facebook Platform" "invalid_token" "${graphError.message}"`)
    }
    return reply.code(graphError.httpStatus).send(graphError.toBody())
  })
  app.setNotFoundHandler((req, reply) => {
    const err = isControl(req.url)
      ? controlNotFound(req)
      : new GraphError(2500, undefined, {
          message: `Unknown path components: ${req.url.split('?')[0]}`,
          httpStatus: 400,
        })
    requestInfo(req).errorCode = err.code
    return reply.code(err.httpStatus).send(err.toBody())
  })
  app.addHook('onSend', async (req, reply, payload) => {
    if (isControl(req.url)) return payload
    const info = requestInfo(req)
    if (info.dropAfter) info.fault = 'drop'
    recordGraph(ctx, req, reply.statusCode)
    // Processed (a send really happened), then the answer is lost: Meta's worst case.
    if (info.dropAfter) req.raw.socket.destroy()
    return payload
  })

  await app.register(controlRoutes, { prefix: '/_emulator', control })
  await app.register(signupPageRoutes, { prefix: '/_emulator', ctx })
  await app.register(mediaDownloadRoute, { ctx })
  await app.register(graphPlugin, { prefix: '/:version', ctx })
  return app
}
