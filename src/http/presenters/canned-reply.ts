import { Type } from 'typebox'
import type { CannedReply } from '../../inbox/canned-replies.ts'
import { Millis } from './schema-helpers.ts'

export const CannedReplySchema = Type.Object({
  id: Type.String(),
  shortcut: Type.String({ description: 'Typed after / in the composer' }),
  body: Type.String({
    description: 'May hold {{contact.name}}, {{contact.first_name}}, {{contact.number}}, {{business.number}}',
  }),
  rendered: Type.Optional(
    Type.String({ description: 'With ?conversation_id: the body with its variables filled in' }),
  ),
  createdAt: Millis,
  updatedAt: Millis,
})

export function presentCannedReply(r: CannedReply, rendered?: string) {
  return {
    id: r.id,
    shortcut: r.shortcut,
    body: r.body,
    ...(rendered === undefined ? {} : { rendered }),
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  }
}
