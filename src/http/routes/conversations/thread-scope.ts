import type { FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import type { Db } from '../../../db/connect.ts'
import { WahubError } from '../../../errors.ts'
import { type Conversation, getConversation } from '../../../inbox/conversations-query.ts'
import { readScopeOf } from '../../auth.ts'

// What the routes under /conversations/:id share: the conversation, if the caller may see it,
// and the pages of its thread and activity (newest first, `before` the last id of a page).

/** The conversation a route names, in the caller's tenant (an operator: any); 404 otherwise. */
export async function conversationFor(db: Db, req: FastifyRequest, id: string): Promise<Conversation> {
  const conversation = await getConversation(db, readScopeOf(req, undefined), id)
  if (!conversation) throw new WahubError('not_found', `No conversation ${id}.`)
  return conversation
}

export const PageQuery = Type.Object({
  before: Type.Optional(Type.String({ maxLength: 100 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
})

/** One page of `limit` rows (default 50) and the cursor of the next, read as limit + 1 rows. */
export async function pageOf<T extends { id: string }>(
  query: { before?: string; limit?: number },
  read: (options: { before?: string; limit: number }) => Promise<T[]>,
): Promise<{ page: T[]; nextCursor: string | null }> {
  const limit = query.limit ?? 50
  const rows = await read({ before: query.before, limit: limit + 1 })
  const page = rows.slice(0, limit)
  return { page, nextCursor: rows.length > limit ? (page[page.length - 1]?.id ?? null) : null }
}
