import type { FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import { actorOf } from '../../../accounts/principal.ts'
import { WahubError } from '../../../errors.ts'
import { listActivity } from '../../../inbox/activity-repo.ts'
import {
  assignConversation,
  setConversationStatus,
  type WorkflowActor,
} from '../../../inbox/conversation-workflow.ts'
import { principalOf, readScopeOf } from '../../auth.ts'
import { ActivitySchema, presentActivity } from '../../presenters/activity.ts'
import { ConversationSchema, ConversationStatusSchema } from '../../presenters/conversation.ts'
import { commonErrors, IdParams, Nullable } from '../../presenters/schema-helpers.ts'
import { routes } from '../plugin.ts'
import { conversationFor, PageQuery, pageOf } from './thread-scope.ts'

// The team inbox's workflow routes (SPEC §13): status, assignment and the thread's activity.
// Tenant keys and agents act on their own tenant's conversations; operators on any.

const write = { access: { scope: 'send', tenant: 'any' } } as const
const read = { access: { scope: 'read', tenant: 'any' } } as const
const tags = ['inbox']

export function workflowActorOf(req: FastifyRequest): WorkflowActor {
  const principal = principalOf(req)
  return { actor: actorOf(principal), userId: principal.kind === 'user' ? principal.id : null }
}

export const conversationWorkflowRoutes = routes(async (app, { handle: { db } }) => {
  app.post(
    '/conversations/:id/status',
    {
      config: write,
      schema: {
        tags,
        summary: 'Set a conversation open, pending (waiting on the customer) or resolved',
        params: IdParams,
        body: Type.Object({ status: ConversationStatusSchema }, { additionalProperties: false }),
        response: { 200: ConversationSchema, ...commonErrors },
      },
    },
    async (req) => {
      await setConversationStatus(
        db,
        readScopeOf(req, undefined),
        req.params.id,
        req.body.status,
        workflowActorOf(req),
      )
      return conversationFor(db, req, req.params.id)
    },
  )

  app.post(
    '/conversations/:id/assignee',
    {
      config: write,
      schema: {
        tags,
        summary: 'Assign a conversation to an agent of its tenant, to the caller (`me`), or to nobody (null)',
        params: IdParams,
        body: Type.Object(
          {
            assignee: Nullable(
              Type.String({
                minLength: 1,
                maxLength: 100,
                description: "An agent's user id (GET /api/v1/agents), or `me` for the signed-in agent",
              }),
            ),
          },
          { additionalProperties: false },
        ),
        response: { 200: ConversationSchema, ...commonErrors },
      },
    },
    async (req) => {
      const by = workflowActorOf(req)
      let assignee = req.body.assignee
      if (assignee === 'me') {
        if (by.userId === null) {
          throw new WahubError(
            'validation_failed',
            "assignee: `me` needs a signed-in agent; an API key names the agent's user id.",
            [{ field: 'assignee', problem: 'me without a user' }],
          )
        }
        assignee = by.userId
      }
      await assignConversation(db, readScopeOf(req, undefined), req.params.id, assignee, by)
      return conversationFor(db, req, req.params.id)
    },
  )

  app.get(
    '/conversations/:id/activity',
    {
      config: read,
      schema: {
        tags,
        summary: "A conversation's activity lines and private notes, newest first",
        params: IdParams,
        querystring: PageQuery,
        response: {
          200: Type.Object({ activity: Type.Array(ActivitySchema), nextCursor: Nullable(Type.String()) }),
          ...commonErrors,
        },
      },
    },
    async (req) => {
      const conversation = await conversationFor(db, req, req.params.id)
      const { page, nextCursor } = await pageOf(req.query, (options) =>
        listActivity(db, conversation.tenantId, conversation.id, options),
      )
      return { activity: page.map(presentActivity), nextCursor }
    },
  )
})
