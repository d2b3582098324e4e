import type { FastifyRequest } from 'fastify'
import type { ChannelsContext } from '../../../channels/context.ts'
import type { AppDeps } from '../../app.ts'

export function channelsOf(deps: AppDeps): ChannelsContext {
  return { db: deps.handle.db, vault: deps.vault, graph: deps.graph, config: deps.config }
}

/** This server's own base URL as the caller reached it (the callback URL when no public URL is set). */
export function localUrlOf(req: FastifyRequest): string {
  return `${req.protocol}://${req.host}`
}
