import helmet from '@fastify/helmet'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  LogController,
} from 'fastify'
import type { Vault } from '../channels/vault.ts'
import type { GraphClient } from '../cloud-api/graph-client.ts'
import type { Config } from '../config.ts'
import type { DbHandle } from '../db/connect.ts'
import { errorBody, WahubError } from '../errors.ts'
import type { JobRunner } from '../jobs/runner.ts'
import type { Logger } from '../log.ts'
import type { RateLanes } from '../messaging/rate-lanes.ts'
import type { Metrics } from '../metrics.ts'
import { signupCspSources } from '../onboarding/embedded-signup.ts'
import type { MediaStore } from '../storage/media-store.ts'
import type { IntakeBatcher } from '../webhooks/intake-batcher.ts'
import type { RejectionRecorder } from '../webhooks/rejections.ts'
import type { SecretsCache } from '../webhooks/secrets-cache.ts'
import { installAuth } from './auth.ts'
import { installErrorHandler } from './error-handler.ts'
import { installNulGuard } from './nul-guard.ts'
import { adminRoutes } from './routes/admin/index.ts'
import { agentRoutes } from './routes/agents/routes.ts'
import { analyticsRoutes } from './routes/analytics/index.ts'
import { audienceRoutes } from './routes/audiences/routes.ts'
import { campaignRoutes } from './routes/campaigns/routes.ts'
import { cannedReplyRoutes } from './routes/canned-replies/routes.ts'
import { contactRoutes } from './routes/contacts/routes.ts'
import { conversationRoutes } from './routes/conversations/conversations.ts'
import { conversationNoteRoutes } from './routes/conversations/notes.ts'
import { conversationWorkflowRoutes } from './routes/conversations/workflow.ts'
import { dashboardRoutes } from './routes/dashboard/dashboard.ts'
import { healthRoutes } from './routes/health/health.ts'
import { labelRoutes } from './routes/labels/routes.ts'
import { liveRoutes } from './routes/live/live.ts'
import { messageBatchRoutes } from './routes/messages/batch.ts'
import { messageRoutes } from './routes/messages/messages.ts'
import { notificationRoutes } from './routes/notifications/routes.ts'
import { sessionRoutes } from './routes/session/session.ts'
import { signupRoutes } from './routes/signup/signup.ts'
import { suppressionRoutes } from './routes/suppressions/routes.ts'
import { adminTemplateAuthoringRoutes, templatePreviewRoutes } from './routes/templates/authoring.ts'
import { templateRoutes } from './routes/templates/templates.ts'
import { tenantRoutes } from './routes/tenant/tenant.ts'
import { webhookSubscriptionRoutes } from './routes/webhook-subscriptions/routes.ts'
import { createWebhookFastPath, webhookRoutes } from './routes/webhooks/webhooks.ts'
import { widgetRoutes, widgetScriptRoutes } from './routes/widget/routes.ts'
import { createGuardedServer } from './slow-clients.ts'

// Builds the Fastify app from its dependencies and wires the route plugins; it holds no rules.
export type AppDeps = {
  config: Config
  handle: DbHandle
  log: Logger
  vault: Vault
  metrics: Metrics
  graph: GraphClient
  mediaStore: MediaStore
  secrets: SecretsCache
  rejections: RejectionRecorder
  intake: IntakeBatcher
  runner?: JobRunner
  /** Sending: the rate lanes (mark-as-read takes a slot) and a wake-up for the send workers. */
  sending?: { lanes: RateLanes; nudge: () => void }
}

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  // Webhook POSTs are answered before Fastify sees them (routes/webhooks/webhooks.ts, decision 0016).
  let closing = false
  const webhookFastPath = createWebhookFastPath({ ...deps, closing: () => closing })
  const app = Fastify({
    // SPEC §12: header, body-rate, request, keep-alive and idle deadlines (http/slow-clients.ts).
    serverFactory: (handler) =>
      createGuardedServer(deps.config, (req, res) => {
        if (!webhookFastPath(req, res)) handler(req, res)
      }),
    loggerInstance: deps.log as FastifyBaseLogger,
    // Per-request info lines would dominate the log at webhook rates; routes log the fixed
    // messages a person greps for (`webhook received`, `send failed`) themselves.
    logController: new LogController({ disableRequestLogging: true }),
    genReqId: () => `req_${Math.random().toString(36).slice(2, 12)}`,
    // X-Forwarded-For is believed only from the proxies in WAHUB_TRUST_PROXY (default none), so
    // a client cannot pick its own address for the login throttle (SPEC §12).
    trustProxy: deps.config.trustProxy === false ? false : [...deps.config.trustProxy],
    // Fastify answers a URL that is not valid percent-encoding (`GET /api/v1/%`) itself, in
    // its own shape; every error leaves in Wahub's envelope instead.
    frameworkErrors: (err, _req, reply: FastifyReply) =>
      reply.code(400).send(errorBody(new WahubError('bad_request', `The URL is not valid: ${err.message}.`))),
    bodyLimit: 1024 * 1024,
    // SIGTERM drains (SPEC §18): a request already on a connection when closing begins gets its
    // real answer, not Fastify's 503; the listening socket is closed, so nothing new arrives, and
    // idle keep-alive connections are closed as they go quiet (wahub.ts, drain).
    return503OnClosing: false,
    routerOptions: { ignoreTrailingSlash: true },
    ajv: {
      customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true, allErrors: false },
    },
  })
  installErrorHandler(app)
  // SPEC §12: security headers on every answer (routes may set stricter ones: media, the app).
  await app.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        mediaSrc: ["'self'", 'blob:'],
        styleSrc: ["'self'", "'unsafe-inline'"],
        scriptSrc: ["'self'"],
        connectSrc: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'self'"],
        objectSrc: ["'none'"],
      },
    },
    crossOriginEmbedderPolicy: false,
    // Embedded Signup (decision 0072): the page that opens Meta's signup popup (or the emulator's
    // stand-in) must stay its opener to receive the session info; other windows stay apart.
    crossOriginOpenerPolicy: { policy: 'same-origin-allow-popups' },
  })
  app.addHook('preClose', async () => {
    closing = true
  })
  // Before any route: every /api/v1 route must declare its access (src/http/auth.ts).
  installAuth(app, { db: deps.handle.db })
  installNulGuard(app)

  app.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions.url ?? 'unmatched'
    deps.metrics.httpRequests.inc({ route, status: String(reply.statusCode) })
    deps.metrics.httpDuration.observe({ route }, reply.elapsedTime / 1000)
    req.log.debug({ req, status: reply.statusCode, ms: Math.round(reply.elapsedTime) }, 'request completed')
  })

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Wahub API',
        version: '0.1.0',
        description:
          'Self-hosted WhatsApp Business Cloud API hub. Errors are `{ error: { code, message, fix, details } }`.',
      },
      components: {
        securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'A Wahub API key' } },
      },
    },
  })
  // SPEC §12: /docs can be closed (WAHUB_DOCS; on by default only with the Sandbox).
  if (deps.config.docs) await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true })

  await app.register(healthRoutes, { ...deps, closing: () => closing })
  await app.register(webhookRoutes, deps)
  await app.register(sessionRoutes, { ...deps, prefix: '/api/v1/auth' })
  await app.register(tenantRoutes, { ...deps, prefix: '/api/v1' })
  await app.register(signupRoutes, { ...deps, prefix: '/api/v1' })
  await app.register(conversationRoutes, { ...deps, prefix: '/api/v1' })
  await app.register(conversationWorkflowRoutes, { ...deps, prefix: '/api/v1' })
  await app.register(agentRoutes, { ...deps, prefix: '/api/v1' })
  await app.register(conversationNoteRoutes, { ...deps, prefix: '/api/v1' })
  await app.register(labelRoutes, { ...deps, prefix: '/api/v1' })
  await app.register(cannedReplyRoutes, { ...deps, prefix: '/api/v1' })
  await app.register(notificationRoutes, { ...deps, prefix: '/api/v1' })
  await app.register(contactRoutes, { ...deps, prefix: '/api/v1' })
  await app.register(messageRoutes, { ...deps, prefix: '/api/v1' })
  await app.register(messageBatchRoutes, { ...deps, prefix: '/api/v1' })
  await app.register(adminRoutes, { ...deps, prefix: '/api/v1/admin' })
  await app.register(liveRoutes, { ...deps, prefix: '/api/v1' })
  await app.register(templateRoutes, { ...deps, prefix: '/api/v1' })
  await app.register(templatePreviewRoutes, { ...deps, prefix: '/api/v1' })
  await app.register(adminTemplateAuthoringRoutes, { ...deps, prefix: '/api/v1/admin' })
  await app.register(analyticsRoutes, { ...deps, prefix: '/api/v1' })
  await app.register(webhookSubscriptionRoutes, { ...deps, prefix: '/api/v1' })
  await app.register(suppressionRoutes, { ...deps, prefix: '/api/v1' })
  await app.register(audienceRoutes, { ...deps, prefix: '/api/v1' })
  await app.register(campaignRoutes, { ...deps, prefix: '/api/v1' })
  await app.register(widgetRoutes, { ...deps, prefix: '/api/v1' })
  await app.register(widgetScriptRoutes, deps)
  // The dashboard answers every GET no other route matches (its pages) with the app.
  await app.register(dashboardRoutes, { csp: signupCspSources(deps.config) })
  return app
}
