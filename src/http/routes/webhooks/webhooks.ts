import { createHash, timingSafeEqual } from 'node:crypto'
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http'
import type { FastifyError, FastifyPluginAsync } from 'fastify'
import proxyaddr from 'proxy-addr'
import { errorBody, WahubError } from '../../../errors.ts'
import { verifySignature } from '../../../webhooks/signature.ts'
import type { AppDeps } from '../../app.ts'

// Meta's webhook (SPEC §5). The POST handler checks the signature on the raw bytes, commits
// the raw event with its processing job, and answers 200 — nothing is parsed before the
// answer. Everything else happens in the `webhook.process` job.
//
// The POST is the hottest path in Wahub (SPEC §11: thousands a second on two cores), so real
// HTTP requests for it bypass Fastify's routing, hooks and reply machinery: `createWebhookFastPath`
// answers them straight from the node:http server (decision 0016). What it does per request is
// `receive` below, the same function the Fastify route calls.

export const webhookPath = '/webhooks/whatsapp'
const maxBody = 3 * 1024 * 1024 // Meta's payloads are at most 3 MB (FACTS §1.8)
const keptHeaders = ['content-type', 'user-agent', 'x-hub-signature-256', 'x-hub-signature'] as const

function sameSecret(a: string, b: string): boolean {
  // Hash first so the comparison is constant-time whatever the lengths.
  const ha = createHash('sha256').update(a).digest()
  const hb = createHash('sha256').update(b).digest()
  return timingSafeEqual(ha, hb)
}

type ReceiverDeps = Pick<AppDeps, 'intake' | 'secrets' | 'rejections' | 'metrics' | 'log' | 'config'>

/**
 * Verifies and stores one webhook POST: resolves once the raw event is committed (store before
 * 200), throws a WahubError (401 signature_invalid) when no configured app secret signed it.
 */
export function createWebhookReceiver(deps: ReceiverDeps) {
  const { intake, secrets, rejections, metrics, log } = deps
  return async function receive(
    body: Buffer,
    reqHeaders: IncomingHttpHeaders,
    ip: () => string,
  ): Promise<string> {
    const header = reqHeaders['x-hub-signature-256']
    let sig = verifySignature(secrets.cachedAppSecrets() ?? (await secrets.appSecrets()), body, header)
    if (
      !sig.ok &&
      (sig.reason === 'signature_mismatch' || sig.reason === 'no_app_secret') &&
      !secrets.fresh()
    ) {
      // An app may have been added or its secret replaced on another instance moments ago.
      secrets.invalidate()
      sig = verifySignature(await secrets.appSecrets(), body, header)
    }
    if (!sig.ok) {
      rejections.record(sig.reason)
      metrics.webhookRejected.inc({ reason: sig.reason })
      log.warn({ reason: sig.reason, ip: ip(), size: body.length }, 'webhook signature invalid')
      const message =
        sig.reason === 'no_app_secret'
          ? 'No Meta app with an app secret is configured, so no webhook can be verified.'
          : sig.reason === 'signature_missing'
            ? 'The X-Hub-Signature-256 header is missing.'
            : 'The X-Hub-Signature-256 header does not match the body signed with any configured app secret.'
      throw new WahubError('signature_invalid', message, { reason: sig.reason })
    }
    const headers: Record<string, string> = {}
    for (const name of keptHeaders) {
      const value = reqHeaders[name]
      if (typeof value === 'string') headers[name] = value
    }
    // SPEC §5: committed before the answer (group commit, see webhooks/intake-batcher.ts).
    const eventId = await intake.store({ body, metaAppRowId: sig.metaAppRowId, headers })
    log.info({ eventId, appId: sig.appId, size: body.length }, 'webhook received')
    return eventId
  }
}

/** Counts and logs an oversized webhook (both POST adapters) and returns the 413 to answer. */
function refuseTooLarge(
  deps: Pick<ReceiverDeps, 'rejections' | 'metrics'>,
  log: { warn(fields: object, msg: string): void },
): WahubError {
  deps.rejections.record('too_large')
  deps.metrics.webhookRejected.inc({ reason: 'too_large' })
  log.warn({ limit: maxBody }, 'webhook too large')
  return new WahubError('payload_too_large', 'Webhook bodies are limited to 3 MiB (Meta sends at most 3 MB).')
}

/**
 * The POST webhook straight on node:http: returns false for every other request (Fastify
 * handles those). Reads the body up to 3 MiB, calls `receive`, answers 200 with an empty body
 * (Meta reads only the status) or the error as JSON.
 */
export function createWebhookFastPath(deps: ReceiverDeps & { closing(): boolean }) {
  const receive = createWebhookReceiver(deps)
  const { metrics, log } = deps
  const proxies = deps.config.trustProxy
  const clientIp = clientIpOf(proxies === false ? undefined : proxyaddr.compile([...proxies]))
  const answered = metrics.httpRequests.labels({ route: webhookPath, status: '200' })
  const duration = metrics.httpDuration.labels({ route: webhookPath })

  const answer = (res: ServerResponse, started: number, status: number, err?: WahubError) => {
    // Fastify's security headers (helmet) do not run here: the two that matter for an answer
    // with at most a JSON error body.
    res.setHeader('x-content-type-options', 'nosniff')
    res.setHeader('content-security-policy', "default-src 'none'; frame-ancestors 'none'")
    if (err) {
      const json = JSON.stringify(errorBody(err))
      res.writeHead(status, {
        'content-type': 'application/json; charset=utf-8',
        'content-length': Buffer.byteLength(json),
      })
      res.end(json)
      metrics.httpRequests.inc({ route: webhookPath, status: String(status) })
    } else {
      res.statusCode = status
      res.end() // no body: Node sends Content-Length: 0
      answered.inc()
    }
    duration.observe((performance.now() - started) / 1000)
  }

  const rejectTooLarge = (req: IncomingMessage, res: ServerResponse, started: number) => {
    const err = refuseTooLarge(deps, log)
    // Stop reading: the rest of the body is not wanted, and the connection cannot be reused.
    res.shouldKeepAlive = false
    answer(res, started, 413, err)
    req.resume()
  }

  return function fastPath(req: IncomingMessage, res: ServerResponse): boolean {
    if (req.method !== 'POST') return false
    const url = req.url ?? ''
    if (
      url !== webhookPath &&
      !(url.startsWith(webhookPath) && (url[webhookPath.length] === '?' || url === `${webhookPath}/`))
    )
      return false
    const started = performance.now()
    if (deps.closing()) {
      res.shouldKeepAlive = false
      answer(
        res,
        started,
        503,
        new WahubError('unavailable', 'Wahub is shutting down; Meta retries the delivery.'),
      )
      req.resume()
      return true
    }
    const declared = Number(req.headers['content-length'] ?? 0)
    if (declared > maxBody) {
      rejectTooLarge(req, res, started)
      return true
    }
    const chunks: Buffer[] = []
    let size = 0
    let refused = false
    req.on('data', (chunk: Buffer) => {
      if (refused) return
      size += chunk.length
      if (size > maxBody) {
        refused = true
        rejectTooLarge(req, res, started)
      } else chunks.push(chunk)
    })
    req.on('end', () => {
      if (refused) return
      const body = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size)
      receive(body, req.headers, () => clientIp(req)).then(
        () => answer(res, started, 200),
        (err: unknown) => {
          if (err instanceof WahubError) return answer(res, started, err.status, err)
          log.error({ err }, 'webhook intake failed')
          answer(
            res,
            started,
            500,
            new WahubError('internal', 'The webhook could not be stored; Meta retries the delivery.'),
          )
        },
      )
    })
    req.on('error', (err) => log.warn({ err }, 'webhook request aborted'))
    return true
  }
}

/** The caller's address as Fastify reports it: X-Forwarded-For only from WAHUB_TRUST_PROXY's proxies. */
function clientIpOf(trust: ReturnType<typeof proxyaddr.compile> | undefined) {
  return (req: IncomingMessage): string => (trust ? proxyaddr(req, trust) : req.socket.remoteAddress) ?? ''
}

export const webhookRoutes: FastifyPluginAsync<AppDeps> = async (app, deps) => {
  const { secrets } = deps
  const receive = createWebhookReceiver(deps)
  // Encapsulated: raw bytes for every content type, on these routes only.
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: maxBody }, (_req, body, done) =>
    done(null, body),
  )

  app.setErrorHandler((err: FastifyError, req, reply) => {
    if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return reply.code(413).send(errorBody(refuseTooLarge(deps, req.log)))
    }
    throw err
  })

  app.get(
    webhookPath,
    {
      schema: {
        summary: "Meta's webhook verification handshake",
        tags: ['webhooks'],
        querystring: {
          type: 'object',
          properties: {
            'hub.mode': { type: 'string' },
            'hub.verify_token': { type: 'string' },
            'hub.challenge': { type: 'string' },
          },
        },
      },
    },
    async (req, reply) => {
      const query = req.query as Record<string, string | undefined>
      const token = query['hub.verify_token'] ?? ''
      const tokens = await secrets.verifyTokens()
      const ok = query['hub.mode'] === 'subscribe' && token !== '' && tokens.some((t) => sameSecret(t, token))
      if (!ok) {
        // Counted like refused POSTs: a prober guessing verify tokens shows in doctor and /metrics.
        deps.rejections.record('verify_token_mismatch')
        deps.metrics.webhookRejected.inc({ reason: 'verify_token_mismatch' })
        req.log.warn(
          { mode: query['hub.mode'], configuredApps: tokens.length },
          'webhook verification refused',
        )
        throw new WahubError(
          'webhook_verify_failed',
          'hub.mode must be subscribe and hub.verify_token must match.',
        )
      }
      req.log.info('webhook verified')
      return reply.type('text/plain').send(query['hub.challenge'] ?? '')
    },
  )

  app.post(
    webhookPath,
    { schema: { summary: 'Receives Meta webhooks', tags: ['webhooks'] } },
    async (req, reply) => {
      // Real HTTP requests take the fast path (createWebhookFastPath); this route serves
      // app.inject and documents the endpoint. Both answer through the same `receive`.
      await receive((req.body as Buffer | undefined) ?? Buffer.alloc(0), req.headers, () => req.ip)
      return reply.code(200).send()
    },
  )
}
