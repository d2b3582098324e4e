import http, { type IncomingMessage, type RequestListener, type ServerResponse } from 'node:http'
import type { Config } from '../config.ts'
import { errorBody, WahubError } from '../errors.ts'

// SPEC §12: every server cuts off slow clients. Node enforces the header and whole-request
// deadlines (checked every second here, not every 30 s) and the idle and keep-alive timeouts;
// a body trickling in slower than a minimum rate is cut off by `guardBodyRate` so forty stalled
// 3 MiB uploads cannot hold memory for a minute each (issue 12, defect 3).

const graceMs = 5000

export function createGuardedServer(
  config: Pick<Config, 'timeouts'>,
  listener: RequestListener,
): http.Server {
  const t = config.timeouts
  const server = http.createServer(
    {
      headersTimeout: Math.min(t.headersMs, t.requestMs),
      requestTimeout: t.requestMs,
      keepAliveTimeout: t.keepAliveMs,
      connectionsCheckingInterval: 1000,
    },
    (req, res) => {
      guardBodyRate(req, res, t.bodyMinBytesPerSecond)
      listener(req, res)
    },
  )
  server.setTimeout(t.idleMs)
  return server
}

/**
 * Cuts the connection when, after the first 5 s, a request body has arrived slower than
 * `minBytesPerSecond` on average. Reads the socket's byte count, so it never takes data from
 * whoever reads the body.
 */
export function guardBodyRate(req: IncomingMessage, res: ServerResponse, minBytesPerSecond: number): void {
  if (minBytesPerSecond <= 0 || req.complete) return
  const method = req.method ?? 'GET'
  if (
    (method === 'GET' || method === 'HEAD') &&
    !req.headers['content-length'] &&
    !req.headers['transfer-encoding']
  )
    return
  const socket = req.socket
  const base = socket.bytesRead
  const started = performance.now()
  const timer = setTimeout(function check() {
    if (req.complete || socket.destroyed) return
    const seconds = (performance.now() - started) / 1000
    if ((socket.bytesRead - base) / seconds >= minBytesPerSecond) {
      timer.refresh() // on pace: look again in a while
      return
    }
    if (!res.headersSent) {
      const json = JSON.stringify(
        errorBody(
          new WahubError(
            'request_timeout',
            `The request body arrived slower than ${minBytesPerSecond} bytes per second; the connection is closed.`,
          ),
        ),
      )
      res.writeHead(408, { 'content-type': 'application/json; charset=utf-8', connection: 'close' })
      res.end(json)
    }
    socket.destroySoon()
    setTimeout(() => socket.destroy(), 1000).unref()
  }, graceMs)
  timer.unref()
  res.once('close', () => clearTimeout(timer))
}
