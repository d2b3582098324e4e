import type { FastifyRequest } from 'fastify'
import { authenticate, type Permission, rawToken, requirePermission, requireWabaAccess } from './auth.ts'
import type { EmulatorContext } from './context.ts'
import { unknownObject } from './graph-errors.ts'
import { requestInfo } from './request-info.ts'
import type { Media, PhoneNumber, Template, Token, Waba } from './types.ts'

/** Authenticates the request and checks the permission; the token is kept for the ledger. */
export function authorize(ctx: EmulatorContext, req: FastifyRequest, permission: Permission): Token {
  const token = authenticate(ctx, rawToken(req))
  requestInfo(req).token = token
  requirePermission(token, permission)
  return token
}

export function numberFor(
  ctx: EmulatorContext,
  req: FastifyRequest,
  id: string,
  permission: Permission,
): PhoneNumber {
  const token = authorize(ctx, req, permission)
  const number = ctx.state.numbers.get(id)
  if (!number) throw unknownObject(req.method, id)
  requireWabaAccess(token, number.wabaId, req.method, id)
  return number
}

export function wabaFor(ctx: EmulatorContext, req: FastifyRequest, id: string, permission: Permission): Waba {
  const token = authorize(ctx, req, permission)
  const waba = ctx.state.wabas.get(id)
  if (!waba) throw unknownObject(req.method, id)
  requireWabaAccess(token, waba.id, req.method, id)
  return waba
}

export function mediaFor(ctx: EmulatorContext, req: FastifyRequest, id: string): Media {
  const token = authorize(ctx, req, 'messaging')
  const media = ctx.state.media.get(id)
  const number = media ? ctx.state.numbers.get(media.phoneNumberId) : undefined
  if (!media || media.deleted || !number) throw unknownObject(req.method, id)
  requireWabaAccess(token, number.wabaId, req.method, id)
  return media
}

export function templateFor(ctx: EmulatorContext, req: FastifyRequest, id: string): Template {
  const token = authorize(ctx, req, 'management')
  const template = ctx.state.templates.get(id)
  if (!template || template.status === 'DELETED') throw unknownObject(req.method, id)
  requireWabaAccess(token, template.wabaId, req.method, id)
  return template
}

/** What a bare id names, for GET/POST/DELETE /{id}. */
export function kindOfId(
  ctx: EmulatorContext,
  id: string,
): 'number' | 'waba' | 'media' | 'template' | 'app' | undefined {
  if (id === ctx.state.app.id) return 'app'
  if (ctx.state.numbers.has(id)) return 'number'
  if (ctx.state.wabas.has(id)) return 'waba'
  if (ctx.state.media.has(id)) return 'media'
  if (ctx.state.templates.has(id)) return 'template'
  return undefined
}
