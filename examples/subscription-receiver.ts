import { createServer } from 'node:http'
import { Webhook } from 'standardwebhooks'

// A webhook subscription receiver (docs/INTEGRATIONS.md): verifies each request with the
// `standardwebhooks` package, and answers every inbound WhatsApp text through Wahub's API.
//
//   WAHUB_URL=http://localhost:8080 WAHUB_API_KEY=wh_… WEBHOOK_SECRET=whsec_… PORT=3000 \
//     node examples/subscription-receiver.ts
//   wahub subscription add --tenant acme --url http://localhost:3000/hook --event message.received

const wahubUrl = process.env.WAHUB_URL ?? 'http://localhost:8080'
const apiKey = process.env.WAHUB_API_KEY ?? ''
const webhook = new Webhook(process.env.WEBHOOK_SECRET ?? '')
const seen = new Set<string>() // webhook-id is the same on every retry: handle each event once

type Event = {
  type: string
  data: { messageId?: string; conversationId?: string }
  message?: { from?: string; type?: string; content?: { text?: { body?: string } } } | null
}

createServer((req, res) => {
  const chunks: Buffer[] = []
  req.on('data', (c: Buffer) => chunks.push(c))
  req.on('end', async () => {
    const body = Buffer.concat(chunks).toString('utf8')
    let event: Event
    try {
      event = webhook.verify(body, req.headers as Record<string, string>) as Event
    } catch {
      res.writeHead(401).end('bad signature')
      return
    }
    const id = String(req.headers['webhook-id'])
    res.writeHead(204).end() // answer fast; do the work after
    if (seen.has(id)) return
    seen.add(id)
    if (event.type !== 'message.received' || event.message?.type !== 'text') return
    const text = event.message.content?.text?.body ?? ''
    const answer = await fetch(`${wahubUrl}/api/v1/messages`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${apiKey}`,
        'content-type': 'application/json',
        'idempotency-key': `reply-${id}`,
      },
      body: JSON.stringify({ to: event.message.from, type: 'text', text: { body: `You wrote: ${text}` } }),
    })
    console.log(`replied to ${event.message.from}: HTTP ${answer.status}`)
  })
}).listen(Number(process.env.PORT ?? 3000), () => console.log('listening for Wahub events'))
