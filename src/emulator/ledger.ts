// Every Graph request received and every webhook delivery attempt, for tests and for people
// debugging an integration (SPEC §9). Bounded: the oldest entries go first past `limit`.

export type GraphLedgerEntry = {
  kind: 'graph'
  seq: number
  time: string
  at: number
  method: string
  path: string
  query: Record<string, string>
  body: unknown
  status: number
  errorCode: number | undefined
  /** wamid of an accepted send. */
  wamid: string | undefined
  durationMs: number
  fault: string | undefined
}

export type WebhookLedgerEntry = {
  kind: 'webhook'
  seq: number
  time: string
  at: number
  deliveryId: string
  attempt: number
  url: string | undefined
  payload: unknown
  /** The exact bytes sent, as text (what the signature covers). */
  body: string
  signature: string
  statusCode: number | undefined
  error: string | undefined
  durationMs: number
  /** Set on the last attempt when no attempt succeeded. */
  gaveUp: boolean
  fault: string | undefined
}

export type LedgerEntry = GraphLedgerEntry | WebhookLedgerEntry
export type LedgerFilter = { kind?: 'graph' | 'webhook'; since?: number }

export type Ledger = {
  addGraph(entry: Omit<GraphLedgerEntry, 'kind' | 'seq' | 'time'>): void
  addWebhook(entry: Omit<WebhookLedgerEntry, 'kind' | 'seq' | 'time'>): void
  list(filter?: LedgerFilter): LedgerEntry[]
  clear(): void
}

/** `since` as ISO date or ms epoch (the ledger query parameter). */
export function parseSince(value: unknown): number | undefined {
  if (typeof value !== 'string' || value === '') return undefined
  const n = /^\d+$/.test(value) ? Number(value) : Date.parse(value)
  return Number.isFinite(n) ? n : undefined
}

export function createLedger(limit: number): Ledger {
  let entries: LedgerEntry[] = []
  let seq = 0
  const push = (entry: LedgerEntry) => {
    entries.push(entry)
    // Trim in chunks so a hot path never pays for a shift per entry.
    if (entries.length > limit + Math.ceil(limit / 10)) entries = entries.slice(entries.length - limit)
  }
  return {
    addGraph(entry) {
      seq += 1
      push({ kind: 'graph', seq, time: new Date(entry.at).toISOString(), ...entry })
    },
    addWebhook(entry) {
      seq += 1
      push({ kind: 'webhook', seq, time: new Date(entry.at).toISOString(), ...entry })
    },
    list(filter = {}) {
      return entries.filter(
        (e) =>
          (!filter.kind || e.kind === filter.kind) && (filter.since === undefined || e.at >= filter.since),
      )
    },
    clear() {
      entries = []
    },
  }
}
