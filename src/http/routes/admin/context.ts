import type { FastifyRequest } from 'fastify'
import type { TSchema } from 'typebox'
import type { ChannelsContext } from '../../../channels/context.ts'
import type { AppDeps } from '../../app.ts'
import { commonErrors } from '../../presenters/schema-helpers.ts'

export function channelsOf(deps: AppDeps): ChannelsContext {
  return { db: deps.handle.db, vault: deps.vault, graph: deps.graph, config: deps.config }
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
  return <const S extends AdminSchema>(schema: S) => ({
    config: { access: { scope: 'admin' } } as const,
    schema: { ...schema, tags: [tag], response: { ...schema.response, ...commonErrors } },
  })
}
