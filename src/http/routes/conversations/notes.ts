import { Type } from 'typebox'
import { WahubError } from '../../../errors.ts'
import { getConversation } from '../../../inbox/conversations-query.ts'
import { setConversationLabels } from '../../../inbox/labels-repo.ts'
import { addNote, maxNoteLength } from '../../../inbox/notes.ts'
import { readScopeOf } from '../../auth.ts'
import { ActivitySchema, presentActivity } from '../../presenters/activity.ts'
import { ConversationSchema } from '../../presenters/conversation.ts'
import { commonErrors, IdParams } from '../../presenters/schema-helpers.ts'
import { routes } from '../plugin.ts'
import { workflowActorOf } from './workflow.ts'

// Private notes (with @mentions) and labels on a conversation (SPEC §13).

const write = { access: { scope: 'send', tenant: 'any' } } as const
const tags = ['inbox']

export const conversationNoteRoutes = routes(async (app, { handle: { db } }) => {
  app.post(
    '/conversations/:id/notes',
    {
      config: write,
      schema: {
        tags,
        summary: 'Add a private note to the thread (never sent to WhatsApp); @mentions notify teammates',
        params: IdParams,
        body: Type.Object(
          {
            body: Type.String({
              minLength: 1,
              maxLength: maxNoteLength,
              description: 'The text; `@ana` or `@ana@acme.example` mentions an agent of the tenant',
            }),
            mentions: Type.Optional(
              Type.Array(Type.String({ maxLength: 100 }), {
                maxItems: 50,
                description: 'User ids to mention besides those written as @name',
              }),
            ),
          },
          { additionalProperties: false },
        ),
        response: { 201: ActivitySchema, ...commonErrors },
      },
    },
    async (req, reply) => {
      const note = await addNote(
        db,
        readScopeOf(req, undefined),
        req.params.id,
        req.body,
        workflowActorOf(req),
      )
      reply.code(201)
      return presentActivity(note)
    },
  )

  app.put(
    '/conversations/:id/labels',
    {
      config: write,
      schema: {
        tags,
        summary: "Set a conversation's labels (the tenant's label ids or names; [] removes them all)",
        params: IdParams,
        body: Type.Object(
          { labels: Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { maxItems: 50 }) },
          { additionalProperties: false },
        ),
        response: { 200: ConversationSchema, ...commonErrors },
      },
    },
    async (req) => {
      const scope = readScopeOf(req, undefined)
      await setConversationLabels(db, scope, req.params.id, req.body.labels, workflowActorOf(req))
      const conversation = await getConversation(db, scope, req.params.id)
      if (!conversation) throw new WahubError('not_found', `No conversation ${req.params.id}.`)
      return conversation
    },
  )
})
