import { listAgents } from '../accounts/agents.ts'
import type { Db } from '../db/connect.ts'
import { WahubError } from '../errors.ts'
import { recordEvent } from '../events/events-repo.ts'
import { newId } from '../ids.ts'
import { type Activity, recordActivity } from './activity-repo.ts'
import type { WorkflowActor } from './conversation-workflow.ts'

// Private notes in a conversation's thread (SPEC §13): never sent to WhatsApp. A note mentions
// teammates by `@` + their email (`@ana@acme.example`) or its part before the @ (`@ana`), or by
// explicit user ids; each mentioned agent (not the author) gets a notification. Note,
// notifications and the `conversation.note` event commit together.

export const maxNoteLength = 4096

/** The agents a note's text mentions: `@ana` or `@ana@acme.example`, case-insensitive. */
export function mentionedAgents(body: string, agents: { id: string; email: string }[]): string[] {
  const found = new Set<string>()
  for (const m of body.matchAll(/(^|[^\w.@])@([\w.+-]+(?:@[\w-]+(?:\.[\w-]+)+)?)/g)) {
    const handle = m[2].toLowerCase().replace(/\.+$/, '')
    const agent = agents.find((a) => a.email === handle || a.email.split('@')[0] === handle)
    if (agent) found.add(agent.id)
  }
  return [...found]
}

export async function addNote(
  db: Db,
  scope: string | null,
  conversationId: string,
  input: { body: string; mentions?: string[] },
  by: WorkflowActor,
): Promise<Activity> {
  const body = input.body.trim()
  if (body.length === 0 || body.length > maxNoteLength) {
    throw new WahubError('validation_failed', `body: a note is 1 to ${maxNoteLength} characters.`, [
      { field: 'body', problem: 'length' },
    ])
  }
  return db.transaction().execute(async (trx) => {
    let query = trx.selectFrom('conversations').select(['id', 'tenant_id']).where('id', '=', conversationId)
    if (scope) query = query.where('tenant_id', '=', scope)
    const conversation = await query.executeTakeFirst()
    if (!conversation) throw new WahubError('not_found', `No conversation ${conversationId}.`)
    const agents = await listAgents(trx, conversation.tenant_id)
    for (const id of input.mentions ?? []) {
      if (!agents.some((a) => a.id === id)) {
        throw new WahubError(
          'validation_failed',
          `mentions: ${id} is not an enabled agent of this conversation's tenant (GET /api/v1/agents).`,
          [{ field: 'mentions', problem: 'not an agent of this tenant' }],
        )
      }
    }
    const mentions = [...new Set([...(input.mentions ?? []), ...mentionedAgents(body, agents)])]
    const now = Date.now()
    const note = await recordActivity(trx, {
      tenantId: conversation.tenant_id,
      conversationId: conversation.id,
      kind: 'note',
      actor: by.actor,
      actorUserId: by.userId,
      body,
      data: { mentions },
      at: now,
    })
    const notified = mentions.filter((id) => id !== by.userId)
    if (notified.length) {
      await trx
        .insertInto('notifications')
        .values(
          notified.map((user_id) => ({
            id: newId('ntf', now),
            tenant_id: conversation.tenant_id,
            user_id,
            kind: 'mention' as const,
            conversation_id: conversation.id,
            activity_id: note.id,
            read_at: null,
            created_at: now,
          })),
        )
        .execute()
    }
    await recordEvent(trx, {
      tenantId: conversation.tenant_id,
      kind: 'conversation.note',
      subjectId: conversation.id,
      payload: { conversationId: conversation.id, activityId: note.id, mentions, by: by.actor },
    })
    return note
  })
}
