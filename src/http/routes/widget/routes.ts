import { readFileSync } from 'node:fs'
import path from 'node:path'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import type { MessagingContext } from '../../../messaging/context.ts'
import { getWidgetSettings, rotateWidgetKey, updateWidgetSettings } from '../../../widget/settings.ts'
import { allowedSettings, submitVisitorForm } from '../../../widget/submit.ts'
import { commonErrors, ErrorSchema, Nullable } from '../../presenters/schema-helpers.ts'
import { presentWidgetSettings, WidgetSettingsSchema } from '../../presenters/widget-settings.ts'
import { TenantQuery, tenantOf } from '../../tenant-scope.ts'
import { routes } from '../plugin.ts'

// The website chat widget (seed 002, decision 0068): the script any page may load, the public
// form endpoint with CORS for the key's allowed origins only, and the tenant's settings.

const script = readFileSync(
  path.join(import.meta.dirname, '..', '..', '..', 'widget', 'widget-script.js'),
  'utf8',
)

/** GET /widget.js: a classic script other origins load (so cross-origin resource policy). */
export const widgetScriptRoutes = routes(async (app) => {
  app.get('/widget.js', { schema: { hide: true } }, async (_req, reply) =>
    reply
      .header('content-type', 'text/javascript; charset=utf-8')
      .header('cache-control', 'public, max-age=300')
      .header('cross-origin-resource-policy', 'cross-origin')
      .header('access-control-allow-origin', '*')
      .send(script),
  )
})

const tags = ['widget']
const publicAccess = { access: { public: true } } as const
const read = { access: { scope: 'read', tenant: 'any' } } as const
const write = { access: { scope: 'send', tenant: 'any' } } as const
const KeyQuery = Type.Object({ key: Type.String({ minLength: 1, maxLength: 100, examples: ['pk_x'] }) })

export const widgetRoutes = routes(async (app, deps) => {
  const { db } = deps.handle
  const ctx: MessagingContext = {
    db,
    vault: deps.vault,
    graph: deps.graph,
    config: deps.config,
    log: deps.log.child({ component: 'widget' }),
    nudge: deps.sending?.nudge,
    caps: deps.handle.caps,
  }
  const baseUrl = (req: FastifyRequest) =>
    deps.config.publicUrl?.replace(/\/$/, '') ?? `${req.protocol}://${req.host}`

  /** CORS for an allowed origin only: others get no Access-Control-Allow-Origin, so browsers refuse. */
  async function cors(req: FastifyRequest, key: string, reply: FastifyReply) {
    const origin = req.headers.origin
    const allowed = await allowedSettings(ctx, key, origin)
    reply.header('vary', 'Origin')
    if (allowed && origin)
      reply
        .header('access-control-allow-origin', origin)
        .header('access-control-allow-methods', 'POST')
        .header('access-control-allow-headers', 'content-type')
        .header('access-control-max-age', '600')
    return allowed
  }

  app.options(
    '/widget/messages',
    {
      config: publicAccess,
      schema: { tags, summary: 'CORS preflight of the widget form', querystring: KeyQuery, hide: true },
    },
    async (req, reply) => {
      const allowed = await cors(req, req.query.key, reply)
      return reply.code(allowed ? 204 : 403).send()
    },
  )

  app.post(
    '/widget/messages',
    {
      config: publicAccess,
      schema: {
        tags,
        summary: "A website visitor's form (the widget posts it; CORS for the key's allowed origins only)",
        querystring: KeyQuery,
        body: Type.Object(
          {
            name: Type.String({ minLength: 1, maxLength: 100 }),
            phone: Type.String({ minLength: 4, maxLength: 40, examples: ['+34 612 345 678'] }),
            message: Type.String({ minLength: 1, maxLength: 2000 }),
            website: Type.Optional(Type.String({ maxLength: 200, description: 'Honeypot: leave empty' })),
            captchaToken: Type.Optional(Type.String({ maxLength: 4000 })),
          },
          { additionalProperties: false },
        ),
        response: {
          202: Type.Object({
            accepted: Type.Boolean(),
            mode: Type.Union([Type.Literal('template'), Type.Literal('link')]),
            link: Nullable(Type.String({ description: 'wa.me click-to-chat link (link mode)' })),
          }),
          ...commonErrors,
          429: ErrorSchema,
        },
      },
    },
    async (req, reply) => {
      await cors(req, req.query.key, reply)
      const answer = await submitVisitorForm(ctx, {
        publicKey: req.query.key,
        origin: req.headers.origin,
        address: req.ip,
        form: req.body,
      })
      return reply.code(202).send(answer)
    },
  )

  app.get(
    '/widget/settings',
    {
      config: read,
      schema: {
        tags,
        summary: "The tenant's website widget: key, allowed origins, reply mode, the tag to embed",
        querystring: TenantQuery,
        response: { 200: WidgetSettingsSchema, ...commonErrors },
      },
    },
    async (req) =>
      presentWidgetSettings(await getWidgetSettings(db, tenantOf(req, req.query.tenant_id)), baseUrl(req)),
  )

  app.put(
    '/widget/settings',
    {
      config: write,
      schema: {
        tags,
        summary:
          'Change the website widget: on/off, allowed origins, reply mode and template, CAPTCHA verify URL',
        querystring: TenantQuery,
        body: Type.Object(
          {
            enabled: Type.Optional(Type.Boolean()),
            allowedOrigins: Type.Optional(
              Type.Array(
                Type.String({ minLength: 1, maxLength: 200, examples: ['https://www.example.com'] }),
                {
                  maxItems: 20,
                },
              ),
            ),
            replyMode: Type.Optional(Type.Union([Type.Literal('template'), Type.Literal('link')])),
            template: Type.Optional(
              Nullable(
                Type.Object(
                  {
                    name: Type.String({ minLength: 1, maxLength: 512 }),
                    language: Type.String({ minLength: 2, maxLength: 15 }),
                  },
                  { additionalProperties: false },
                ),
              ),
            ),
            captchaVerifyUrl: Type.Optional(Nullable(Type.String({ maxLength: 2000 }))),
          },
          { additionalProperties: false },
        ),
        response: { 200: WidgetSettingsSchema, ...commonErrors },
      },
    },
    async (req) =>
      presentWidgetSettings(
        await updateWidgetSettings(db, tenantOf(req, req.query.tenant_id), req.body),
        baseUrl(req),
      ),
  )

  app.post(
    '/widget/settings/key',
    {
      config: write,
      schema: {
        tags,
        summary: 'A new publishable key (pages with the old one stop working)',
        querystring: TenantQuery,
        response: { 200: WidgetSettingsSchema, ...commonErrors },
      },
    },
    async (req) =>
      presentWidgetSettings(await rotateWidgetKey(db, tenantOf(req, req.query.tenant_id)), baseUrl(req)),
  )
})
