import { callGraph } from '../channels/graph-failure.ts'
import { numberTarget, type TargetContext } from '../channels/graph-target.ts'
import type { GraphClient } from '../cloud-api/graph-client.ts'
import { WahubError } from '../errors.ts'
import { contactNumbers, setContactBlocked } from './contact-panel.ts'

// Block / unblock a contact with Meta's Block Users API on every number of the tenant they
// have a conversation on (a block is per business number). Meta answers per user; a number
// where Meta refused is reported with its reason (e.g. blocking needs a message from the user
// in the last 24 hours). The contact counts as blocked when at least one number blocked them.

export type BlockResult = { numberId: string; phoneNumberId: string; ok: boolean; error: string | null }

export async function blockContact(
  ctx: TargetContext & { graph: GraphClient },
  scope: string | null,
  contactId: string,
  block: boolean,
): Promise<BlockResult[]> {
  const { contact, numberIds } = await contactNumbers(ctx.db, scope, contactId)
  if (numberIds.length === 0) {
    throw new WahubError(
      'conflict',
      `Contact ${contactId} has no conversation on a number of this tenant to block on.`,
    )
  }
  const results: BlockResult[] = []
  for (const numberId of numberIds) {
    const target = await numberTarget(ctx, numberId)
    const answer = await callGraph(
      `${block ? 'blocking' : 'unblocking'} a user on ${target.phoneNumberId}`,
      () => ctx.graph.blockUsers(target.target, target.phoneNumberId, [contact.user], block),
    )
    const failed = answer.block_users?.failed_users?.[0]
    const error = failed
      ? (failed.errors?.[0]?.error_data?.details ?? failed.errors?.[0]?.message ?? 'refused')
      : null
    results.push({ numberId, phoneNumberId: target.phoneNumberId, ok: !failed, error })
  }
  if (block ? results.some((r) => r.ok) : true) await setContactBlocked(ctx.db, contact.id, block)
  return results
}
