import type { Db } from '../db/connect.ts'
import { WahubError } from '../errors.ts'
import { enqueueJob } from '../jobs/jobs-repo.ts'
import type { MessagingContext } from './context.ts'
import { addTransition, findTenantMessage, markRequeued } from './outbound-repo.ts'
import { sendLane, sendMaxAttempts } from './send-service.ts'

// `POST /api/v1/messages/:id/retry`: the deliberate resend of a message whose outcome is
// unknown (or that failed). Wahub never does this by itself (SPEC §6): the caller has decided
// that a possible duplicate is better than a possible loss. The message goes back to `queued`
// with a new job in its recipient's lane (behind what is queued there now).

export async function retryMessage(
  ctx: MessagingContext,
  tenantId: string,
  id: string,
  by: string,
): Promise<{ id: string; previous: string }> {
  const db: Db = ctx.db
  const msg = await findTenantMessage(db, tenantId, id)
  if (!msg || msg.id !== id) throw new WahubError('not_found', `No message ${id}.`)
  if (msg.direction !== 'out') {
    throw new WahubError(
      'not_retryable',
      `Message ${id} was received, not sent: there is nothing to send again.`,
    )
  }
  if (msg.status !== 'unknown' && msg.status !== 'failed') {
    throw new WahubError(
      'not_retryable',
      `Message ${id} is ${msg.status}; only unknown or failed messages can be sent again.`,
      {
        status: msg.status,
      },
    )
  }
  const body = JSON.parse(msg.content) as { to?: string; recipient?: string }
  const moved = await db.transaction().execute(async (trx) => {
    if (!(await markRequeued(trx, msg.id))) return false
    await addTransition(trx, {
      messageId: msg.id,
      tenantId,
      status: 'requeued',
      detail: {
        previous: msg.status,
        by,
        ...(msg.error_code !== null
          ? { previousError: { code: msg.error_code, title: msg.error_title } }
          : {}),
      },
    })
    await enqueueJob(
      trx,
      'message.send',
      { messageId: msg.id },
      {
        lane: sendLane(msg.phone_number_id, String(body.to ?? body.recipient)),
        maxAttempts: sendMaxAttempts,
      },
    )
    return true
  })
  if (!moved) throw new WahubError('not_retryable', `Message ${id} changed meanwhile; read it again.`)
  ctx.nudge?.()
  ctx.log.info({ messageId: msg.id, tenantId, previous: msg.status, by }, 'message requeued')
  return { id: msg.id, previous: msg.status }
}
