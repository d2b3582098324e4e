import type { FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import { WahubError } from '../../../errors.ts'
import { listConversations, markConversationRead, unreadCounts } from '../../../inbox/conversations-query.ts'
import { getMedia, mediaForMessages } from '../../../inbox/media-repo.ts'
import { listThread } from '../../../inbox/messages-repo.ts'
import { reactionsFor } from '../../../inbox/reactions-repo.ts'
import { principalOf, readScopeOf } from '../../auth.ts'
import { mediaHeaders, sniffBytes, sniffLength } from '../../media-headers.ts'
import {
  ConversationSchema,
  ConversationStatusSchema,
  presentConversation,
} from '../../presenters/conversation.ts'
import { MessageSchema, presentMessage } from '../../presenters/message.ts'
import { authErrors, ErrorSchema, IdParams, Nullable } from '../../presenters/schema-helpers.ts'
import { routes } from '../plugin.ts'
import { conversationFor, PageQuery, pageOf } from './thread-scope.ts'

// The inbox read API (SPEC §5, issue 5): conversations with their window, threads with media,
// reactions and statuses, media files. A tenant's key or agent sees its own tenant only; an
// operator (no tenant) may read every tenant, optionally filtered by `tenant_id`.

const read = { access: { scope: 'read', tenant: 'any' } } as const
const tags = ['inbox']

/** `?assignee=`: me → the signed-in user, unassigned → null, else a user id. */
function assigneeFilter(req: FastifyRequest, assignee: string | undefined): string | null | undefined {
  if (assignee === undefined || assignee === '') return undefined
  if (assignee === 'unassigned') return null
  if (assignee !== 'me') return assignee
  const principal = principalOf(req)
  if (principal.kind !== 'user') {
    throw new WahubError(
      'validation_failed',
      'assignee: `me` needs a signed-in agent; an API key passes a user id.',
      [{ field: 'assignee', problem: 'me without a user' }],
    )
  }
  return principal.id
}

export const conversationRoutes = routes(async (app, deps) => {
  const { db } = deps.handle

  app.get(
    '/conversations',
    {
      config: read,
      schema: {
        tags,
        summary: 'Conversations, most recent activity first',
        querystring: Type.Object({
          status: Type.Optional(ConversationStatusSchema),
          assignee: Type.Optional(
            Type.String({
              maxLength: 100,
              description: "`me` (a signed-in agent's own), `unassigned`, or an agent's user id",
            }),
          ),
          unread: Type.Optional(Type.Boolean()),
          window: Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('closed')])),
          q: Type.Optional(
            Type.String({
              maxLength: 100,
              description:
                "Full-text search of message text (captions, sent templates as rendered) and the contact's name and number: every word must match, each as the start of a word (a number also by any part). Each conversation found carries `match`.",
            }),
          ),
          label: Type.Optional(Type.String({ maxLength: 100, description: "A label's id or name" })),
          number_id: Type.Optional(Type.String()),
          tenant_id: Type.Optional(Type.String({ description: 'Operators only: one tenant' })),
          cursor: Type.Optional(Type.String({ maxLength: 120 })),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
        }),
        response: {
          200: Type.Object({
            conversations: Type.Array(ConversationSchema),
            nextCursor: Nullable(Type.String()),
            searchCapped: Type.Optional(
              Type.Boolean({
                description:
                  'With `q`: the words matched more than 500 messages and the list holds the conversations of the newest 500 (add a word to narrow it)',
              }),
            ),
          }),
          400: ErrorSchema,
          ...authErrors,
        },
      },
    },
    async (req) => {
      const q = req.query
      const page = await listConversations(db, {
        tenantId: readScopeOf(req, q.tenant_id),
        status: q.status,
        assigneeUserId: assigneeFilter(req, q.assignee),
        label: q.label,
        unread: q.unread,
        windowOpen: q.window === undefined ? undefined : q.window === 'open',
        search: q.q,
        phoneNumberRowId: q.number_id,
        cursor: q.cursor,
        limit: q.limit ?? 50,
      })
      return {
        conversations: page.conversations.map(presentConversation),
        nextCursor: page.nextCursor,
        ...(page.searchCapped === undefined ? {} : { searchCapped: page.searchCapped }),
      }
    },
  )

  app.get(
    '/conversations/unread',
    {
      config: read,
      schema: {
        tags,
        summary: 'How many conversations have unread messages: all, assigned to me, unassigned',
        querystring: Type.Object({
          tenant_id: Type.Optional(Type.String({ description: 'Operators only: one tenant' })),
        }),
        response: {
          200: Type.Object({
            all: Type.Integer(),
            mine: Type.Integer({ description: 'Assigned to the signed-in agent (0 for an API key)' }),
            unassigned: Type.Integer(),
          }),
          ...authErrors,
        },
      },
    },
    async (req) => {
      const principal = principalOf(req)
      return unreadCounts(
        db,
        readScopeOf(req, req.query.tenant_id),
        principal.kind === 'user' ? principal.id : null,
      )
    },
  )

  app.get(
    '/conversations/:id',
    {
      config: read,
      schema: {
        tags,
        summary: 'One conversation',
        params: IdParams,
        response: { 200: ConversationSchema, 404: ErrorSchema, ...authErrors },
      },
    },
    async (req) => presentConversation(await conversationFor(db, req, req.params.id)),
  )

  app.get(
    '/conversations/:id/messages',
    {
      config: read,
      schema: {
        tags,
        summary: 'A conversation thread, newest first; pass nextCursor as `before` for older messages',
        params: IdParams,
        querystring: PageQuery,
        response: {
          200: Type.Object({ messages: Type.Array(MessageSchema), nextCursor: Nullable(Type.String()) }),
          404: ErrorSchema,
          ...authErrors,
        },
      },
    },
    async (req) => {
      const conversation = await conversationFor(db, req, req.params.id)
      const { page, nextCursor } = await pageOf(req.query, (options) =>
        listThread(db, conversation.tenantId, conversation.id, options),
      )
      const ids = page.map((m) => m.id)
      const [reactions, media] = await Promise.all([reactionsFor(db, ids), mediaForMessages(db, ids)])
      return {
        messages: page.map((m) =>
          presentMessage(m, { reactions: reactions.get(m.id), media: media.get(m.id) }),
        ),
        nextCursor,
      }
    },
  )

  app.post(
    '/conversations/:id/read',
    {
      config: read,
      schema: {
        tags,
        summary: 'Mark a conversation as read (its unread count goes to 0)',
        params: IdParams,
        response: { 200: ConversationSchema, 404: ErrorSchema, ...authErrors },
      },
    },
    async (req) => {
      const conversation = await conversationFor(db, req, req.params.id)
      await markConversationRead(db, conversation.tenantId, conversation.id)
      return presentConversation({ ...conversation, unreadCount: 0 })
    },
  )

  app.get(
    '/media/:id',
    {
      config: read,
      schema: {
        tags,
        summary: 'A media file of a message, once downloaded (state ready)',
        params: IdParams,
        response: {
          200: Type.Unsafe<unknown>({
            type: 'string',
            format: 'binary',
            description: 'The file, with its MIME type',
          }),
          404: ErrorSchema,
          409: ErrorSchema,
          ...authErrors,
        },
      },
    },
    async (req, reply) => {
      const scope = readScopeOf(req, undefined)
      const media = await getMedia(db, req.params.id)
      if (!media || (scope !== null && media.tenant_id !== scope)) {
        throw new WahubError('not_found', `No media ${req.params.id}.`)
      }
      if (media.state !== 'ready' || !media.storage_path) {
        throw new WahubError(
          'conflict',
          `Media ${media.id} is ${media.state}${media.error ? `: ${media.error}` : ''}.`,
        )
      }
      const stored = await deps.mediaStore.get(media.storage_path)
      if (!stored) {
        throw new WahubError(
          'conflict',
          `Media ${media.id} is recorded as downloaded but is missing from the media store (${deps.mediaStore.location}); check WAHUB_MEDIA_URL is the same on every instance.`,
        )
      }
      reply.headers(
        mediaHeaders({
          declaredMime: media.mime_type,
          sniffedMime: await sniffBytes(await deps.mediaStore.head(media.storage_path, sniffLength)),
          filename: media.filename,
        }),
      )
      reply.header('content-length', String(stored.size))
      reply.header('cache-control', 'private, max-age=86400')
      return reply.send(stored.body)
    },
  )
})
