import { createHash, timingSafeEqual } from 'node:crypto'
import type { FastifyPluginAsync } from 'fastify'
import { sql } from 'kysely'
import { WahubError } from '../../../errors.ts'
import type { AppDeps } from '../../app.ts'

const healthBody = {
  type: 'object',
  properties: { status: { type: 'string' }, database: { type: 'string' } },
  required: ['status', 'database'],
} as const

export const healthRoutes: FastifyPluginAsync<AppDeps> = async (app, { handle, metrics, config }) => {
  app.get(
    '/healthz',
    {
      schema: {
        summary: 'Liveness and database reachability',
        tags: ['system'],
        response: {
          200: healthBody,
          503: healthBody,
        },
      },
    },
    async (_req, reply) => {
      try {
        await sql`select 1`.execute(handle.db)
      } catch {
        return reply.code(503).send({ status: 'unavailable', database: handle.caps.name })
      }
      return { status: 'ok', database: handle.caps.name }
    },
  )

  // SPEC §12: /metrics can be closed. Without WAHUB_METRICS_TOKEN it does not exist (404);
  // with it, it answers only `Authorization: Bearer <token>` (compared in constant time).
  const token = config.metricsToken
  if (token === undefined) return
  const expected = createHash('sha256').update(token).digest()
  app.get('/metrics', { schema: { hide: true } }, async (req, reply) => {
    const given = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')?.[1] ?? ''
    if (!timingSafeEqual(createHash('sha256').update(given).digest(), expected)) {
      reply.header('www-authenticate', 'Bearer')
      throw new WahubError('unauthorized', '/metrics needs Authorization: Bearer <WAHUB_METRICS_TOKEN>.')
    }
    reply.header('content-type', metrics.registry.contentType)
    return metrics.registry.metrics()
  })
}
