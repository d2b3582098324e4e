import { Type } from 'typebox'
import type { Agent } from '../../accounts/agents.ts'
import { Millis, Nullable } from './schema-helpers.ts'

export const PresenceSchema = Type.Union([Type.Literal('available'), Type.Literal('away')], {
  description: 'available agents take round-robin assignments',
})

export const AgentSchema = Type.Object({
  id: Type.String(),
  email: Type.String(),
  presence: PresenceSchema,
  lastAssignedAt: Nullable(Millis),
})

export function presentAgent(a: Agent) {
  return { id: a.id, email: a.email, presence: a.presence, lastAssignedAt: a.lastAssignedAt }
}
