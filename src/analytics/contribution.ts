// What one message adds to the hourly rollups (pure). The key is hour × tenant × number ×
// template × category × country × direction × outcome × error code; the counters are the
// figures the Analytics page adds up. Outbound messages count in the hour they were created
// (accepted by Wahub); their later statuses move them between outcomes of that same hour.

export const counterNames = [
  'messages',
  'delivered',
  'read',
  'failed',
  'replies',
  'billable',
  'unpriced',
  'cbp',
  'opt_outs',
  'cost_micros',
  // Appended (migration 0019): counts folded before have none and decode them as 0.
  'first_responses',
  'first_response_ms',
  'resolutions',
  'resolution_ms',
] as const

export type CounterName = (typeof counterNames)[number]
export type Counters = Record<CounterName, number>

export type BucketKey = {
  tenant_id: string
  hour: number
  phone_number_id: string
  template: string
  category: string
  country: string
  direction: string
  outcome: string
  error_code: number
}

export type FoldInput = {
  tenantId: string
  phoneNumberId: string
  direction: 'in' | 'out'
  type: string
  templateName: string | null
  status: string
  errorCode: number | null
  pricingModel: string | null
  pricingType: string | null
  pricingCategory: string | null
  createdAt: number
  country: string | null
  /** Inbound: the template of the outbound message it replies to ('' = a reply to a free-form one). */
  repliesToTemplate: string | null | undefined
  /** Outbound: the recorded estimate (null = not priced), undefined when none was recorded. */
  costMicros: number | null | undefined
  /** Outbound: ms since the customer's message it is the first answer to (null = not a first response). */
  firstResponseMs?: number | null
  /** Inbound: the customer asked to stop receiving messages (a STOP-like reply). */
  optOut?: boolean
}

const hourMs = 3_600_000

export function hourOf(ms: number): number {
  return ms - (ms % hourMs)
}

function outcomeOf(status: string): string {
  if (status === 'played') return 'read'
  if (status === 'queued' || status === 'sending') return 'pending'
  return status
}

export function contribution(m: FoldInput): { key: BucketKey; counts: Counters } {
  const outcome = m.direction === 'in' ? 'received' : outcomeOf(m.status)
  const category =
    m.direction === 'in'
      ? ''
      : (m.pricingCategory?.toLowerCase().replace(/-/g, '_') ?? (m.type === 'template' ? '' : 'service'))
  const key: BucketKey = {
    tenant_id: m.tenantId,
    hour: hourOf(m.createdAt),
    phone_number_id: m.phoneNumberId,
    template: (m.direction === 'in' ? m.repliesToTemplate : m.templateName) ?? '',
    category,
    country: m.country ?? '',
    direction: m.direction,
    outcome,
    error_code: outcome === 'failed' ? (m.errorCode ?? 0) : 0,
  }
  const delivered = outcome === 'delivered' || outcome === 'read' ? 1 : 0
  const charged = m.pricingType ? m.pricingType === 'regular' : false
  const counts: Counters = {
    messages: 1,
    delivered: m.direction === 'out' ? delivered : 0,
    read: m.direction === 'out' && outcome === 'read' ? 1 : 0,
    failed: outcome === 'failed' ? 1 : 0,
    replies:
      m.direction === 'in' && m.repliesToTemplate !== undefined && m.repliesToTemplate !== null ? 1 : 0,
    billable: m.direction === 'out' && delivered && charged && m.pricingModel !== 'CBP' ? 1 : 0,
    unpriced: m.direction === 'out' && delivered && charged && m.costMicros === null ? 1 : 0,
    cbp: m.direction === 'out' && m.pricingModel === 'CBP' ? 1 : 0,
    opt_outs: m.direction === 'in' && m.optOut ? 1 : 0,
    cost_micros: m.direction === 'out' && delivered ? (m.costMicros ?? 0) : 0,
    first_responses: m.direction === 'out' && typeof m.firstResponseMs === 'number' ? 1 : 0,
    first_response_ms: m.direction === 'out' && typeof m.firstResponseMs === 'number' ? m.firstResponseMs : 0,
    resolutions: 0,
    resolution_ms: 0,
  }
  return { key, counts }
}

const sep = '\u001f'

export function encodeKey(k: BucketKey): string {
  return [
    k.tenant_id,
    k.hour,
    k.phone_number_id,
    k.template,
    k.category,
    k.country,
    k.direction,
    k.outcome,
    k.error_code,
  ].join(sep)
}

export function decodeKey(s: string): BucketKey {
  const [tenant_id, hour, phone_number_id, template, category, country, direction, outcome, error_code] =
    s.split(sep)
  return {
    tenant_id,
    hour: Number(hour),
    phone_number_id,
    template,
    category,
    country,
    direction,
    outcome,
    error_code: Number(error_code),
  }
}

export function encodeCounts(c: Counters): string {
  return counterNames.map((n) => c[n]).join(',')
}

export function decodeCounts(s: string): Counters {
  const values = s.split(',').map(Number)
  return Object.fromEntries(counterNames.map((n, i) => [n, values[i] ?? 0])) as Counters
}

export function zeroCounts(): Counters {
  return Object.fromEntries(counterNames.map((n) => [n, 0])) as Counters
}
