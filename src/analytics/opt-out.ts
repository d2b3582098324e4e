import type { Db } from '../db/connect.ts'

// Opt-outs (decision 0047, made exact by issue 18): an inbound message counts as an opt-out when
// it put its sender on the tenant's suppression list (campaigns/suppressions.ts: the tenant's
// keywords per language, Meta's "Stop promotions" quick reply). The list records the message
// that did it, in the same transaction that stored the message, so the fold sees both. A second
// STOP from a contact already listed is not a second opt-out. A report reader: only SELECTs.

/** The ids among `messageIds` (inbound) that opted their sender out. */
export async function optOutMessages(db: Db, messageIds: readonly string[]): Promise<Set<string>> {
  const out = new Set<string>()
  for (let i = 0; i < messageIds.length; i += 500) {
    const rows = await db
      .selectFrom('suppressions')
      .select('message_id')
      .where('message_id', 'in', messageIds.slice(i, i + 500))
      .execute()
    for (const r of rows) if (r.message_id) out.add(r.message_id)
  }
  return out
}
