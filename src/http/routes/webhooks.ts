import { createHash, timingSafeEqual } from 'node:crypto'
import type { FastifyError, FastifyPluginAsync } from 'fastify'
import { errorBody, WahubError } from '../../errors.ts'
import { verifySignature } from '../../webhooks/signature.ts'
import type { AppDeps } from '../app.ts'

// Meta's webhook (SPEC §5). The POST handler checks the signature on the raw bytes, commits
// the raw event with its processing job, and answers 200 — nothing is parsed before the
// answer. Everything else happens in the `webhook.process` job.

const maxBody = 3 * 1024 * 1024 // Meta's payloads are at most 3 MB (FACTS §1.8)
const keptHeaders = ['content-type', 'user-agent', 'x-hub-signature-256', 'x-hub-signature'] as const

function sameSecret(a: string, b: string): boolean {
  // Hash first so the comparison is constant-time whatever the lengths.
  const ha = createHash('sha256').update(a).digest()
  const hb = createHash('sha256').update(b).digest()
  return timingSafeEqual(ha, hb)
}

export const webhookRoutes: FastifyPluginAsync<AppDeps> = async (app, deps) => {
  const { intake, secrets, rejections, metrics } = deps
  // Encapsulated: raw bytes for every content type, on these routes only.
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: maxBody }, (_req, body, done) =>
    done(null, body),
  )

  app.setErrorHandler((err: FastifyError, req, reply) => {
    if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      rejections.record('too_large')
      metrics.webhookRejected.inc({ reason: 'too_large' })
      req.log.warn({ limit: maxBody }, 'webhook too large')
      return reply
        .code(413)
        .send(
          errorBody(
            new WahubError(
              'payload_too_large',
              'Webhook bodies are limited to 3 MiB (Meta sends at most 3 MB).',
            ),
          ),
        )
    }
    throw err
  })

  app.get(
    '/webhooks/whatsapp',
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
    '/webhooks/whatsapp',
    { schema: { summary: 'Receives Meta webhooks', tags: ['webhooks'] } },
    async (req, reply) => {
      const body = (req.body as Buffer | undefined) ?? Buffer.alloc(0)
      const header = req.headers['x-hub-signature-256']
      let sig = verifySignature(await secrets.appSecrets(), body, header)
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
        req.log.warn({ reason: sig.reason, ip: req.ip, size: body.length }, 'webhook signature invalid')
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
        const value = req.headers[name]
        if (typeof value === 'string') headers[name] = value
      }
      // SPEC §5: committed before the answer (group commit, see webhooks/intake-batcher.ts).
      const eventId = await intake.store({ body, metaAppRowId: sig.metaAppRowId, headers })
      req.log.info({ eventId, appId: sig.appId, size: body.length }, 'webhook received')
      return reply.code(200).send() // Meta reads only the status; an empty body is the cheapest answer
    },
  )
}
