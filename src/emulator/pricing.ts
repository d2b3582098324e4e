import { createHash } from 'node:crypto'
import { newHexId } from './ids.ts'
import type { ConversationInfo, Customer, PricingInfo, TemplateCategory } from './types.ts'

const dayMs = 24 * 60 * 60_000

export function windowOpen(customer: Customer | undefined, now: number): boolean {
  return customer?.lastInboundAt !== undefined && now - customer.lastInboundAt < dayMs
}

/**
 * Per-message pricing (PMP, since 2025-07-01, M-PRICE): only templates are charged; utility
 * templates inside an open customer service window are free; a reply within 24 h to a
 * Click-to-WhatsApp ad opens a 72 h free entry point window where everything is free.
 * Mutates the customer when this send opens the FEP window.
 */
export function priceMessage(
  customer: Customer,
  templateCategory: TemplateCategory | undefined,
  apiVersion: number,
  now: number,
): { pricing: PricingInfo; conversation: ConversationInfo | undefined } {
  const open = windowOpen(customer, now)
  if (!(customer.fepOpenUntil !== undefined && customer.fepOpenUntil > now)) {
    if (customer.fepEligibleUntil !== undefined && customer.fepEligibleUntil > now && open) {
      customer.fepOpenUntil = now + 3 * dayMs
      customer.fepEligibleUntil = undefined
    }
  }
  if (customer.fepOpenUntil !== undefined && customer.fepOpenUntil > now) {
    const id = createHash('sha256')
      .update(`${customer.waId ?? customer.userId}:${customer.fepOpenUntil}`)
      .digest('hex')
      .slice(0, 32)
    return {
      pricing: {
        billable: false,
        pricing_model: 'PMP',
        type: 'free_entry_point',
        category: 'referral_conversion',
      },
      // v24+: conversation only inside an FEP window, with an id unique per window (M-STATUS).
      conversation: {
        id,
        expiration_timestamp: String(Math.floor(customer.fepOpenUntil / 1000)),
        origin: { type: 'referral_conversion' },
      },
    }
  }
  const category = templateCategory ? templateCategory.toLowerCase() : 'service'
  let pricing: PricingInfo
  if (!templateCategory) {
    pricing = { billable: false, pricing_model: 'PMP', type: 'free_customer_service', category: 'service' }
  } else if (templateCategory === 'UTILITY' && open) {
    pricing = { billable: false, pricing_model: 'PMP', type: 'free_customer_service', category: 'utility' }
  } else {
    pricing = { billable: true, pricing_model: 'PMP', type: 'regular', category }
  }
  // v23 and lower: a per-message conversation id (M-STATUS); v24+: no conversation object.
  const conversation =
    apiVersion < 24
      ? {
          id: newHexId(16),
          expiration_timestamp: String(Math.floor((now + dayMs) / 1000)),
          origin: { type: category },
        }
      : undefined
  return { pricing, conversation }
}
