// Fault injection (SPEC §9), set by POST /_emulator/faults, separately for the Graph API the
// emulator serves and for the webhooks it delivers. Rates are probabilities 0–1.

export type GraphFaults = {
  latencyMs: number
  /** Share of Graph requests answered 5xx (Meta's code 131000 / 2 envelope). */
  errorRate: number
  /** Share of Graph requests whose connection is destroyed without an answer. */
  dropRate: number
  /** 'after': the request is processed (a send happens) before the drop — Meta's worst case. */
  dropWhen: 'before' | 'after'
}

export type WebhookFaults = {
  latencyMs: number
  /** Share of delivery attempts cut mid-body (the receiver sees a reset; the emulator retries). */
  dropRate: number
  /** Share of deliveries sent twice (Meta delivers at least once). */
  duplicateRate: number
  /** Deliver each batch's events in reverse order and status webhooks last-first. */
  reorder: boolean
}

export type Faults = { graph: GraphFaults; webhooks: WebhookFaults }

export function noFaults(): Faults {
  return {
    graph: { latencyMs: 0, errorRate: 0, dropRate: 0, dropWhen: 'after' },
    webhooks: { latencyMs: 0, dropRate: 0, duplicateRate: 0, reorder: false },
  }
}

function rate(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) ? Math.min(1, Math.max(0, value)) : fallback
}

function ms(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0
    ? Math.min(value, 120_000)
    : fallback
}

/** Merges a control-route body into the current faults; unknown keys are ignored. */
export function applyFaults(current: Faults, input: unknown): Faults {
  const body = (input && typeof input === 'object' ? input : {}) as Record<string, unknown>
  const g = (body.graph && typeof body.graph === 'object' ? body.graph : {}) as Record<string, unknown>
  const w = (body.webhooks && typeof body.webhooks === 'object' ? body.webhooks : {}) as Record<
    string,
    unknown
  >
  return {
    graph: {
      latencyMs: ms(g.latencyMs, current.graph.latencyMs),
      errorRate: rate(g.errorRate, current.graph.errorRate),
      dropRate: rate(g.dropRate, current.graph.dropRate),
      dropWhen: g.dropWhen === 'before' || g.dropWhen === 'after' ? g.dropWhen : current.graph.dropWhen,
    },
    webhooks: {
      latencyMs: ms(w.latencyMs, current.webhooks.latencyMs),
      dropRate: rate(w.dropRate, current.webhooks.dropRate),
      duplicateRate: rate(w.duplicateRate, current.webhooks.duplicateRate),
      reorder: typeof w.reorder === 'boolean' ? w.reorder : current.webhooks.reorder,
    },
  }
}

export function chance(p: number): boolean {
  return p > 0 && (p >= 1 || Math.random() < p)
}
