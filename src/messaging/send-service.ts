import type { Db } from '../db/connect.ts'
import { lockSubjects, retryOnDeadlock } from '../db/ordered-locks.ts'
import { WahubError } from '../errors.ts'
import { contactKeyString, ensureContacts } from '../inbox/contacts-repo.ts'
import { ensureConversations, touchConversationsOutbound } from '../inbox/conversations-repo.ts'
import { previewOf } from '../inbox/preview.ts'
import { indexMessages } from '../inbox/search-repo.ts'
import { enqueueJobs } from '../jobs/jobs-repo.ts'
import { noteTemplateUsed } from '../templates/templates-repo.ts'
import type { MessagingContext, SendSource } from './context.ts'
import { findAnswers, requestHash, type StoredAnswer, storeAnswers } from './idempotency.ts'
import { insertOutboundMany } from './outbound-repo.ts'
import { checkSendRequest } from './send-checks.ts'
import { bulkLookups, type Checked, checkOne, contactKeyOf, customerSubject } from './send-prepare.ts'
import type { MessageType, SendRequest } from './send-request.ts'

// `queueMessage`: the one way a message enters the outbox (API, CLI, dashboard). Order:
// shape → idempotency replay → sender number (403 when not the tenant's) → recipient (422
// invalid_recipient) → Meta's rules (window, template, media: 422s with a fix) → one
// transaction with the contact, the conversation, the message row, its `message.send` job
// and the idempotency key (SPEC §2 transactional outbox). The job's lane is number ×
// recipient, so one recipient's messages leave in order.

/** Send jobs: retryable errors are tried this many times in all, with exponential backoff. */
export const sendMaxAttempts = 8

export type QueuedMessage = {
  id: string
  status: string
  from: string
  to: string
  type: string
  createdAt: number
}

export type QueueResult = StoredAnswer & { body: QueuedMessage; replayed: boolean }

export type QueueInput = {
  tenantId: string
  request: SendRequest
  idempotencyKey?: string
  source: SendSource
}

export function sendLane(numberRowId: string, recipient: string): string {
  return `${sendLanePrefix(numberRowId)}${recipient}`
}

/** What every send lane of one number starts with. */
export function sendLanePrefix(numberRowId: string): string {
  return `send:${numberRowId}:`
}

class AlreadyAnswered extends Error {
  keys: string[]
  constructor(keys: string[] = []) {
    super('idempotency key answered meanwhile')
    this.keys = keys
  }
}

export async function queueMessage(ctx: MessagingContext, input: QueueInput): Promise<QueueResult> {
  checkSendRequest(input.request)
  const outcome = await coalescerOf(ctx, input.tenantId, input.source).run({
    request: input.request,
    idempotencyKey: input.idempotencyKey,
  })
  if (!outcome.ok) throw outcome.error
  return outcome.answer
}

// Single sends that arrive together share one enqueueMany call (one transaction of multi-row
// statements, decision 0093): on PostgreSQL a single send was ~13 round trips in its own
// transaction holding one of the pool's connections, so 32 concurrent POST /messages queued
// behind the pool at 92/s while the batch API reached 2,100/s. Under light load a group is
// one item and nothing waits (the group leaves on the next turn of the event loop). Items with
// the same Idempotency-Key never share a group (each keeps a single send's answer).
type Coalescer = { run(item: EnqueueItem): Promise<EnqueueOutcome> }
const coalescers = new WeakMap<MessagingContext, Map<string, Coalescer>>()

function coalescerOf(ctx: MessagingContext, tenantId: string, source: SendSource): Coalescer {
  const byKey = coalescers.get(ctx) ?? new Map<string, Coalescer>()
  coalescers.set(ctx, byKey)
  const groupKey = `${tenantId}\u0000${source.source}\u0000${source.createdBy ?? ''}`
  const found = byKey.get(groupKey)
  if (found) return found
  const c = createCoalescer(ctx, tenantId, source, () => byKey.delete(groupKey))
  byKey.set(groupKey, c)
  return c
}

function createCoalescer(
  ctx: MessagingContext,
  tenantId: string,
  source: SendSource,
  idle: () => void,
): Coalescer {
  type Pending = { item: EnqueueItem; resolve(o: EnqueueOutcome): void; reject(err: unknown): void }
  const maxInFlight = 2
  let queue: Pending[] = []
  let inFlight = 0
  let scheduled = false

  async function send(group: Pending[]): Promise<void> {
    try {
      const outs = await enqueueMany(ctx, { tenantId, items: group.map((p) => p.item), source })
      group.forEach((p, i) => {
        p.resolve(outs[i])
      })
    } catch (err) {
      if (group.length === 1) {
        group[0].reject(err)
        return
      }
      // One bad item must not fail the others: each alone.
      for (const p of group)
        await enqueueMany(ctx, { tenantId, items: [p.item], source }).then(
          ([o]) => p.resolve(o),
          (e) => p.reject(e),
        )
    }
  }

  function flush(): void {
    scheduled = false
    while (inFlight < maxInFlight && queue.length > 0) {
      const group: Pending[] = []
      const rest: Pending[] = []
      const keys = new Set<string>()
      for (const p of queue) {
        const key = p.item.idempotencyKey
        if (group.length >= maxBulkItems || (key !== undefined && keys.has(key))) rest.push(p)
        else {
          if (key !== undefined) keys.add(key)
          group.push(p)
        }
      }
      queue = rest
      inFlight++
      void send(group).finally(() => {
        inFlight--
        if (queue.length > 0) flush()
        else if (inFlight === 0) idle()
      })
    }
  }

  return {
    run(item) {
      return new Promise<EnqueueOutcome>((resolve, reject) => {
        queue.push({ item, resolve, reject })
        if (!scheduled && inFlight < maxInFlight) {
          scheduled = true
          setImmediate(flush)
        }
      })
    },
  }
}

// ── Bulk ──────────────────────────────────────────────────────────────────────────────────

/** One message of a bulk call: a send request (already through the schema) and its own key. */
export type EnqueueItem = { request: SendRequest; idempotencyKey?: string }

/** Per item, in the items' order: queued (or replayed from its key), or refused with the error queueMessage would have thrown. */
export type EnqueueOutcome = { ok: true; answer: QueueResult } | { ok: false; error: WahubError }

export type EnqueueManyInput = {
  tenantId: string
  items: readonly EnqueueItem[]
  source: SendSource
  /**
   * Runs inside the transaction that queues the accepted items, after their rows are written
   * (e.g. a campaign links its recipients to the message ids): a throw rolls the whole call back.
   */
  within?: (trx: Db, queued: readonly { index: number; id: string }[]) => Promise<void>
}

/** The most items one enqueueMany call takes (one transaction). */
export const maxBulkItems = 1000

/**
 * queueMessage for many messages of one tenant: each item gets exactly the checks and errors of
 * a single send (shape, its Idempotency-Key, sender number, recipient, window, template,
 * media), and a refused item does not stop the others. The accepted ones are queued together
 * in ONE transaction of multi-row statements — contacts, conversations, message rows, their
 * history, their `message.send` jobs (lane number × recipient, in the items' order, so one
 * recipient's messages leave in order), the conversations' previews and the items' keys —
 * after the lookups were made once per distinct sender, template and recipient set.
 * Idempotency is per item (a repeat of the item with its key returns its first answer).
 * At most `maxBulkItems` items; the caller has run the schema (parseSendRequest) on each.
 */
export async function enqueueMany(ctx: MessagingContext, input: EnqueueManyInput): Promise<EnqueueOutcome[]> {
  const { db } = ctx
  const { tenantId, items } = input
  if (items.length > maxBulkItems) throw new Error(`enqueueMany takes at most ${maxBulkItems} items`)
  const out: (EnqueueOutcome | undefined)[] = new Array(items.length)
  const refuse = (i: number, err: unknown) => {
    if (!(err instanceof WahubError)) throw err
    out[i] = { ok: false, error: err }
  }

  // Shape and keys. A key repeated inside the call: the later items share the first's fate.
  const types: (MessageType | undefined)[] = new Array(items.length)
  const hashes: string[] = new Array(items.length)
  const firstWithKey = new Map<string, number>()
  const sameKeyAs = new Map<number, number>()
  for (const [i, item] of items.entries()) {
    try {
      types[i] = checkSendRequest(item.request)
    } catch (err) {
      refuse(i, err)
      continue
    }
    const key = item.idempotencyKey
    if (key === undefined) continue
    hashes[i] = requestHash(item.request)
    const first = firstWithKey.get(key)
    if (first === undefined) firstWithKey.set(key, i)
    else sameKeyAs.set(i, first)
  }
  const keyed = new Map([...firstWithKey].map(([key, i]) => [key, hashes[i]]))
  const priors = keyed.size ? await findAnswers(db, tenantId, keyed) : new Map()
  for (const [key, i] of firstWithKey) {
    const prior = priors.get(key)
    if (prior instanceof WahubError) refuse(i, prior)
    else if (prior)
      out[i] = { ok: true, answer: { ...(prior as StoredAnswer & { body: QueuedMessage }), replayed: true } }
  }

  // The checks, each lookup once per call.
  const look = await bulkLookups(ctx, tenantId, items, (i) => out[i] !== undefined || sameKeyAs.has(i), types)
  const checked: (Checked | undefined)[] = new Array(items.length)
  for (const [i, item] of items.entries()) {
    const type = types[i]
    if (out[i] || sameKeyAs.has(i) || !type) continue
    try {
      checked[i] = await checkOne(ctx, tenantId, item.request, type, look)
    } catch (err) {
      refuse(i, err)
    }
  }

  const now = Date.now()
  let pending = checked.flatMap((c, i) => (c ? [i] : []))
  for (let round = 0; pending.length > 0; round++) {
    try {
      await writeMany(ctx, input, pending, checked as Checked[], hashes, now, out)
      break
    } catch (err) {
      if (!(err instanceof AlreadyAnswered) || round >= 3) throw err
      // Another request stored some of these keys first: theirs is the answer; the rest again.
      const lost = new Map(err.keys.map((k) => [k, hashes[firstWithKey.get(k) as number]]))
      const found = await findAnswers(db, tenantId, lost)
      for (const key of err.keys) {
        const i = firstWithKey.get(key) as number
        const prior = found.get(key)
        if (prior instanceof WahubError) refuse(i, prior)
        else if (prior)
          out[i] = {
            ok: true,
            answer: { ...(prior as StoredAnswer & { body: QueuedMessage }), replayed: true },
          }
        else throw err
      }
      pending = pending.filter((i) => !out[i])
    }
  }
  for (const [i, first] of sameKeyAs) {
    const was = out[first]
    if (!out[i] && hashes[i] !== hashes[first]) {
      out[i] = {
        ok: false,
        error: new WahubError(
          'idempotency_key_reused',
          `Idempotency-Key "${items[i].idempotencyKey}" is used by message ${first} of this call with a different body.`,
          { key: items[i].idempotencyKey, firstUsedAt: now },
        ),
      }
    } else if (!out[i] && was) out[i] = was.ok ? { ok: true, answer: { ...was.answer, replayed: true } } : was
  }
  if (pending.length > 0) ctx.nudge?.()
  const templateIds = new Set(
    pending.flatMap((i) => (checked[i]?.templateId ? [checked[i]!.templateId!] : [])),
  )
  for (const templateId of templateIds)
    await noteTemplateUsed(db, templateId, now).catch((err) =>
      ctx.log.warn({ err, templateId }, 'template last use not recorded'),
    )
  return out as EnqueueOutcome[]
}

/** The one transaction of a bulk call; throws AlreadyAnswered (rolled back) when keys were taken meanwhile. */
async function writeMany(
  ctx: MessagingContext,
  input: EnqueueManyInput,
  pending: readonly number[],
  checked: readonly Checked[],
  hashes: readonly string[],
  now: number,
  out: (EnqueueOutcome | undefined)[],
): Promise<void> {
  const { tenantId, items } = input
  const answers = new Map<number, QueueResult>()
  await retryOnDeadlock(
    () =>
      ctx.db.transaction().execute(async (trx) => {
        answers.clear()
        if (ctx.caps)
          await lockSubjects(
            trx,
            ctx.caps,
            pending.map((i) => customerSubject(checked[i].recipient)),
          )
        const contacts = await ensureContacts(
          trx,
          tenantId,
          pending.map((i) => contactKeyOf(checked[i].recipient)),
          now,
        )
        const contactOf = (i: number) =>
          contacts.get(contactKeyString(contactKeyOf(checked[i].recipient))) as string
        const conversations = new Map<string, Map<string, string>>()
        for (const numberRowId of new Set(pending.map((i) => checked[i].sender.numberRowId))) {
          const ofNumber = pending.filter((i) => checked[i].sender.numberRowId === numberRowId)
          conversations.set(
            numberRowId,
            await ensureConversations(trx, tenantId, numberRowId, ofNumber.map(contactOf), now),
          )
        }
        const conversationOf = (i: number) =>
          conversations.get(checked[i].sender.numberRowId)?.get(contactOf(i)) as string
        const ids = await insertOutboundMany(
          trx,
          pending.map((i) => ({
            tenantId,
            conversationId: conversationOf(i),
            numberRowId: checked[i].sender.numberRowId,
            contactId: contactOf(i),
            type: checked[i].type,
            body: checked[i].body,
            contextWamid: checked[i].contextWamid,
            source: input.source.source,
            createdBy: input.source.createdBy,
          })),
          now,
        )
        await indexMessages(
          trx,
          pending.map((i, n) => ({
            id: ids[n],
            tenantId,
            conversationId: conversationOf(i),
            contactId: contactOf(i),
            content: checked[i].body,
            rendered: checked[i].templateText,
          })),
        )
        await enqueueJobs(
          trx,
          'message.send',
          pending.map((i, n) => ({
            payload: { messageId: ids[n] },
            options: {
              lane: sendLane(checked[i].sender.numberRowId, checked[i].to),
              maxAttempts: sendMaxAttempts,
              runAt: now,
            },
          })),
        )
        // The threads show them at once (the last message of a conversation is its preview).
        const previews = new Map<string, string>()
        for (const i of pending) previews.set(conversationOf(i), previewOf(checked[i].body))
        await touchConversationsOutbound(trx, now, previews)
        const keys: { key: string; hash: string; answer: StoredAnswer }[] = []
        for (const [n, i] of pending.entries()) {
          const c = checked[i]
          const body: QueuedMessage = {
            id: ids[n],
            status: 'queued',
            from: c.sender.phoneNumberId,
            to: c.to,
            type: c.type,
            createdAt: now,
          }
          answers.set(i, { statusCode: 202, body, replayed: false })
          const key = items[i].idempotencyKey
          if (key !== undefined) keys.push({ key, hash: hashes[i], answer: { statusCode: 202, body } })
        }
        const lost = keys.length ? await storeAnswers(trx, tenantId, keys, now) : []
        if (lost.length > 0) throw new AlreadyAnswered(lost)
        await input.within?.(
          trx,
          pending.map((i, n) => ({ index: i, id: ids[n] })),
        )
      }),
    (err) => ctx.log.warn({ err }, 'bulk send transaction retried after a deadlock'),
  )
  for (const [i, answer] of answers) out[i] = { ok: true, answer }
}
