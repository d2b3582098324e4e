// A tiny real HTTP server answering canned, Meta-shaped bodies (copied from FACTS.md), for the
// Graph client's own protocol tests: exact bytes, HTTP statuses, garbled bodies, slow answers and
// dropped sockets. End-to-end tests (send → webhook → status) go through the emulator
// (src/emulator/), never through this server.
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

export type RecordedRequest = { method: string; url: URL; headers: IncomingHttpHeaders; body: Buffer }
export type CannedHandler = (req: RecordedRequest, res: ServerResponse) => void | Promise<void>

export type CannedGraph = {
  url: string
  requests: RecordedRequest[]
  /** Replace or add routes, keyed "METHOD /path". */
  routes: Map<string, CannedHandler>
  close(): Promise<void>
}

export async function startCannedGraph(routes: Record<string, CannedHandler> = {}): Promise<CannedGraph> {
  const table = new Map(Object.entries(routes))
  const requests: RecordedRequest[] = []
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const recorded: RecordedRequest = {
      method: req.method ?? 'GET',
      url: new URL(req.url ?? '/', 'http://canned.test'),
      headers: req.headers,
      body: Buffer.concat(chunks),
    }
    requests.push(recorded)
    const handler = table.get(`${recorded.method} ${recorded.url.pathname}`)
    if (handler) await handler(recorded, res)
    else
      sendJson(
        res,
        404,
        graphErrorBody(803, 'Some of the aliases you requested do not exist', 'GraphMethodException'),
      )
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    routes: table,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections() // the client keeps sockets alive
        server.close(() => resolve())
      }),
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body)
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) })
  res.end(text)
}

/** FACTS §3.1 error envelope. */
export function graphErrorBody(
  code: number,
  message: string,
  type = 'OAuthException',
  extra: Record<string, unknown> = {},
): { error: Record<string, unknown> } {
  return {
    error: { message: `(#${code}) ${message}`, type, code, fbtrace_id: 'Az8or2yhqkZfEZ-_4Qn_Bam', ...extra },
  }
}

/** The JSON of `req.body`, for assertions. */
export function bodyJson(req: RecordedRequest): unknown {
  return req.body.length ? JSON.parse(req.body.toString('utf8')) : undefined
}
