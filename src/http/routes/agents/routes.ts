import { Type } from 'typebox'
import { listAgents, setPresence } from '../../../accounts/agents.ts'
import { WahubError } from '../../../errors.ts'
import { principalOf } from '../../auth.ts'
import { AgentSchema, PresenceSchema, presentAgent } from '../../presenters/agent.ts'
import { commonErrors } from '../../presenters/schema-helpers.ts'
import { TenantQuery, tenantOf } from '../../tenant-scope.ts'
import { routes } from '../plugin.ts'

// A tenant's agents with their presence (whom to assign), and an agent's own presence.

const tags = ['inbox']

export const agentRoutes = routes(async (app, { handle: { db } }) => {
  app.get(
    '/agents',
    {
      config: { access: { scope: 'read', tenant: 'any' } },
      schema: {
        tags,
        summary: "The tenant's enabled agents and their presence",
        querystring: TenantQuery,
        response: { 200: Type.Object({ agents: Type.Array(AgentSchema) }), ...commonErrors },
      },
    },
    async (req) => {
      return { agents: (await listAgents(db, tenantOf(req, req.query.tenant_id))).map(presentAgent) }
    },
  )

  app.put(
    '/agents/me/presence',
    {
      config: { access: { scope: 'read' } },
      schema: {
        tags,
        summary: "The signed-in agent's presence: available (takes round-robin assignments) or away",
        body: Type.Object({ presence: PresenceSchema }, { additionalProperties: false }),
        response: { 200: AgentSchema, ...commonErrors },
      },
    },
    async (req) => {
      const principal = principalOf(req)
      if (principal.kind !== 'user' || principal.tenantId === null) {
        throw new WahubError(
          'forbidden',
          "Presence belongs to a tenant's signed-in agent, not to an API key.",
        )
      }
      await setPresence(db, principal.id, req.body.presence)
      const agent = (await listAgents(db, principal.tenantId)).find((a) => a.id === principal.id)
      if (!agent) throw new WahubError('not_found', `No agent ${principal.id}.`)
      return presentAgent(agent)
    },
  )
})
