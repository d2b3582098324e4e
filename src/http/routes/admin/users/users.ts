import { Type } from 'typebox'
import { createUser, listUsers, removeUser, setUserDisabled } from '../../../../accounts/users.ts'
import { actorOfRequest } from '../../../auth.ts'
import { IdParams, NoContent } from '../../../presenters/schema-helpers.ts'
import { presentUser, UserSchema } from '../../../presenters/user.ts'
import { routes } from '../../plugin.ts'
import { adminRoute } from '../context.ts'

const admin = adminRoute('admin: users')

export const adminUserRoutes = routes(async (app, deps) => {
  const { db } = deps.handle

  app.get(
    '/users',
    admin({
      summary: 'List dashboard users',
      querystring: Type.Object({ tenantId: Type.Optional(Type.String()) }),
      response: { 200: Type.Object({ users: Type.Array(UserSchema) }) },
    }),
    async (req) => ({ users: (await listUsers(db, req.query)).map(presentUser) }),
  )

  app.post(
    '/users',
    admin({
      summary: 'Create a user: an admin, or an agent of one tenant',
      description:
        'Without a password a one-time password is generated, returned once, and must be changed at first login.',
      body: Type.Object(
        {
          email: Type.String({ minLength: 3, maxLength: 254, examples: ['agent@example.com'] }),
          role: Type.Union([Type.Literal('admin'), Type.Literal('agent')]),
          tenantId: Type.Optional(Type.String({ minLength: 1, description: 'Tenant id or name (agents)' })),
          password: Type.Optional(Type.String({ minLength: 10, maxLength: 200 })),
        },
        { additionalProperties: false },
      ),
      response: {
        201: Type.Object({
          user: UserSchema,
          password: Type.Optional(
            Type.String({ description: 'The generated one-time password, shown once' }),
          ),
        }),
      },
    }),
    async (req, reply) => {
      const { tenantId, ...rest } = req.body
      const r = await createUser(db, { ...rest, tenant: tenantId }, actorOfRequest(req))
      return reply
        .code(201)
        .send(
          r.password ? { user: presentUser(r.user), password: r.password } : { user: presentUser(r.user) },
        )
    },
  )

  app.patch(
    '/users/:id',
    admin({
      summary: 'Disable or enable a user (disabling ends their sessions)',
      params: IdParams,
      body: Type.Object({ disabled: Type.Boolean() }, { additionalProperties: false }),
      response: { 200: UserSchema },
    }),
    async (req) =>
      presentUser(
        await setUserDisabled(db, deps.handle.caps, req.params.id, req.body.disabled, actorOfRequest(req)),
      ),
  )

  app.delete(
    '/users/:id',
    admin({
      summary: 'Remove a user',
      params: IdParams,
      response: { 204: NoContent },
    }),
    async (req, reply) => {
      await removeUser(db, deps.handle.caps, req.params.id, actorOfRequest(req))
      return reply.code(204).send(null)
    },
  )
})
