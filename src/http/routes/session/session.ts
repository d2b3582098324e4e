import type { FastifyReply } from 'fastify'
import { Type } from 'typebox'
import { login } from '../../../accounts/login.ts'
import { csrfTokenFor, deleteSession, sessionCookieName, sessionMaxMs } from '../../../accounts/sessions.ts'
import { changePassword } from '../../../accounts/users.ts'
import { WahubError } from '../../../errors.ts'
import { principalOf, sessionTokenOf } from '../../auth.ts'
import { authErrors, ErrorSchema, NoContent } from '../../presenters/schema-helpers.ts'
import { presentUser, UserSchema } from '../../presenters/user.ts'
import { routes } from '../plugin.ts'

// Dashboard sign-in: POST /auth/login sets the `wahub_session` cookie (HttpOnly, SameSite=Lax,
// Secure behind an https WAHUB_PUBLIC_URL) and answers the CSRF token the dashboard sends as
// `x-csrf-token` on every state-changing request.

const tags = ['auth']
const session = { access: { session: true } } as const

const SessionAnswer = Type.Object({
  user: UserSchema,
  csrfToken: Type.String({ description: 'Send as the x-csrf-token header on POST/PUT/PATCH/DELETE' }),
})

export const sessionRoutes = routes(async (app, deps) => {
  const { db } = deps.handle
  const secure = deps.config.publicUrl?.startsWith('https://') ? '; Secure' : ''

  function setCookie(reply: FastifyReply, token: string, maxAgeSeconds: number) {
    reply.header(
      'set-cookie',
      `${sessionCookieName}=${token}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAgeSeconds}${secure}`,
    )
  }

  app.post(
    '/login',
    {
      config: { access: { public: true } },
      schema: {
        tags,
        summary: 'Sign in with email and password',
        description:
          'Failed attempts are limited per account and per address, across all instances; past the limit the answer is 429 with Retry-After.',
        body: Type.Object(
          {
            email: Type.String({ minLength: 3, maxLength: 254, examples: ['admin@example.com'] }),
            password: Type.String({ minLength: 1, maxLength: 200, examples: ['correct horse battery'] }),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({ ...SessionAnswer.properties, expiresAt: Type.Integer() }),
          401: ErrorSchema,
          429: ErrorSchema,
        },
      },
    },
    async (req, reply) => {
      try {
        const r = await login(db, { email: req.body.email, password: req.body.password, ip: req.ip })
        setCookie(reply, r.session.token, Math.floor(sessionMaxMs / 1000))
        req.log.info({ userId: r.user.id }, 'user signed in')
        return { user: presentUser(r.user), csrfToken: r.session.csrfToken, expiresAt: r.session.expiresAt }
      } catch (err) {
        if (err instanceof WahubError && err.code === 'rate_limited') {
          const details = err.details as { retryAfterSeconds: number }
          reply.header('retry-after', String(details.retryAfterSeconds))
          req.log.warn({ ip: req.ip }, 'login throttled')
        }
        throw err
      }
    },
  )

  app.post(
    '/logout',
    {
      config: session,
      schema: { tags, summary: 'End this session', response: { 204: NoContent, ...authErrors } },
    },
    async (req, reply) => {
      const p = principalOf(req)
      if (p.session) await deleteSession(db, p.session.id)
      setCookie(reply, '', 0)
      return reply.code(204).send(null)
    },
  )

  app.get(
    '/me',
    {
      config: session,
      schema: {
        tags,
        summary: 'The signed-in user and the CSRF token of this session',
        response: { 200: SessionAnswer, ...authErrors },
      },
    },
    async (req) => {
      const p = principalOf(req)
      if (!p.session) throw new WahubError('forbidden', 'This route is for signed-in dashboard users.')
      return { user: presentUser(p.session.user), csrfToken: csrfTokenFor(sessionTokenOf(req) as string) }
    },
  )

  app.post(
    '/password',
    {
      config: session,
      schema: {
        tags,
        summary: 'Change the password (ends every other session of the user)',
        body: Type.Object(
          {
            currentPassword: Type.String({ minLength: 1, maxLength: 200 }),
            newPassword: Type.String({ minLength: 10, maxLength: 200 }),
          },
          { additionalProperties: false },
        ),
        response: { 204: NoContent, 400: ErrorSchema, ...authErrors },
      },
    },
    async (req, reply) => {
      const p = principalOf(req)
      await changePassword(db, p.id, req.body.currentPassword, req.body.newPassword, p.session?.id)
      return reply.code(204).send(null)
    },
  )
})
