import { type NumberTarget, numberTarget } from '../channels/graph-target.ts'
import { GraphError, GraphTransportError } from '../cloud-api/graph-client.ts'
import type { OutboundMessage } from '../cloud-api/message-types.ts'
import type { Db } from '../db/connect.ts'
import type { DialectCapabilities } from '../db/dialect.ts'
import type { MessageRow } from '../inbox/messages-repo.ts'
import { completeJobs } from '../jobs/jobs-repo.ts'
import type { Job } from '../jobs/types.ts'
import type { Logger } from '../log.ts'
import type { MessagingContext } from './context.ts'
import { createGroupCommit } from './group-commit.ts'
import { addTransition, markQueuedAgain, markSendingMany } from './outbound-repo.ts'
import {
  type Accepted,
  type AcceptedAnswer,
  settleAcceptedInOne,
  settleAcceptedMany,
  settleFailed,
  settleUnknown,
  settleUnreachable,
} from './outcomes.ts'
import type { LaneGrant, RateLanes } from './rate-lanes.ts'

// One attempt to send one message (a `message.send` job). Invariant: the message is marked
// `sending` (committed) before the request leaves, and only a known answer moves it on. A job
// that finds its message still `sending` is a re-run after a crash or a lost lease: the first
// request may have reached Meta, so the message becomes `unknown` — reported, never resent
// silently (SPEC §6, decision 0006). The HTTP request is not tied to the worker's abort signal:
// a stopping worker lets a request in flight finish rather than make its outcome unknown.
// Decisions on Meta's errors come from the catalogue (retry: no | backoff | slow_lane | later).
// The two writes around the request go through group commits (group-commit.ts).

type Obj = Record<string, unknown>

/** What the worker does with the job afterwards. */
export type SendOutcome =
  /** Finished: delete the job. */
  | { kind: 'done' }
  /** Finished, and the job already deleted with the outcome (one group commit). */
  | { kind: 'completed' }
  /** Not an attempt (rate lane, pair limit, stopping): back to the queue after `delayMs`. */
  | { kind: 'release'; delayMs: number }
  /** A failed attempt that will be retried after `delayMs`. */
  | { kind: 'retry'; delayMs: number; error: string }

/** Exponential backoff with ±25% jitter: 2 s, 4 s, 8 s … capped at 10 minutes. */
export function sendBackoffMs(attempt: number): number {
  const base = Math.min(600_000, 2000 * 2 ** Math.max(0, attempt - 1))
  return Math.round(base * (0.75 + Math.random() * 0.5))
}

// `later`: Meta names the wait (FACTS §3.2). Codes not here fail at once (131049: not before
// 24 h — a deliberate retry is the caller's call).
const laterDelaysMs: Record<number, number> = {
  131057: 60_000, // maintenance / throughput upgrade in progress, ≤ 1 minute
  133015: 5 * 60_000,
  134101: 10 * 60_000,
  132069: 60 * 60_000,
}

export type SenderDeps = {
  ctx: MessagingContext
  lanes: RateLanes
  workerId: string
  /** Group commits in flight at once: 1 on SQLite (one writer), a few on PostgreSQL. */
  commitConcurrency?: number
  /** The database's capabilities (job rows are locked in id order on PostgreSQL). */
  caps?: DialectCapabilities
}

/** The Graph target of a number, read once per claimed batch of jobs (send-worker.ts). */
export type TargetOf = (numberRowId: string) => Promise<NumberTarget>

export type Sender = ReturnType<typeof createSender>

export function createSender(deps: SenderDeps) {
  const { ctx, lanes, workerId } = deps
  const { db } = ctx
  const concurrency = deps.commitConcurrency ?? 1

  // Before the request: each pair's slot (Meta's pair limit) and `sending` for the whole group —
  // one statement where the database has writable CTEs (PostgreSQL: one round trip, no
  // transaction), else two statements in one transaction.
  type Gate = { pairWaitMs: number; sending: boolean; strikes: number }
  type BeforeItem = { msg: MessageRow; recipient: string; at: number }
  const gateOf = (pair: LaneGrant & { strikes?: number }, sending: boolean): Gate =>
    pair.ok
      ? { pairWaitMs: 0, sending, strikes: pair.strikes ?? 0 }
      : { pairWaitMs: pair.retryInMs, sending: false, strikes: 0 }
  async function bookAndMarkSending(trx: Db, items: BeforeItem[]): Promise<Gate[]> {
    const pairs = await lanes.takePairs(
      items.map((i) => ({ numberRowId: i.msg.phone_number_id, recipient: i.recipient })),
      trx,
    )
    const booked = items.filter((_, n) => pairs[n].ok)
    const sending = await markSendingMany(
      trx,
      booked.map((i) => i.msg.id),
      items[0].at,
    )
    return items.map((item, n) => gateOf(pairs[n], sending.has(item.msg.id)))
  }
  const oneStatement = deps.caps?.writableCte ?? false
  const beforeSend = createGroupCommit(
    db,
    async (conn, items: BeforeItem[]): Promise<Gate[]> => {
      if (!oneStatement) return bookAndMarkSending(conn, items)
      const one = await lanes.takePairsMarkSending(
        items.map((i) => ({
          numberRowId: i.msg.phone_number_id,
          recipient: i.recipient,
          messageId: i.msg.id,
        })),
        items[0].at,
        conn,
      )
      if (one) return one.map((r) => gateOf(r.grant, r.sending))
      return conn.transaction().execute((trx) => bookAndMarkSending(trx, items))
    },
    { concurrency, transaction: !oneStatement },
  )
  // After Meta accepted it: the wamid, history, event, earlier statuses and the job deleted, in
  // one transaction for the group (the job rows locked in id order, as the worker's lease
  // renewal locks them, so the two cannot deadlock on PostgreSQL). With writable CTEs, one
  // statement for the group (outcomes.ts settleAcceptedInOne); a reaction, or a message whose
  // statuses came before its wamid, still takes the transaction.
  type AfterItem = Accepted & { jobId: number }
  async function settleAndComplete(trx: Db, items: AfterItem[]): Promise<void> {
    await settleAcceptedMany(trx, items)
    await completeJobs(
      trx,
      items.map((i) => i.jobId),
      workerId,
      deps.caps,
    )
  }
  const afterAccepted = createGroupCommit(
    db,
    async (conn, items: AfterItem[]) => {
      if (!oneStatement) {
        await settleAndComplete(conn, items)
        return items.map(() => undefined)
      }
      const full = items.filter((i) => i.msg.type === 'reaction')
      full.push(
        ...(await settleAcceptedInOne(
          conn,
          items.filter((i) => i.msg.type !== 'reaction'),
          workerId,
        )),
      )
      if (full.length > 0) await conn.transaction().execute((trx) => settleAndComplete(trx, full))
      return items.map(() => undefined)
    },
    { concurrency, transaction: !oneStatement },
  )

  async function again(msg: MessageRow, status: 'throttled' | 'retrying', detail: Obj): Promise<void> {
    await markQueuedAgain(db, msg.id)
    await addTransition(db, { messageId: msg.id, tenantId: msg.tenant_id, status, detail })
  }

  async function sendOnce(
    job: Job,
    msg: MessageRow | undefined,
    signal: AbortSignal,
    log: Logger,
    targetOf: TargetOf = (numberRowId) => numberTarget(ctx, numberRowId),
  ): Promise<SendOutcome> {
    if (!msg) return { kind: 'done' } // removed with its tenant
    const attempt = job.attempts
    if (msg.status === 'sending') {
      const target = await numberTarget(ctx, msg.phone_number_id).catch(() => undefined)
      await settleUnknown(db, log, msg, {
        reason: `The worker sending it stopped (crash, restart or lost lease) after the request may have left (sending since ${new Date(msg.status_at).toISOString()}).`,
        kind: 'interrupted',
        phoneNumberId: target?.phoneNumberId ?? msg.phone_number_id,
        attempt,
        worker: workerId,
      })
      return { kind: 'done' }
    }
    if (msg.status !== 'queued') return { kind: 'done' } // settled meanwhile (a stale job)

    const body = JSON.parse(msg.content) as OutboundMessage & Obj
    const recipient = String(body.to ?? body.recipient)
    const number = await lanes.takeNumber(msg.phone_number_id, signal)
    if (!number.ok) return { kind: 'release', delayMs: number.retryInMs }
    const target = await targetOf(msg.phone_number_id)
    const sendingAt = Date.now()
    const gate = await beforeSend.run({ msg, recipient, at: sendingAt })
    if (gate.pairWaitMs > 0) return { kind: 'release', delayMs: gate.pairWaitMs }
    if (!gate.sending) return { kind: 'done' } // moved meanwhile (a retry, a second job)

    let wamid: string | undefined
    let metaStatus: string | undefined
    // The number's turn, measured at this moment: a stall since the slot cannot make a burst.
    await lanes.dispatch(msg.phone_number_id)
    try {
      const answer = await ctx.graph.sendMessage(target.target, target.phoneNumberId, body)
      wamid = answer.messages?.[0]?.id
      metaStatus = answer.messages?.[0]?.message_status
    } catch (err) {
      return failure(err, { msg, job, phoneNumberId: target.phoneNumberId, recipient, log })
    }
    if (!wamid) {
      await settleUnknown(db, log, msg, {
        reason: 'Meta answered 200 without a message id.',
        kind: 'bad_response',
        phoneNumberId: target.phoneNumberId,
        attempt,
        worker: workerId,
      })
      return { kind: 'done' }
    }
    const answer: AcceptedAnswer = {
      wamid,
      messageStatus: metaStatus,
      attempt,
      worker: workerId,
      sendingAt,
      laneWaitMs: Math.round(number.waitedMs),
    }
    // The wamid is the proof Meta has it: storing it is retried rather than lost.
    for (let i = 0; ; i++) {
      try {
        await afterAccepted.run({ msg, metaPhoneNumberId: target.phoneNumberId, answer, jobId: job.id })
        break
      } catch (err) {
        if (i >= 2) throw err
        log.warn({ err, messageId: msg.id, wamid }, 'storing the wamid failed, retrying')
      }
    }
    if (gate.strikes > 0) await lanes.pairRecovered(msg.phone_number_id, recipient)
    return { kind: 'completed' }
  }

  async function failure(
    err: unknown,
    c: { msg: MessageRow; job: Job; phoneNumberId: string; recipient: string; log: Logger },
  ): Promise<SendOutcome> {
    const { msg, log } = c
    const attempt = c.job.attempts
    if (err instanceof GraphTransportError) {
      if (err.requestSent) {
        await settleUnknown(db, log, msg, {
          reason: `No usable answer from the Graph API (${err.message}).`,
          kind: err.kind,
          phoneNumberId: c.phoneNumberId,
          attempt,
          worker: workerId,
        })
        return { kind: 'done' }
      }
      // Nothing left this process (refused connection, DNS): a resend is safe.
      if (attempt >= c.job.maxAttempts) {
        await settleUnreachable(db, log, msg, {
          reason: err.message,
          phoneNumberId: c.phoneNumberId,
          attempt,
        })
        return { kind: 'done' }
      }
      const delayMs = sendBackoffMs(attempt)
      await again(msg, 'retrying', { reason: err.message, attempt, retryInMs: delayMs })
      log.warn(
        {
          messageId: msg.id,
          tenantId: msg.tenant_id,
          phoneNumberId: c.phoneNumberId,
          code: null,
          title: 'Graph API unreachable',
          explanation: `${err.message}; nothing reached Meta, Wahub retries.`,
          attempt,
          retryInMs: delayMs,
        },
        'send failed',
      )
      return { kind: 'retry', delayMs, error: err.message }
    }
    if (!(err instanceof GraphError)) throw err // a bug or the database: retried; `sending` → unknown

    const info = err.info
    if (info.retry === 'slow_lane') {
      // 130429 slows the number's lane (every instance), 131056 the recipient's pair.
      const delayMs =
        err.code === 131056
          ? await lanes.slowPair(msg.phone_number_id, c.recipient)
          : await lanes.slowNumber(msg.phone_number_id)
      await again(msg, 'throttled', { code: err.code, title: err.title, attempt, retryInMs: delayMs })
      log.warn(
        {
          messageId: msg.id,
          tenantId: msg.tenant_id,
          phoneNumberId: c.phoneNumberId,
          code: err.code,
          title: err.title,
          retryInMs: delayMs,
        },
        err.code === 131056 ? 'send throttled: pair rate limit' : 'send throttled: number throughput',
      )
      return { kind: 'release', delayMs }
    }
    const delayMs =
      info.retry === 'backoff'
        ? sendBackoffMs(attempt)
        : info.retry === 'later'
          ? laterDelaysMs[err.code]
          : undefined
    if (delayMs !== undefined && attempt < c.job.maxAttempts) {
      await again(msg, 'retrying', { code: err.code, title: err.title, attempt, retryInMs: delayMs })
      log.warn(
        {
          messageId: msg.id,
          tenantId: msg.tenant_id,
          phoneNumberId: c.phoneNumberId,
          code: err.code,
          title: err.title,
          explanation: info.meaning,
          retry: info.retry,
          attempt,
          retryInMs: delayMs,
        },
        'send failed',
      )
      return { kind: 'retry', delayMs, error: err.message }
    }
    await settleFailed(db, log, msg, err, {
      phoneNumberId: c.phoneNumberId,
      attempt,
      gaveUp: delayMs !== undefined,
    })
    return { kind: 'done' }
  }

  return { sendOnce }
}

/** Outbound messages of the claimed jobs, in one query. */
export async function loadForJobs(db: Db, jobs: readonly Job[]): Promise<Map<string, MessageRow>> {
  const ids = jobs.map((j) => (j.payload as { messageId: string }).messageId)
  const out = new Map<string, MessageRow>()
  if (ids.length === 0) return out
  const rows = await db
    .selectFrom('messages')
    .selectAll()
    .where('id', 'in', ids)
    .where('direction', '=', 'out')
    .execute()
  for (const r of rows) out.set(r.id, r)
  return out
}
