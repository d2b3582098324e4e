import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type {
  FastifyBaseLogger,
  FastifyInstance,
  FastifyPluginAsync,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from 'fastify'
import type { AppDeps } from '../app.ts'

/** Fastify with TypeBox schemas typing each route's params, query, body and answers. */
export type RouteApp = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>

/** The plugin of one API resource: its routes, registered on the typed app with the app's deps. */
export function routes(
  register: (app: RouteApp, deps: AppDeps) => Promise<void> | void,
): FastifyPluginAsync<AppDeps> {
  return async (base, deps) => register(base.withTypeProvider<TypeBoxTypeProvider>(), deps)
}
