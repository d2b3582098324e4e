import type { FastifyRequest } from 'fastify'
import type { TSchema } from 'typebox'
import type { Actor, ChannelsContext } from '../../../channels/context.ts'
import type { AppDeps } from '../../app.ts'
import { actorOfRequest } from '../../auth.ts'
import { commonErrors, ForceQuery, IdParams, NoContent } from '../../presenters/schema-helpers.ts'
import { type RouteApp, routes } from '../plugin.ts'

export function channelsOf(deps: AppDeps): ChannelsContext {
  return { db: deps.handle.db, vault: deps.vault, graph: deps.graph, config: deps.config }
}

/** The plugin of an admin resource that works through channels/: its routes get the channels context. */
export function channelRoutes(
  register: (app: RouteApp, ctx: ChannelsContext, deps: AppDeps) => Promise<void> | void,
) {
  return routes((app, deps) => register(app, channelsOf(deps), deps))
}

/** This server's own base URL as the caller reached it (the callback URL when no public URL is set). */
export function localUrlOf(req: FastifyRequest): string {
  return `${req.protocol}://${req.host}`
}

type AdminSchema = {
  summary: string
  description?: string
  params?: TSchema
  querystring?: TSchema
  body?: TSchema
  consumes?: string[]
  response: Record<number, TSchema>
}

/**
 * The options of every route of one admin resource: the admin scope (http/auth.ts), the
 * resource's OpenAPI tag, and the errors any admin route may answer, beside the route's own.
 */
export function adminRoute(tag: string) {
  const options = <const S extends AdminSchema>(schema: S) => ({
    config: { access: { scope: 'admin' } } as const,
    schema: { ...schema, tags: [tag], response: { ...schema.response, ...commonErrors } },
  })
  /** The options of a route on one item (`/…/:id`) that answers it as `answer`. */
  const byId = <const A extends TSchema>(summary: string, answer: A) =>
    options({ summary, params: IdParams, response: { 200: answer } })
  return Object.assign(options, { byId })
}

/**
 * `DELETE <path>/:id` with `?force=`: the resource's remove function, answered 204. Without
 * `force`, removing what conversations hang on is refused (409 conflict, with the count).
 */
export function removeRoute(
  app: RouteApp,
  admin: ReturnType<typeof adminRoute>,
  path: string,
  summary: string,
  remove: (id: string, actor: Actor, options: { force?: boolean }) => Promise<void>,
): void {
  app.delete(
    path,
    admin({ summary, params: IdParams, querystring: ForceQuery, response: { 204: NoContent } }),
    async (req, reply) => {
      await remove(req.params.id, actorOfRequest(req), { force: req.query.force })
      return reply.code(204).send(null)
    },
  )
}
