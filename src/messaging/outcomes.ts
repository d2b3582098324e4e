import { sql } from 'kysely'
import type { ExplainedMetaError } from '../cloud-api/error-catalogue.ts'
import type { GraphError } from '../cloud-api/graph-client.ts'
import type { Db } from '../db/connect.ts'
import { recordEvent, recordEvents } from '../events/events-repo.ts'
import { newId } from '../ids.ts'
import type { MessageRow } from '../inbox/messages-repo.ts'
import { applyReaction } from '../inbox/reactions-repo.ts'
import type { Logger } from '../log.ts'
import { addTransition, addTransitions, markAcceptedMany, markFailed, markUnknown } from './outbound-repo.ts'
import { applyEarlierStatuses, findOrphanStatuses } from './status.ts'

// How a send ends, each in one transaction with its history row and the `message.status`
// event that feeds tenants' callbacks and the dashboard. `send failed` is the log line a
// person greps for (seed 000 had none): code, title, our explanation and ids — never the
// token or the message body.

type Obj = Record<string, unknown>

export function explanationOf(info: ExplainedMetaError): string {
  return `${info.meaning} ${info.fix}`
}

async function event(db: Db, msg: MessageRow, status: string, errorCode: number | null): Promise<void> {
  await recordEvent(db, {
    tenantId: msg.tenant_id,
    kind: 'message.status',
    subjectId: msg.id,
    payload: { messageId: msg.id, status, errorCode },
  })
}

export type AcceptedAnswer = {
  wamid: string
  messageStatus?: string
  attempt: number
  worker: string
  sendingAt: number
  laneWaitMs: number
}

export type Accepted = { msg: MessageRow; metaPhoneNumberId: string; answer: AcceptedAnswer }

/**
 * settleAcceptedIn for a group commit, with one statement for what can be shared: the history
 * rows, and the look-up of status webhooks that arrived before their wamid was stored.
 */
export async function settleAcceptedMany(trx: Db, list: readonly Accepted[]): Promise<void> {
  const now = Date.now()
  const movedIds = await markAcceptedMany(
    trx,
    list.map((a) => ({ id: a.msg.id, wamid: a.answer.wamid })),
    now,
  )
  const moved = list.filter((a) => movedIds.has(a.msg.id))
  if (moved.length === 0) return
  await addTransitions(
    trx,
    moved.map(({ msg, answer }) => ({
      messageId: msg.id,
      tenantId: msg.tenant_id,
      status: 'sent',
      at: now,
      detail: sentDetail(answer),
    })),
  )
  await recordEvents(
    trx,
    moved.map(({ msg }) => ({
      tenantId: msg.tenant_id,
      kind: 'message.status' as const,
      subjectId: msg.id,
      payload: { messageId: msg.id, status: 'sent', errorCode: null },
    })),
  )
  // Status webhooks can arrive before the wamid is stored: apply the ones already received.
  const early = await trx
    .selectFrom('message_status_events')
    .select('wamid')
    .where('message_id', 'is', null)
    .where(
      'wamid',
      'in',
      moved.map((a) => a.answer.wamid),
    )
    .execute()
  const earlyWamids = new Set(early.map((e) => e.wamid))
  for (const a of moved) {
    if (earlyWamids.has(a.answer.wamid)) {
      // Meta's statuses that came first are news for the tenant too, each of them (a `failed`
      // that raced the send carries Meta's code like one applied in order).
      for (const move of await applyEarlierStatuses(trx, a.msg.id, a.metaPhoneNumberId, a.answer.wamid))
        await event(trx, a.msg, move.status, move.errorCode)
    }
    if (a.msg.type === 'reaction') {
      const reaction = (JSON.parse(a.msg.content) as Obj).reaction as { message_id: string; emoji: string }
      await applyReaction(trx, {
        tenantId: a.msg.tenant_id,
        numberRowId: a.msg.phone_number_id,
        targetWamid: reaction.message_id,
        fromContactId: null,
        direction: 'out',
        emoji: reaction.emoji,
        wamid: a.answer.wamid,
        at: now,
      })
    }
  }
}

/** The `sent` history row's detail of an accepted send. */
function sentDetail(answer: AcceptedAnswer): Obj {
  return {
    wamid: answer.wamid,
    attempt: answer.attempt,
    worker: answer.worker,
    sendingAt: answer.sendingAt,
    laneWaitMs: answer.laneWaitMs,
    ...(answer.messageStatus ? { metaStatus: answer.messageStatus } : {}),
  }
}

/**
 * settleAcceptedMany and the jobs' completion (jobs-repo.ts completeJobs) as ONE statement, for
 * databases with writable CTEs (PostgreSQL): atomic on its own, so the group is one round trip
 * instead of BEGIN, six statements and COMMIT. The same rows as settleAcceptedMany: `sent` with
 * the wamid (from `sending` or `unknown`), the history row, the `message.status` event, the job
 * deleted (its row locked in id order, as renewLocks locks them). A message whose status
 * webhooks came before its wamid is left untouched here, with its job, and returned: it takes
 * settleAcceptedMany in a transaction (its earlier statuses applied with it). Reactions are the
 * caller's to route there too (applyReaction).
 */
export async function settleAcceptedInOne(
  db: Db,
  list: readonly (Accepted & { jobId: number })[],
  workerId: string,
): Promise<(Accepted & { jobId: number })[]> {
  if (list.length === 0) return []
  const now = Date.now()
  const values = sql.join(
    list.map(
      (a) =>
        sql`(${a.msg.id}, ${a.answer.wamid}, ${a.metaPhoneNumberId}, ${a.jobId}::bigint, ${newId('mt', now)}, ${JSON.stringify(sentDetail(a.answer))}, ${JSON.stringify({ messageId: a.msg.id, status: 'sent', errorCode: null })})`,
    ),
  )
  const { rows } = await sql<{
    id: string
  }>`with v(id, wamid, pnid, job_id, mt_id, detail, payload) as (values ${values}),
    w as (select v.*, exists (select 1 from message_status_events s
      where s.phone_number_id = v.pnid and s.wamid = v.wamid and s.message_id is null) as early from v),
    moved as (update messages set status = 'sent', wamid = w.wamid, status_at = ${now}, updated_at = ${now}
      from w where messages.id = w.id and not w.early and messages.status in ('sending', 'unknown')
      returning messages.id, messages.tenant_id),
    t as (insert into message_transitions (id, message_id, tenant_id, status, at, detail)
      select w.mt_id, moved.id, moved.tenant_id, 'sent', ${now}::bigint, w.detail from moved join w on w.id = moved.id),
    e as (insert into events (tenant_id, kind, subject_id, payload, created_at)
      select moved.tenant_id, 'message.status', moved.id, w.payload, ${now}::bigint from moved join w on w.id = moved.id),
    j as (delete from jobs where id in (select id from jobs
      where id in (select w.job_id from w where not w.early) and locked_by = ${workerId} order by id for update))
    select id from w where early`.execute(db)
  const early = new Set(rows.map((r) => r.id))
  return list.filter((a) => early.has(a.msg.id))
}

export async function settleFailed(
  db: Db,
  log: Logger,
  msg: MessageRow,
  err: GraphError,
  context: { phoneNumberId: string; attempt: number; gaveUp?: boolean },
): Promise<void> {
  const info = err.info
  const explanation = explanationOf(info)
  await db.transaction().execute(async (trx) => {
    const moved = await markFailed(trx, msg.id, {
      code: err.code,
      title: err.title,
      details: err.details ?? null,
      explanation,
    })
    if (!moved) return
    await addTransition(trx, {
      messageId: msg.id,
      tenantId: msg.tenant_id,
      status: 'failed',
      detail: {
        code: err.code,
        title: err.title,
        details: err.details ?? null,
        retry: info.retry,
        attempt: context.attempt,
        ...(context.gaveUp ? { gaveUp: true } : {}),
        ...(err.fbtraceId ? { fbtraceId: err.fbtraceId } : {}),
      },
    })
    await event(trx, msg, 'failed', err.code)
  })
  log.warn(
    {
      messageId: msg.id,
      tenantId: msg.tenant_id,
      phoneNumberId: context.phoneNumberId,
      code: err.code,
      title: err.title,
      details: err.details,
      explanation,
      retry: info.retry,
      attempt: context.attempt,
      gaveUp: context.gaveUp ?? false,
      fbtraceId: err.fbtraceId,
    },
    'send failed',
  )
}

/** No usable answer after the request may have left: never resent silently (SPEC §6). */
export async function settleUnknown(
  db: Db,
  log: Logger,
  msg: MessageRow,
  why: { reason: string; kind: string; phoneNumberId: string; attempt: number; worker: string },
): Promise<void> {
  const moved = await db.transaction().execute(async (trx) => {
    if (!(await markUnknown(trx, msg.id))) return false
    await addTransition(trx, {
      messageId: msg.id,
      tenantId: msg.tenant_id,
      status: 'unknown',
      detail: { kind: why.kind, reason: why.reason, attempt: why.attempt, worker: why.worker },
    })
    await event(trx, msg, 'unknown', null)
    return true
  })
  if (!moved) return
  log.warn(
    {
      messageId: msg.id,
      tenantId: msg.tenant_id,
      phoneNumberId: why.phoneNumberId,
      code: null,
      title: 'outcome unknown',
      explanation: `${why.reason} Meta may or may not have sent it; Wahub does not resend it by itself. Check with the recipient, then POST /api/v1/messages/${msg.id}/retry to send it again.`,
      kind: why.kind,
      attempt: why.attempt,
    },
    'send failed',
  )
}

/** Graph could not be reached (nothing was sent) on the last attempt: failed, without a Meta code. */
export async function settleUnreachable(
  db: Db,
  log: Logger,
  msg: MessageRow,
  why: { reason: string; phoneNumberId: string; attempt: number },
): Promise<void> {
  const explanation = `The Graph API could not be reached on any of ${why.attempt} attempts (${why.reason}); nothing was sent. Check WAHUB_GRAPH_URL and the network, then POST /api/v1/messages/${msg.id}/retry.`
  await db.transaction().execute(async (trx) => {
    const moved = await markFailed(trx, msg.id, {
      code: null,
      title: 'Graph API unreachable',
      details: why.reason,
      explanation,
    })
    if (!moved) return
    await addTransition(trx, {
      messageId: msg.id,
      tenantId: msg.tenant_id,
      status: 'failed',
      detail: { reason: why.reason, attempt: why.attempt, gaveUp: true },
    })
    await event(trx, msg, 'failed', null)
  })
  log.warn(
    {
      messageId: msg.id,
      tenantId: msg.tenant_id,
      phoneNumberId: why.phoneNumberId,
      code: null,
      title: 'Graph API unreachable',
      explanation,
      attempt: why.attempt,
      gaveUp: true,
    },
    'send failed',
  )
}

/**
 * The job ran out of attempts on an error of Wahub's own (the database, a removed channel): the
 * message must not stay queued for ever. Still `sending` means the request may have left.
 */
export async function settleGaveUp(
  db: Db,
  log: Logger,
  messageId: string,
  why: { reason: string; attempt: number; worker: string },
): Promise<void> {
  const msg = await db.selectFrom('messages').selectAll().where('id', '=', messageId).executeTakeFirst()
  if (msg?.direction !== 'out') return
  if (msg.status === 'sending') {
    await settleUnknown(db, log, msg, {
      reason: `Wahub failed after the request may have left (${why.reason}).`,
      kind: 'internal',
      phoneNumberId: msg.phone_number_id,
      attempt: why.attempt,
      worker: why.worker,
    })
    return
  }
  if (msg.status !== 'queued') return
  const explanation = `Wahub could not send it (${why.reason}); nothing reached Meta. Fix the cause (\`wahub doctor\`), then POST /api/v1/messages/${msg.id}/retry.`
  await db.transaction().execute(async (trx) => {
    if (!(await markFailed(trx, msg.id, { code: null, title: 'Not sent', details: why.reason, explanation })))
      return
    await addTransition(trx, {
      messageId: msg.id,
      tenantId: msg.tenant_id,
      status: 'failed',
      detail: { reason: why.reason, attempt: why.attempt, gaveUp: true },
    })
    await event(trx, msg, 'failed', null)
  })
  log.warn(
    {
      messageId: msg.id,
      tenantId: msg.tenant_id,
      code: null,
      title: 'Not sent',
      explanation,
      attempt: why.attempt,
    },
    'send failed',
  )
}

/**
 * Statuses stored before their message had its wamid (findOrphanStatuses) linked and applied,
 * each message in one transaction with a `message.status` event per move it made. Returns the
 * number of moves.
 */
export async function adoptLateStatuses(db: Db, since: number): Promise<number> {
  let count = 0
  for (const orphan of await findOrphanStatuses(db, since)) {
    count += await db.transaction().execute(async (trx) => {
      const moves = await applyEarlierStatuses(trx, orphan.messageId, orphan.metaPhoneNumberId, orphan.wamid)
      await recordEvents(
        trx,
        moves.map((m) => ({
          tenantId: orphan.tenantId,
          kind: 'message.status' as const,
          subjectId: orphan.messageId,
          payload: { messageId: orphan.messageId, status: m.status, errorCode: m.errorCode },
        })),
      )
      return moves.length
    })
  }
  return count
}
