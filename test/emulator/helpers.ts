import { createHmac, timingSafeEqual } from 'node:crypto'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { type Emulator, type EmulatorOptions, startEmulator } from '../../src/emulator/index.ts'

// Test helpers for the emulator: a real HTTP webhook receiver that checks signatures, a Graph
// caller, and waiting on conditions (never on time).

export type ReceivedWebhook = {
  raw: Buffer
  body: WebhookBody
  headers: http.IncomingHttpHeaders
  signatureValid: boolean
  status: number
}

export type WebhookBody = {
  object: string
  entry: { id: string; time?: number; changes: { field: string; value: Record<string, unknown> }[] }[]
}

export type Receiver = {
  url: string
  received: ReceivedWebhook[]
  /** Every change value of every delivery, in arrival order. */
  values(field?: string): Record<string, unknown>[]
  /** Status code to answer the next deliveries with (a queue; 200 once empty). */
  respondWith: number[]
  /** Answers the GET handshake with the challenge when the verify token matches. */
  verifyToken: string
  close(): Promise<void>
}

export function verifySignature(raw: Buffer, header: unknown, secret: string): boolean {
  if (typeof header !== 'string' || !header.startsWith('sha256=')) return false
  const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(raw).digest('hex')}`)
  const given = Buffer.from(header)
  return expected.length === given.length && timingSafeEqual(expected, given)
}

export async function startReceiver(secret: string, verifyToken = 'receiver-token'): Promise<Receiver> {
  const received: ReceivedWebhook[] = []
  const receiver: Receiver = {
    url: '',
    received,
    respondWith: [],
    verifyToken,
    values(field) {
      return received.flatMap((w) =>
        w.body.entry.flatMap((e) => e.changes.filter((c) => !field || c.field === field).map((c) => c.value)),
      )
    },
    close: async () => {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
  const server = http.createServer((req, res) => {
    if (req.method === 'GET') {
      const url = new URL(req.url ?? '/', 'http://x')
      const ok =
        url.searchParams.get('hub.mode') === 'subscribe' &&
        url.searchParams.get('hub.verify_token') === receiver.verifyToken
      res.writeHead(ok ? 200 : 403, { 'content-type': 'text/plain' })
      res.end(ok ? (url.searchParams.get('hub.challenge') ?? '') : 'forbidden')
      return
    }
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('error', () => {})
    req.on('end', () => {
      const raw = Buffer.concat(chunks)
      const status = receiver.respondWith.shift() ?? 200
      let body: WebhookBody
      try {
        body = JSON.parse(raw.toString('utf8'))
      } catch {
        res.writeHead(400).end()
        return
      }
      received.push({
        raw,
        body,
        headers: req.headers,
        signatureValid: verifySignature(raw, req.headers['x-hub-signature-256'], secret),
        status,
      })
      res.writeHead(status).end()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()))
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/whatsapp`
  return receiver
}

/** Polls `check` until it returns a truthy value or the deadline passes. */
export async function waitFor<T>(
  check: () => T | undefined | false | null | Promise<T | undefined | false | null>,
  what: string,
  timeoutMs = 5000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await check()
    if (value) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
}

/** Fast delays for tests; every option can still be overridden. */
export async function startTestEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  return startEmulator({
    ...options,
    delays: {
      sentMs: 0,
      deliveredMs: 5,
      readMs: 10,
      autoReplyMs: 5,
      templateReviewMs: 10,
      ...options.delays,
    },
    batch: { maxItems: 25, windowMs: 5, ...options.batch },
    webhookRetry: { baseMs: 5, maxAttempts: 5, timeoutMs: 2000, ...options.webhookRetry },
  })
}

export type GraphResponse = { status: number; body: Record<string, unknown> & { error?: GraphErrorBody } }
export type GraphErrorBody = {
  message: string
  type: string
  code: number
  error_subcode?: number
  error_data?: { messaging_product: string; details: string }
  fbtrace_id: string
}

export function graphCaller(emu: Emulator) {
  return async function graph(
    method: string,
    path: string,
    body?: unknown,
    token: string | null = emu.seed.accessToken,
  ): Promise<GraphResponse> {
    const headers: Record<string, string> = {}
    if (token !== null) headers.authorization = `Bearer ${token}`
    let payload: string | undefined
    if (body !== undefined) {
      headers['content-type'] = 'application/json'
      payload = typeof body === 'string' ? body : JSON.stringify(body)
    }
    const res = await fetch(`${emu.url}${path.startsWith('/') ? path : `/v23.0/${path}`}`, {
      method,
      headers,
      body: payload,
    })
    const text = await res.text()
    let parsed: GraphResponse['body']
    try {
      parsed = JSON.parse(text)
    } catch {
      parsed = { text }
    }
    return { status: res.status, body: parsed }
  }
}

export function text(to: string, body: string): Record<string, unknown> {
  return { messaging_product: 'whatsapp', to, type: 'text', text: { body } }
}

export function template(
  to: string,
  name: string,
  language: string,
  components: unknown[] = [],
): Record<string, unknown> {
  return {
    messaging_product: 'whatsapp',
    to,
    type: 'template',
    template: { name, language: { code: language }, components },
  }
}

export function bodyParams(...values: string[]): Record<string, unknown> {
  return { type: 'body', parameters: values.map((v) => ({ type: 'text', text: v })) }
}
