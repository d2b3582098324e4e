import { Type } from 'typebox'
import { actorOf } from '../../../accounts/principal.ts'
import { WahubError } from '../../../errors.ts'
import {
  createCannedReply,
  listCannedReplies,
  removeCannedReply,
  renderCanned,
  updateCannedReply,
} from '../../../inbox/canned-replies.ts'
import { getConversation } from '../../../inbox/conversations-query.ts'
import { principalOf } from '../../auth.ts'
import { CannedReplySchema, presentCannedReply } from '../../presenters/canned-reply.ts'
import { commonErrors, IdParams, NoContent } from '../../presenters/schema-helpers.ts'
import { TenantQuery, tenantOf } from '../../tenant-scope.ts'
import { routes } from '../plugin.ts'

// A tenant's canned replies (`/shortcut` in the composer), managed by its agents and keys (and
// operators, naming the tenant).

const tags = ['inbox']
const read = { access: { scope: 'read', tenant: 'any' } } as const
const write = { access: { scope: 'send', tenant: 'any' } } as const
const Shortcut = Type.String({ minLength: 1, maxLength: 33, examples: ['hours'] })
const Body = Type.String({
  minLength: 1,
  maxLength: 4096,
  examples: ['Hi {{contact.first_name}}, we open at 9.'],
})

export const cannedReplyRoutes = routes(async (app, { handle: { db } }) => {
  app.get(
    '/canned-replies',
    {
      config: read,
      schema: {
        tags,
        summary: "The tenant's canned replies; with conversation_id, rendered for that conversation",
        querystring: Type.Object({
          ...TenantQuery.properties,
          q: Type.Optional(Type.String({ maxLength: 33, description: 'Shortcuts starting with this' })),
          conversation_id: Type.Optional(Type.String({ maxLength: 100 })),
        }),
        response: { 200: Type.Object({ cannedReplies: Type.Array(CannedReplySchema) }), ...commonErrors },
      },
    },
    async (req) => {
      const tenantId = tenantOf(req, req.query.tenant_id)
      const replies = await listCannedReplies(db, tenantId, req.query.q?.replace(/^\//, ''))
      if (!req.query.conversation_id) return { cannedReplies: replies.map((r) => presentCannedReply(r)) }
      const conversation = await getConversation(db, tenantId, req.query.conversation_id)
      if (!conversation) throw new WahubError('not_found', `No conversation ${req.query.conversation_id}.`)
      const ctx = {
        contactName: conversation.contact.name,
        contactNumber: conversation.contact.waId,
        businessNumber: conversation.displayPhoneNumber,
      }
      return { cannedReplies: replies.map((r) => presentCannedReply(r, renderCanned(r.body, ctx))) }
    },
  )

  app.post(
    '/canned-replies',
    {
      config: write,
      schema: {
        tags,
        summary: 'Create a canned reply',
        querystring: TenantQuery,
        body: Type.Object({ shortcut: Shortcut, body: Body }, { additionalProperties: false }),
        response: { 201: CannedReplySchema, ...commonErrors },
      },
    },
    async (req, reply) => {
      const created = await createCannedReply(
        db,
        tenantOf(req, req.query.tenant_id),
        req.body,
        actorOf(principalOf(req)),
      )
      reply.code(201)
      return presentCannedReply(created)
    },
  )

  app.patch(
    '/canned-replies/:id',
    {
      config: write,
      schema: {
        tags,
        summary: 'Change a canned reply (by id or shortcut)',
        params: IdParams,
        querystring: TenantQuery,
        body: Type.Object(
          { shortcut: Type.Optional(Shortcut), body: Type.Optional(Body) },
          { additionalProperties: false },
        ),
        response: { 200: CannedReplySchema, ...commonErrors },
      },
    },
    async (req) =>
      presentCannedReply(
        await updateCannedReply(db, tenantOf(req, req.query.tenant_id), req.params.id, req.body),
      ),
  )

  app.delete(
    '/canned-replies/:id',
    {
      config: write,
      schema: {
        tags,
        summary: 'Remove a canned reply (by id or shortcut)',
        params: IdParams,
        querystring: TenantQuery,
        response: { 204: NoContent, ...commonErrors },
      },
    },
    async (req, reply) => {
      await removeCannedReply(db, tenantOf(req, req.query.tenant_id), req.params.id)
      return reply.code(204).send(null)
    },
  )
})
