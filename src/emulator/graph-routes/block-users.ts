import type { FastifyInstance } from 'fastify'
import type { BlockedUser, FailedBlockUser } from '../../cloud-api/block-users-types.ts'
import type { EmulatorContext } from '../context.ts'
import { findCustomer } from '../customers.ts'
import { invalidParam } from '../graph-errors.ts'
import { numberFor } from '../lookup.ts'
import { windowOpen } from '../pricing.ts'
import { graphParams } from '../request-info.ts'
import { oneOf, requireArray } from '../validate-helpers.ts'

// /{pnid}/block_users (the Block Users API): POST blocks, DELETE unblocks, GET lists. Per-user
// results; blocking needs the user to have written in the last 24 hours, and at most 1,000 users
// per request. The blocklist is kept per number.

const blocklists = new WeakMap<EmulatorContext, Map<string, Set<string>>>()

export function blocklistOf(ctx: EmulatorContext, phoneNumberId: string): Set<string> {
  const numbers = blocklists.get(ctx) ?? new Map<string, Set<string>>()
  blocklists.set(ctx, numbers)
  const list = numbers.get(phoneNumberId) ?? new Set<string>()
  numbers.set(phoneNumberId, list)
  return list
}

function usersOf(req: Parameters<typeof graphParams>[0]): string[] {
  const params = graphParams(req)
  if (params.messaging_product === undefined)
    throw invalidParam('The parameter messaging_product is required.')
  oneOf(params.messaging_product, 'messaging_product', ['whatsapp'])
  const list = requireArray(params.block_users, 'block_users')
  if (list.length === 0) throw invalidParam('Param block_users must not be empty.')
  if (list.length > 1000) throw invalidParam('Param block_users must have at most 1000 users.')
  return list.map((u, i) => {
    const user = (u as { user?: unknown } | null)?.user
    if (typeof user !== 'string' || user === '')
      throw invalidParam(`Param block_users[${i}].user is required.`)
    return user
  })
}

const failure = (input: string, details: string, waId?: string): FailedBlockUser => ({
  input,
  ...(waId ? { wa_id: waId } : {}),
  errors: [{ message: 'Failed to block/unblock users', code: 139100, error_data: { details } }],
})

export async function blockUserRoutes(app: FastifyInstance, { ctx }: { ctx: EmulatorContext }) {
  app.post('/:id/block_users', async (req) => {
    const { id } = req.params as { id: string }
    const n = numberFor(ctx, req, id, 'messaging')
    const list = blocklistOf(ctx, n.id)
    const added: BlockedUser[] = []
    const failed: FailedBlockUser[] = []
    for (const input of usersOf(req)) {
      const customer = findCustomer(ctx, input)
      const waId = customer?.waId ?? customer?.userId
      if (!customer || !waId) failed.push(failure(input, 'The user is not a WhatsApp user of this number.'))
      else if (!windowOpen(customer, Date.now()))
        failed.push(failure(input, 'Users can only be blocked within 24 hours of their last message.', waId))
      else {
        list.add(waId)
        added.push({ input, wa_id: waId })
      }
    }
    return {
      messaging_product: 'whatsapp',
      block_users: { added_users: added, ...(failed.length ? { failed_users: failed } : {}) },
    }
  })

  app.delete('/:id/block_users', async (req) => {
    const { id } = req.params as { id: string }
    const n = numberFor(ctx, req, id, 'messaging')
    const list = blocklistOf(ctx, n.id)
    const removed: BlockedUser[] = []
    for (const input of usersOf(req)) {
      const customer = findCustomer(ctx, input)
      const waId = customer?.waId ?? customer?.userId ?? input.replace(/\D/g, '')
      list.delete(waId)
      removed.push({ input, wa_id: waId })
    }
    return { messaging_product: 'whatsapp', block_users: { removed_users: removed } }
  })

  app.get('/:id/block_users', async (req) => {
    const { id } = req.params as { id: string }
    const n = numberFor(ctx, req, id, 'messaging')
    return {
      data: [...blocklistOf(ctx, n.id)].map((waId) => ({ messaging_product: 'whatsapp', wa_id: waId })),
    }
  })
}
