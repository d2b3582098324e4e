import { createHash, timingSafeEqual } from 'node:crypto'
import type { FastifyPluginAsync } from 'fastify'
import { sql } from 'kysely'
import { pendingMigrations } from '../../../db/migrate.ts'
import { WahubError } from '../../../errors.ts'
import type { AppDeps } from '../../app.ts'

const healthBody = {
  type: 'object',
  properties: { status: { type: 'string' }, database: { type: 'string' } },
  required: ['status', 'database'],
} as const

const readyBody = {
  type: 'object',
  properties: {
    status: { type: 'string', enum: ['ready', 'not_ready'] },
    database: { type: 'string' },
    reason: {
      type: 'string',
      description: 'Why not ready: draining, database_unreachable, migrations_pending',
    },
    message: { type: 'string' },
    pendingMigrations: { type: 'array', items: { type: 'string' } },
  },
  required: ['status', 'database'],
} as const

export const healthRoutes: FastifyPluginAsync<AppDeps & { closing(): boolean }> = async (
  app,
  { handle, metrics, config, closing },
) => {
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

  // SPEC §18: /healthz says the process is alive; /readyz whether a proxy should send it traffic.
  // Not ready while shutting down (SIGTERM: in-flight work drains), when the database does not
  // answer, or when the database lacks migrations this code needs (an instance of a newer version
  // started before `wahub migrate` ran).
  app.get(
    '/readyz',
    {
      schema: {
        summary: 'Readiness: not draining, database reachable, migrations current',
        tags: ['system'],
        response: { 200: readyBody, 503: readyBody },
      },
    },
    async (_req, reply) => {
      const database = handle.caps.name
      const notReady = (reason: string, message: string, extra: object = {}) =>
        reply.code(503).send({ status: 'not_ready', database, reason, message, ...extra })
      if (closing()) return notReady('draining', 'This instance is shutting down; send traffic to another.')
      let pending: string[]
      try {
        pending = await pendingMigrations(handle)
      } catch {
        return notReady(
          'database_unreachable',
          `The ${database} database does not answer; check DATABASE_URL and the server.`,
        )
      }
      if (pending.length > 0) {
        return notReady(
          'migrations_pending',
          `The database lacks ${pending.length} migration(s) this version needs; run \`wahub migrate\`.`,
          { pendingMigrations: pending },
        )
      }
      return { status: 'ready', database }
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
