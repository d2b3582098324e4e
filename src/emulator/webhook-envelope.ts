import type { JsonObject } from './types.ts'

export type WebhookEvent = {
  wabaId: string
  field: string
  value: JsonObject
  /** For `messages` events: routes the override and lets statuses of one number share a value. */
  phoneNumberId?: string
}

type Change = { field: string; value: JsonObject }
type Entry = { id: string; time?: number; changes: Change[] }

/**
 * Meta's envelope for one delivery (FACTS §1.1): one entry per WABA, `time` only on entries of
 * non-`messages` fields, and statuses of the same number merged into one value's `statuses[]`
 * (Meta batches; a receiver must process every entry, change, message and status).
 */
export function buildEnvelope(events: WebhookEvent[], nowMs: number): JsonObject {
  const entries: Entry[] = []
  const entryFor = (wabaId: string, timed: boolean): Entry => {
    let entry = entries.find((e) => e.id === wabaId && (e.time !== undefined) === timed)
    if (!entry) {
      entry = timed
        ? { id: wabaId, time: Math.floor(nowMs / 1000), changes: [] }
        : { id: wabaId, changes: [] }
      entries.push(entry)
    }
    return entry
  }
  for (const event of events) {
    const entry = entryFor(event.wabaId, event.field !== 'messages')
    const statuses = event.value.statuses
    if (event.field === 'messages' && Array.isArray(statuses)) {
      const same = entry.changes.find(
        (c) =>
          c.field === 'messages' &&
          Array.isArray(c.value.statuses) &&
          (c.value.metadata as JsonObject | undefined)?.phone_number_id === event.phoneNumberId,
      )
      if (same) {
        ;(same.value.statuses as unknown[]).push(...statuses)
        if (Array.isArray(event.value.contacts)) {
          const contacts = (same.value.contacts as unknown[] | undefined) ?? []
          same.value.contacts = [...contacts, ...event.value.contacts]
        }
        continue
      }
      entry.changes.push({ field: event.field, value: { ...event.value, statuses: [...statuses] } })
      continue
    }
    entry.changes.push({ field: event.field, value: event.value })
  }
  return { object: 'whatsapp_business_account', entry: entries }
}
