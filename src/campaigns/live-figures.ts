// A running campaign's figures (progress, cost so far) read often — the runner's progress event
// every second, each dashboard or API client polling — while each reading joins every recipient
// with its message: ~0.3 s for 100,000 recipients on SQLite. Per process, a reading of a large
// running campaign is reused for a time that grows with its size — a tenth of a millisecond per
// recipient from 20,000 recipients on (2 s), at most 15 s: 10 s at 100,000 — so watching it costs
// a few percent of the time it runs. Smaller campaigns, and any campaign that is not running, are
// always read afresh. By size, not by the reading's measured time: on a loaded machine every
// reading is slow, and small campaigns must stay exact. Readers that arrive while a reading is
// under way share it. Decision 0089.

type Entry = { at: number; reuseMs: number; done: boolean; value: Promise<unknown> }
const entries = new Map<string, Entry>()
const fromRecipients = 20_000
const maxAgeMs = 15_000

/** How long a reading of a running campaign of `recipients` may be reused. */
export function reuseForMs(recipients: number): number {
  return recipients < fromRecipients ? 0 : Math.min(maxAgeMs, Math.round(recipients / 10))
}

/**
 * `compute()`, or its last result for `key` while it is younger than `reuseMs` (0: always
 * fresh, and nothing kept). `fresh`: whether this call computed it.
 */
export async function liveFigure<T>(
  key: string,
  reuseMs: number,
  compute: () => Promise<T>,
): Promise<{ value: T; fresh: boolean }> {
  const now = Date.now()
  const hit = entries.get(key)
  if (reuseMs > 0 && hit && (!hit.done || now - hit.at < Math.min(reuseMs, hit.reuseMs)))
    return { value: (await hit.value) as T, fresh: false }
  const entry: Entry = { at: now, reuseMs, done: false, value: compute() }
  if (reuseMs <= 0) {
    entries.delete(key)
    return { value: await (entry.value as Promise<T>), fresh: true }
  }
  entries.set(key, entry)
  try {
    const value = (await entry.value) as T
    entry.done = true
    return { value, fresh: true }
  } catch (err) {
    if (entries.get(key) === entry) entries.delete(key)
    throw err
  } finally {
    // Entries of campaigns that stopped running are dropped by their next reading; bound the
    // map anyway (a process watching many campaigns over weeks).
    if (entries.size > 1000) for (const [k, e] of entries) if (now - e.at > maxAgeMs) entries.delete(k)
  }
}

/** Forgets the readings of a campaign (its state changed in this process). */
export function forgetFigures(campaignId: string): void {
  for (const k of entries.keys()) if (k.endsWith(`:${campaignId}`)) entries.delete(k)
}
