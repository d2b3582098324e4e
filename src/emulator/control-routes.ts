import type { FastifyInstance } from 'fastify'
import type { Control } from './control.ts'
import { parseSince } from './ledger.ts'
import { isObject } from './validate-helpers.ts'

// /_emulator/* (docs/EMULATOR.md lists each): thin routes over the control commands.
// No authentication: the emulator is a local test tool and must not be exposed.

type Id = { id: string }
const body = (b: unknown) => (isObject(b) ? b : {})

export async function controlRoutes(app: FastifyInstance, { control }: { control: Control }) {
  app.get('/state', async () => control.state())

  app.post('/customers', async (req, reply) => reply.code(201).send(control.addCustomer(req.body)))
  app.get('/customers/:id', async (req) => control.customer((req.params as Id).id))
  app.post('/customers/:id', async (req) => control.updateCustomer((req.params as Id).id, req.body))
  app.post('/customers/:id/undeliverable', async (req) =>
    control.setUndeliverable((req.params as Id).id, body(req.body).undeliverable !== false),
  )
  app.post('/customers/:id/messages', async (req) => {
    const q = req.query as { phone_number_id?: string }
    return control.customerSends((req.params as Id).id, req.body, { phoneNumberId: q.phone_number_id })
  })

  app.post('/webhook', async (req) => {
    const b = body(req.body)
    return control.setWebhookUrl(
      typeof b.url === 'string' || b.url === null ? (b.url as string | null) : '',
      typeof b.app_secret === 'string' ? b.app_secret : undefined,
    )
  })
  app.post('/webhooks/flush', async () => control.flushWebhooks())
  app.post('/webhooks/send', async (req) => control.emitWebhook(req.body))

  app.post('/tokens', async (req, reply) => reply.code(201).send(control.addToken(req.body)))
  app.post('/tokens/expire', async (req) => control.expireToken(String(body(req.body).token ?? '')))
  app.post('/tokens/revoke', async (req) => control.revokeToken(String(body(req.body).token ?? '')))

  app.post('/numbers/:id', async (req) => control.updateNumber((req.params as Id).id, req.body))
  app.post('/numbers/:id/throughput', async (req) => {
    const b = body(req.body)
    const mps = b.mps === null || b.mps === undefined ? null : (b.mps as number)
    return control.setThroughput(
      (req.params as Id).id,
      mps,
      typeof b.level === 'string' ? b.level : undefined,
    )
  })
  app.post('/numbers/:id/messaging-limit', async (req) =>
    control.setMessagingLimit((req.params as Id).id, String(body(req.body).tier ?? '')),
  )
  app.post('/numbers/:id/quality', async (req) =>
    control.setQuality((req.params as Id).id, String(body(req.body).quality_rating ?? '')),
  )

  app.post('/app', async (req) => control.updateApp(req.body))
  app.post('/wabas/:id', async (req) => control.updateWaba((req.params as Id).id, req.body))

  app.post('/templates/status', async (req) => control.setTemplateStatus(req.body))

  app.get('/faults', async () => control.faults())
  app.post('/faults', async (req) => control.setFaults(req.body))
  app.delete('/faults', async () => control.clearFaults())

  app.post('/auto-reply', async (req) => control.setAutoReply(body(req.body).enabled === true))

  app.get('/ledger', async (req) => {
    const q = req.query as { kind?: string; since?: string }
    const kind = q.kind === 'graph' || q.kind === 'webhook' ? q.kind : undefined
    const entries = control.ledger({ kind, since: parseSince(q.since) })
    return { data: entries, count: entries.length }
  })
  app.delete('/ledger', async () => {
    control.clearLedger()
    return { success: true }
  })
}
