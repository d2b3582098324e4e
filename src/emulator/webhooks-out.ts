import type { EmulatorContext } from './context.ts'
import { chance } from './faults.ts'
import { newHexId } from './ids.ts'
import { serializeLikeMeta, signSha1, signSha256 } from './serialize.ts'
import type { JsonObject } from './types.ts'
import { postWebhook } from './webhook-delivery.ts'
import { buildEnvelope, type WebhookEvent } from './webhook-envelope.ts'
import { resolveCallback } from './webhook-routing.ts'

export type { WebhookEvent }

export type WebhookDispatcher = {
  /** Queues an event for its callback; batched with others bound for the same URL. */
  emit(event: WebhookEvent): void
  /** Sends every queued batch now (tests, shutdown). */
  flush(): void
  /** Deliveries queued or in flight (including retries waiting). */
  pending(): number
  /** Sends a ready envelope as is (control route for arbitrary fields). */
  sendEnvelope(url: string, payload: JsonObject): void
}

type Queue = { events: WebhookEvent[]; timerSet: boolean }

/**
 * Webhooks out (SPEC §9): batching per callback URL, Meta's serialisation and signature,
 * retries with exponential backoff on any non-2xx, timeout or connection error (M-WH), and the
 * webhook faults (latency, drops, duplicates, reordering). Every attempt goes to the ledger.
 */
export function createWebhookDispatcher(ctx: EmulatorContext): WebhookDispatcher {
  const queues = new Map<string, Queue>()
  let inFlight = 0

  const flushUrl = (url: string) => {
    const queue = queues.get(url)
    if (!queue || queue.events.length === 0) return
    queues.delete(url)
    const events = ctx.faults.webhooks.reorder ? [...queue.events].reverse() : queue.events
    const { maxItems } = ctx.options.batch
    for (let i = 0; i < events.length; i += maxItems) {
      dispatch(url, buildEnvelope(events.slice(i, i + maxItems), Date.now()))
    }
  }

  const dispatch = (url: string, payload: JsonObject) => {
    const deliveryId = newHexId(8)
    const body = serializeLikeMeta(payload)
    attempt(url, payload, body, deliveryId, 1, undefined)
    if (chance(ctx.faults.webhooks.duplicateRate)) {
      // Meta delivers at least once: the same bytes again, as a separate delivery.
      attempt(url, payload, body, newHexId(8), 1, 'duplicate')
    }
  }

  const attempt = (
    url: string,
    payload: JsonObject,
    body: string,
    deliveryId: string,
    n: number,
    fault: string | undefined,
  ) => {
    inFlight += 1
    const faults = ctx.faults.webhooks
    const cut = chance(faults.dropRate)
    const signature = signSha256(body, ctx.state.app.secret)
    const run = async () => {
      const result = await postWebhook(
        url,
        body,
        {
          'content-type': 'application/json',
          'user-agent': 'facebookexternalua',
          'x-hub-signature-256': signature,
          'x-hub-signature': signSha1(body, ctx.state.app.secret),
        },
        { timeoutMs: ctx.options.webhookRetry.timeoutMs, cutMidBody: cut },
      )
      inFlight -= 1
      if (ctx.scheduler.closed) return
      const ok = result.statusCode !== undefined && result.statusCode >= 200 && result.statusCode < 300
      const { maxAttempts, baseMs } = ctx.options.webhookRetry
      const gaveUp = !ok && n >= maxAttempts
      ctx.ledger.addWebhook({
        at: Date.now(),
        deliveryId,
        attempt: n,
        url,
        payload,
        body,
        signature,
        statusCode: result.statusCode,
        error: result.error,
        durationMs: result.durationMs,
        gaveUp,
        fault: cut ? 'drop' : fault,
      })
      if (ok) return
      if (gaveUp) {
        ctx.log.warn({ deliveryId, url, attempts: n }, 'webhook delivery gave up')
        return
      }
      // Exponential backoff, like Meta's "decreasing frequency" retries (M-WH, M-THR).
      inFlight += 1
      ctx.scheduler.after(baseMs * 2 ** (n - 1), () => {
        inFlight -= 1
        attempt(url, payload, body, deliveryId, n + 1, fault)
      })
    }
    if (faults.latencyMs > 0) {
      ctx.scheduler.after(faults.latencyMs, () => void run())
    } else {
      void run()
    }
  }

  return {
    emit(event) {
      if (ctx.scheduler.closed) return
      const target = resolveCallback(ctx, event)
      if (!target.ok) {
        if (target.reason === 'no_callback') ctx.counters.webhooksWithoutCallback += 1
        else ctx.counters.webhooksNotSubscribed += 1
        return
      }
      let queue = queues.get(target.url)
      if (!queue) {
        queue = { events: [], timerSet: false }
        queues.set(target.url, queue)
      }
      queue.events.push(event)
      if (queue.events.length >= ctx.options.batch.maxItems) {
        flushUrl(target.url)
        return
      }
      if (!queue.timerSet) {
        queue.timerSet = true
        ctx.scheduler.after(ctx.options.batch.windowMs, () => flushUrl(target.url))
      }
    },
    flush() {
      for (const url of [...queues.keys()]) flushUrl(url)
    },
    pending() {
      let queued = 0
      for (const q of queues.values()) queued += q.events.length
      return queued + inFlight
    },
    sendEnvelope(url, payload) {
      dispatch(url, payload)
    },
  }
}
