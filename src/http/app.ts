import http from 'node:http'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify'
import type { Vault } from '../channels/vault.ts'
import type { GraphClient } from '../cloud-api/graph-client.ts'
import type { Config } from '../config.ts'
import type { DbHandle } from '../db/connect.ts'
import type { JobRunner } from '../jobs/runner.ts'
import type { Logger } from '../log.ts'
import type { RateLanes } from '../messaging/rate-lanes.ts'
import type { Metrics } from '../metrics.ts'
import type { IntakeBatcher } from '../webhooks/intake-batcher.ts'
import type { RejectionRecorder } from '../webhooks/rejections.ts'
import type { SecretsCache } from '../webhooks/secrets-cache.ts'
import { installAuth } from './auth.ts'
import { installErrorHandler } from './error-handler.ts'
import { adminRoutes } from './routes/admin/index.ts'
import { agentRoutes } from './routes/agents/routes.ts'
import { cannedReplyRoutes } from './routes/canned-replies/routes.ts'
import { contactRoutes } from './routes/contacts/routes.ts'
import { conversationNoteRoutes } from './routes/conversations/notes.ts'
import { conversationWorkflowRoutes } from './routes/conversations/workflow.ts'
import { conversationRoutes } from './routes/conversations.ts'
import { dashboardRoutes } from './routes/dashboard.ts'
import { healthRoutes } from './routes/health.ts'
import { labelRoutes } from './routes/labels/routes.ts'
import { liveRoutes } from './routes/live.ts'
import { messageRoutes } from './routes/messages.ts'
import { notificationRoutes } from './routes/notifications/routes.ts'
import { sessionRoutes } from './routes/session.ts'
import { templateRoutes } from './routes/templates.ts'
import { tenantRoutes } from './routes/tenant.ts'
import { createWebhookFastPath, webhookRoutes } from './routes/webhooks.ts'

// Builds the Fastify app from its dependencies and wires the route plugins; it holds no rules.
export type AppDeps = {
  config: Config
  handle: DbHandle
  log: Logger
  vault: Vault
  metrics: Metrics
  graph: GraphClient
  secrets: SecretsCache
  rejections: RejectionRecorder
  intake: IntakeBatcher
  runner?: JobRunner
  /** Sending: the rate lanes (mark-as-read takes a slot) and a wake-up for the send workers. */
  sending?: { lanes: RateLanes; nudge: () => void }
}

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  // Webhook POSTs are answered before Fastify sees them (routes/webhooks.ts, decision 0016).
  let closing = false
  const webhookFastPath = createWebhookFastPath({ ...deps, closing: () => closing })
  const app = Fastify({
    serverFactory: (handler, options) => {
      const server = http.createServer((req, res) => {
        if (!webhookFastPath(req, res)) handler(req, res)
      })
      // What Fastify sets on the servers it creates itself.
      server.keepAliveTimeout = Number(options.keepAliveTimeout ?? 72_000)
      server.requestTimeout = Number(options.requestTimeout ?? 0)
      server.setTimeout(Number(options.connectionTimeout ?? 0))
      return server
    },
    loggerInstance: deps.log as FastifyBaseLogger,
    // Per-request info lines would dominate the log at webhook rates; routes log the fixed
    // messages a person greps for (`webhook received`, `send failed`) themselves.
    logController: new LogController({ disableRequestLogging: true }),
    genReqId: () => `req_${Math.random().toString(36).slice(2, 12)}`,
    trustProxy: true,
    bodyLimit: 1024 * 1024,
    routerOptions: { ignoreTrailingSlash: true },
    ajv: {
      customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true, allErrors: false },
    },
  })
  installErrorHandler(app)
  app.addHook('preClose', async () => {
    closing = true
  })
  // Before any route: every /api/v1 route must declare its access (src/http/auth.ts).
  installAuth(app, { db: deps.handle.db })

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
  await app.register(swaggerUi, { routePrefix: '/docs' })

  await app.register(healthRoutes, deps)
  await app.register(webhookRoutes, deps)
  await app.register(sessionRoutes, { ...deps, prefix: '/api/v1/auth' })
  await app.register(tenantRoutes, { ...deps, prefix: '/api/v1' })
  await app.register(conversationRoutes, { ...deps, prefix: '/api/v1' })
  await app.register(conversationWorkflowRoutes, { ...deps, prefix: '/api/v1' })
  await app.register(agentRoutes, { ...deps, prefix: '/api/v1' })
  await app.register(conversationNoteRoutes, { ...deps, prefix: '/api/v1' })
  await app.register(labelRoutes, { ...deps, prefix: '/api/v1' })
  await app.register(cannedReplyRoutes, { ...deps, prefix: '/api/v1' })
  await app.register(notificationRoutes, { ...deps, prefix: '/api/v1' })
  await app.register(contactRoutes, { ...deps, prefix: '/api/v1' })
  await app.register(messageRoutes, { ...deps, prefix: '/api/v1' })
  await app.register(adminRoutes, { ...deps, prefix: '/api/v1/admin' })
  await app.register(liveRoutes, { ...deps, prefix: '/api/v1' })
  await app.register(templateRoutes, { ...deps, prefix: '/api/v1' })
  // The dashboard answers every GET no other route matches (its pages) with the app.
  await app.register(dashboardRoutes)
  return app
}
