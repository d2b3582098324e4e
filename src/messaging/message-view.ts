import type { Db } from '../db/connect.ts'
import { WahubError } from '../errors.ts'
import { mediaForMessages } from '../inbox/media-repo.ts'
import type { MessageRow } from '../inbox/messages-repo.ts'
import { reactionsFor } from '../inbox/reactions-repo.ts'
import { findTenantMessage, listMetaStatuses, listTransitions } from './outbound-repo.ts'

// Everything `GET /api/v1/messages/:id` shows: the row, its history — Wahub's own steps
// (queued, sending, sent = accepted by Meta, throttled, retrying, unknown, failed, requeued)
// merged with Meta's status webhooks (sent, delivered, read, failed) in time order — the
// number it left from and what can be done about it (retry an unknown or failed message).

export type HistoryEntry = {
  status: string
  at: number
  source: 'wahub' | 'meta'
  detail: Record<string, unknown> | null
}

export type MessageDetail = {
  row: MessageRow
  from: string | null
  to: string | null
  history: HistoryEntry[]
  reactions: Awaited<ReturnType<typeof reactionsFor>> extends Map<string, infer V> ? V : never
  media: Awaited<ReturnType<typeof mediaForMessages>> extends Map<string, infer V> ? V | undefined : never
  statusReason: string | null
  retryable: boolean
}

const reasons: Record<string, string> = {
  unknown:
    'The request reached (or may have reached) Meta but no answer came back: Meta may have sent it. Wahub does not resend it by itself; check with the recipient, then POST /api/v1/messages/{id}/retry to send it again.',
  queued: 'Waiting for its turn: the number’s throughput, the recipient’s earlier messages or a retry delay.',
  sending: 'The request to Meta is in flight.',
}

export async function messageDetail(db: Db, tenantId: string, idOrWamid: string): Promise<MessageDetail> {
  const row = await findTenantMessage(db, tenantId, idOrWamid)
  if (!row) throw new WahubError('not_found', `No message ${idOrWamid}.`)
  const [transitions, statuses, reactions, media, number] = await Promise.all([
    listTransitions(db, row.id),
    listMetaStatuses(db, row.id),
    reactionsFor(db, [row.id]),
    mediaForMessages(db, [row.id]),
    db
      .selectFrom('phone_numbers')
      .select('phone_number_id')
      .where('id', '=', row.phone_number_id)
      .executeTakeFirst(),
  ])
  // Meta's timestamps have whole seconds: a status is never shown before Meta accepted the
  // message, and statuses of the same second keep their natural order.
  const acceptedAt = transitions.findLast((t) => t.status === 'sent')?.at ?? row.created_at
  const rank: Record<string, number> = { sent: 1, delivered: 2, read: 3, played: 4, failed: 5 }
  const entries = [
    ...transitions.map((t, i) => ({
      entry: { status: t.status, at: t.at, source: 'wahub' as const, detail: t.detail },
      key: t.at,
      order: i,
    })),
    ...statuses.map((s) => ({
      entry: {
        status: s.status,
        at: s.at,
        source: 'meta' as const,
        detail:
          s.errors || s.pricing
            ? { ...(s.errors ? { errors: s.errors } : {}), ...(s.pricing ? { pricing: s.pricing } : {}) }
            : null,
      },
      key: Math.max(s.at, acceptedAt),
      order: 1000 + (rank[s.status] ?? 9),
    })),
  ]
  const history: HistoryEntry[] = entries
    .sort((a, b) => a.key - b.key || a.order - b.order)
    .map((e) => e.entry)
  const body = JSON.parse(row.content) as { to?: string; recipient?: string; from?: string }
  const out = row.direction === 'out'
  let statusReason = reasons[row.status]?.replace('{id}', row.id) ?? null
  if (row.status === 'failed' && row.error_code === null && row.error_explanation)
    statusReason = row.error_explanation
  return {
    row,
    from: out ? (number?.phone_number_id ?? null) : (body.from ?? null),
    to: out ? (body.to ?? body.recipient ?? null) : (number?.phone_number_id ?? null),
    history,
    reactions: reactions.get(row.id) ?? [],
    media: media.get(row.id),
    statusReason: out ? statusReason : null,
    retryable: out && (row.status === 'unknown' || row.status === 'failed'),
  }
}

/** Polls until Meta has answered (the message left `queued`/`sending`) or `timeoutMs` passed. */
export async function waitForAnswer(
  db: Db,
  messageId: string,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<string> {
  const deadline = Date.now() + timeoutMs
  let delay = 20
  for (;;) {
    const row = await db
      .selectFrom('messages')
      .select('status')
      .where('id', '=', messageId)
      .executeTakeFirst()
    const status = row?.status ?? 'unknown'
    if (status !== 'queued' && status !== 'sending') return status
    if (Date.now() >= deadline || signal?.aborted) return status
    await new Promise((resolve) => setTimeout(resolve, Math.min(delay, Math.max(1, deadline - Date.now()))))
    delay = Math.min(250, delay * 1.5)
  }
}
