import { callGraph } from '../channels/graph-failure.ts'
import { numberTarget } from '../channels/graph-target.ts'
import { WahubError } from '../errors.ts'
import type { MessagingContext } from './context.ts'
import { findTenantMessage } from './outbound-repo.ts'
import type { RateLanes } from './rate-lanes.ts'

// Mark an inbound message (and the earlier ones of the chat) as read, optionally showing a
// typing indicator for up to 25 s (M-TYPING). A call on the number's messages endpoint, so it
// takes a slot of the number's rate lane like a send.

export async function markMessageRead(
  ctx: MessagingContext,
  lanes: RateLanes | undefined,
  tenantId: string,
  idOrWamid: string,
  options: { typing?: boolean } = {},
): Promise<{ wamid: string; typing: boolean }> {
  const msg = await findTenantMessage(ctx.db, tenantId, idOrWamid)
  if (!msg) throw new WahubError('not_found', `No message ${idOrWamid}.`)
  if (msg.direction !== 'in' || !msg.wamid) {
    throw new WahubError(
      'bad_request',
      `Message ${idOrWamid} was sent by this business; only received messages can be marked read.`,
    )
  }
  const target = await numberTarget(ctx, msg.phone_number_id)
  if (lanes) {
    const slot = await lanes.takeNumber(msg.phone_number_id)
    if (!slot.ok) {
      throw new WahubError(
        'rate_limited',
        'The number is sending at its throughput cap; try again shortly.',
        {
          retryInMs: slot.retryInMs,
        },
      )
    }
  }
  const wamid = msg.wamid
  await callGraph(`marking ${wamid} read`, () =>
    ctx.graph.markRead(target.target, target.phoneNumberId, wamid, { typing: options.typing === true }),
  )
  return { wamid, typing: options.typing === true }
}
