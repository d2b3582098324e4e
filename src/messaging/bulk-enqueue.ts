import type { Db } from '../db/connect.ts'
import { newId } from '../ids.ts'
import { openConversations, touchConversationsOutbound } from '../inbox/conversations-repo.ts'
import { previewOf } from '../inbox/preview.ts'
import { enqueueJobs } from '../jobs/jobs-repo.ts'
import { insertOutboundMany } from './outbound-repo.ts'
import { sendLane, sendMaxAttempts } from './send-service.ts'

// The outbox in bulk (issue 18): many messages from one number, each to its own contact, queued
// with a few multi-row statements per thousand — conversations (created where missing), message
// rows, their `queued` history rows, their `message.send` jobs, the conversations' previews —
// in the caller's transaction. The send path after that is the one of `queueMessage`
// (send-service.ts): same job, same lane (number × recipient), same worker, same `unknown`.
// Checks (template, parameters, recipient) are the caller's, done once before.

export type BulkItem = {
  contactId: string
  /** The recipient's wa_id (the lane key). */
  waId: string
  /** The exact body Meta receives. */
  body: Record<string, unknown>
  /** When the job may run (spreads a campaign below its number's throughput); default now. */
  runAt?: number
}

export type BulkInput = {
  tenantId: string
  numberRowId: string
  type: string
  /** Who queued them: `campaign` and `campaign:<id>` for a campaign's. */
  source: { source: string; createdBy: string | null }
  items: readonly BulkItem[]
  now?: number
}

/** Queues every item; returns the message ids in the items' order. */
export async function queueMessagesBulk(trx: Db, input: BulkInput): Promise<string[]> {
  const now = input.now ?? Date.now()
  const ids: string[] = []
  for (let i = 0; i < input.items.length; i += 500) {
    const chunk = input.items.slice(i, i + 500)
    const preview = previewOf(chunk[0].body)
    // New conversations are created showing this message; only the others are touched below.
    const { ids: conversations, created } = await openConversations(
      trx,
      input.tenantId,
      input.numberRowId,
      chunk.map((c) => c.contactId),
      now,
      preview,
    )
    const messageIds = await insertOutboundMany(
      trx,
      chunk.map((item) => ({
        tenantId: input.tenantId,
        conversationId: conversations.get(item.contactId) as string,
        numberRowId: input.numberRowId,
        contactId: item.contactId,
        type: input.type,
        body: item.body,
        contextWamid: null,
        source: input.source.source,
        createdBy: input.source.createdBy,
      })),
      now,
    )
    await enqueueJobs(
      trx,
      'message.send',
      chunk.map((item, n) => ({
        payload: { messageId: messageIds[n] },
        options: {
          lane: sendLane(input.numberRowId, item.waId),
          runAt: item.runAt ?? now,
          maxAttempts: sendMaxAttempts,
        },
      })),
    )
    const existing = [...conversations.values()].filter((id) => !created.has(id))
    if (existing.length > 0)
      await touchConversationsOutbound(trx, now, new Map(existing.map((id) => [id, preview])))
    ids.push(...messageIds)
  }
  return ids
}

/**
 * Takes back messages not yet handed to a send worker's request: each still `queued` becomes
 * `cancelled` (with its history row), atomically with respect to the worker, which marks a
 * message `sending` only where it is still `queued` (outbound-repo.ts markSendingMany) and
 * finishes a job whose message is no longer `queued` without sending. Returns the ids taken
 * back; the others had left (or are leaving) and keep their outcome. Their jobs end on their own.
 */
export async function withdrawQueued(
  trx: Db,
  tenantId: string,
  messageIds: readonly string[],
): Promise<string[]> {
  const out: string[] = []
  const now = Date.now()
  for (let i = 0; i < messageIds.length; i += 500) {
    const rows = await trx
      .updateTable('messages')
      .set({ status: 'cancelled', status_at: now, updated_at: now })
      .where('tenant_id', '=', tenantId)
      .where('id', 'in', messageIds.slice(i, i + 500))
      .where('direction', '=', 'out')
      .where('status', '=', 'queued')
      .returning('id')
      .execute()
    const ids = rows.map((r) => r.id)
    if (ids.length > 0) {
      await trx
        .insertInto('message_transitions')
        .values(
          ids.map((id) => ({
            id: newId('mt', now),
            message_id: id,
            tenant_id: tenantId,
            status: 'cancelled',
            at: now,
            detail: null,
          })),
        )
        .execute()
    }
    out.push(...ids)
  }
  return out
}
