import type { FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import type { Db } from '../../../db/connect.ts'
import { WahubError } from '../../../errors.ts'
import type { MessagingContext } from '../../../messaging/context.ts'
import { checkKey } from '../../../messaging/idempotency.ts'
import { parseSendRequest } from '../../../messaging/send-checks.ts'
import { refusedField } from '../../../messaging/send-prepare.ts'
import { type EnqueueItem, enqueueMany, maxBulkItems } from '../../../messaging/send-service.ts'
import {
  type BatchItemResult,
  BatchResultSchema,
  presentBatchError,
  presentBatchQueued,
} from '../../presenters/message-batch.ts'
import { commonErrors, ErrorSchema } from '../../presenters/schema-helpers.ts'
import { routes } from '../plugin.ts'
import { sendAny, sendingTenant, sendSourceOf } from './sending-tenant.ts'

// Bulk send (decision 0075): up to 1,000 messages in one call, each judged exactly like
// POST /messages (schema, Idempotency-Key, sender, recipient, window, template, media) with its
// own result; the accepted ones are queued in one transaction (messaging/send-service.ts
// enqueueMany). A refused item names its field as `messages[i].field`.

/** A bulk call's body: 1,000 text messages of 4,096 characters fit. */
const batchBodyLimit = 8 * 1024 * 1024

export const BatchRequestSchema = Type.Object(
  {
    messages: Type.Array(
      Type.Object(
        {
          idempotency_key: Type.Optional(
            Type.String({
              minLength: 1,
              maxLength: 255,
              description: "This message's Idempotency-Key (a repeat returns its first answer, 24 h)",
            }),
          ),
        },
        {
          additionalProperties: true,
          description:
            'The body of POST /api/v1/messages (checked per message), plus an optional idempotency_key',
        },
      ),
      { minItems: 1, maxItems: maxBulkItems },
    ),
  },
  { additionalProperties: false },
)

/** The item's error with its fields under `messages[i]`. */
function itemError(index: number, err: WahubError): BatchItemResult {
  const at = `messages[${index}]`
  const field = refusedField(err)
  const details = Array.isArray(err.details)
    ? (err.details as { field?: string }[]).map((p) => ({ ...p, field: `${at}.${p.field ?? ''}` }))
    : err.details
  const message = err.message.startsWith('Invalid message: ')
    ? `Invalid message: ${at}.${err.message.slice('Invalid message: '.length)}`
    : `${at}: ${err.message}`
  return presentBatchError(
    index,
    { code: err.code, message, fix: err.fix, details },
    field && `${at}.${field}`,
  )
}

type Item = { index: number; item: EnqueueItem }

export const messageBatchRoutes = routes(async (app, deps) => {
  const { db } = deps.handle
  const ctx: MessagingContext = {
    db,
    vault: deps.vault,
    graph: deps.graph,
    config: deps.config,
    log: deps.log.child({ component: 'send' }),
    nudge: deps.sending?.nudge,
    caps: deps.handle.caps,
  }

  app.post(
    '/messages/batch',
    {
      config: sendAny,
      bodyLimit: batchBodyLimit,
      schema: {
        tags: ['messages'],
        summary: `Send up to ${maxBulkItems} messages in one call (each queued or refused on its own)`,
        description:
          'Each element of `messages` is the body of POST /api/v1/messages, checked the same way, plus an optional `idempotency_key`. An `Idempotency-Key` header gives the elements without their own the key `<header>:<index>`. The answer lists every element in order: queued (as POST /messages answers) or refused with the error and `field` named `messages[i].…`. The queued ones commit together. Always 200 when the call itself was valid; see `queued` and `refused`.',
        body: BatchRequestSchema,
        headers: Type.Object({
          'idempotency-key': Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
        }),
        response: { 200: BatchResultSchema, ...commonErrors, 413: ErrorSchema },
      },
    },
    async (req) => {
      const header = req.headers['idempotency-key']
      const callKey = header === undefined ? undefined : checkKey(String(header))
      const results: BatchItemResult[] = new Array(req.body.messages.length)
      const byTenant = await groupByTenant(db, req, req.body.messages, callKey, results)
      for (const [tenantId, list] of byTenant) {
        const outcomes = await enqueueMany(ctx, {
          tenantId,
          items: list.map((l) => l.item),
          source: sendSourceOf(req),
        })
        for (const [n, outcome] of outcomes.entries()) {
          const index = list[n].index
          results[index] = outcome.ok
            ? presentBatchQueued(index, outcome.answer.body, outcome.answer.replayed)
            : itemError(index, outcome.error)
        }
      }
      const queued = results.filter((r) => r.ok).length
      return { queued, refused: results.length - queued, results }
    },
  )
})

/** Parses each element (its own errors) and sorts them by the tenant they send for. */
async function groupByTenant(
  db: Db,
  req: FastifyRequest,
  messages: readonly Record<string, unknown>[],
  callKey: string | undefined,
  results: BatchItemResult[],
): Promise<Map<string, Item[]>> {
  const byTenant = new Map<string, Item[]>()
  const tenantOf = new Map<string, Promise<string>>()
  for (const [index, raw] of messages.entries()) {
    const { idempotency_key: ownKey, ...body } = raw
    try {
      const key =
        typeof ownKey === 'string'
          ? checkKey(ownKey)
          : callKey !== undefined
            ? `${callKey}:${index}`
            : undefined
      const request = parseSendRequest(body)
      const from = request.from ?? ''
      let tenant = tenantOf.get(from)
      if (!tenant) {
        tenant = sendingTenant(db, req, request.from)
        tenant.catch(() => {})
        tenantOf.set(from, tenant)
      }
      const tenantId = await tenant
      const list = byTenant.get(tenantId) ?? []
      list.push({ index, item: { request, idempotencyKey: key } })
      byTenant.set(tenantId, list)
    } catch (err) {
      if (!(err instanceof WahubError)) throw err
      results[index] = itemError(index, err)
    }
  }
  return byTenant
}
