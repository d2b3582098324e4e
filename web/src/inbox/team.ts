import { useQueryClient } from '@tanstack/react-query'
import { useCallback } from 'react'
import { get, qs } from '../api.ts'
import type { Agent, Label } from '../api-types.ts'
import { useLive } from '../live.tsx'
import { useLoad } from '../ui/server-state.ts'

// The tenant's team as the inbox shows it: its agents (names, presence) and its labels, loaded
// once per tenant and shared by the list, the thread header and the note composer.

/** An agent's short name: the part of the email before the @ (what @mentions use). */
export function agentName(email: string): string {
  return email.split('@')[0] ?? email
}

export function useAgents(tenantId: string | null) {
  const load = useLoad(['agents', tenantId], async () =>
    tenantId ? (await get<{ agents: Agent[] }>(`/api/v1/agents${qs({ tenant_id: tenantId })}`)).agents : [],
  )
  const agents = load.data ?? []
  const byId = new Map(agents.map((a) => [a.id, a]))
  return { agents, byId, load }
}

export function useLabels(tenantId: string | null) {
  const load = useLoad(['labels', tenantId], async () =>
    tenantId ? (await get<{ labels: Label[] }>(`/api/v1/labels${qs({ tenant_id: tenantId })}`)).labels : [],
  )
  return { labels: load.data ?? [], load }
}

/** Reloads the team's labels and agents everywhere (after managing labels, a presence change). */
export function useRefreshTeam(): () => void {
  const client = useQueryClient()
  return useCallback(() => {
    void client.invalidateQueries({ queryKey: ['labels'] })
    void client.invalidateQueries({ queryKey: ['agents'] })
  }, [client])
}

/** The conversation events of the team inbox (docs/TEAM-INBOX.md). */
export const conversationEvents = [
  'conversation.status',
  'conversation.assigned',
  'conversation.note',
  'conversation.labels',
]

/** Calls `fn` when a team-inbox event about any conversation arrives. */
export function useConversationEvents(fn: (conversationId: string, kind: string) => void): void {
  useLive((event) => {
    const id = event.payload?.conversationId
    if (typeof id === 'string') fn(id, event.kind)
  }, conversationEvents)
}

/** A readable text colour (black or white) on a label's colour. */
export function inkOn(color: string): string {
  const m = /^#?([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(color)
  if (!m) return '#000'
  const [r, g, b] = m.slice(1).map((h) => Number.parseInt(h, 16) / 255)
  const lin = (c: number) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4)
  const luminance = 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)
  return luminance > 0.4 ? '#111' : '#fff'
}
