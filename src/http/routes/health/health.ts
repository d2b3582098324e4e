import type { FastifyPluginAsync } from 'fastify'
import { sql } from 'kysely'
import type { AppDeps } from '../../app.ts'

const healthBody = {
  type: 'object',
  properties: { status: { type: 'string' }, database: { type: 'string' } },
  required: ['status', 'database'],
} as const

export const healthRoutes: FastifyPluginAsync<AppDeps> = async (app, { handle, metrics }) => {
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

  app.get('/metrics', { schema: { hide: true } }, async (_req, reply) => {
    reply.header('content-type', metrics.registry.contentType)
    return metrics.registry.metrics()
  })
}
