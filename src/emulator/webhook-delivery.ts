import http from 'node:http'
import https from 'node:https'

export type AttemptResult = { statusCode: number | undefined; error: string | undefined; durationMs: number }

const httpAgent = new http.Agent({ keepAlive: true, maxSockets: 64 })
const httpsAgent = new https.Agent({ keepAlive: true, maxSockets: 64 })

/**
 * One POST of a webhook body. Never throws: a timeout, a refused connection or a reset is an
 * attempt result like a status code, and the caller decides on a retry (M-WH: Meta retries any
 * non-200 or failed delivery). `cutMidBody` is the drop fault: half the body, then a reset.
 */
export function postWebhook(
  url: string,
  body: string,
  headers: Record<string, string>,
  options: { timeoutMs: number; cutMidBody: boolean },
): Promise<AttemptResult> {
  const started = performance.now()
  return new Promise((resolve) => {
    let settled = false
    const done = (statusCode: number | undefined, error: string | undefined) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      resolve({ statusCode, error, durationMs: Math.round(performance.now() - started) })
    }
    let target: URL
    try {
      target = new URL(url)
    } catch {
      done(undefined, 'invalid callback URL')
      return
    }
    const isHttps = target.protocol === 'https:'
    if (!isHttps && target.protocol !== 'http:') {
      done(undefined, 'callback URL must be http(s)')
      return
    }
    const bytes = Buffer.from(body)
    const req = (isHttps ? https : http).request(target, {
      method: 'POST',
      agent: isHttps ? httpsAgent : httpAgent,
      headers: { ...headers, 'content-length': String(bytes.length) },
    })
    const timer = setTimeout(() => {
      req.destroy(new Error(`timeout after ${options.timeoutMs} ms`))
    }, options.timeoutMs)
    req.on('response', (res) => {
      res.resume()
      res.on('end', () => done(res.statusCode, undefined))
      res.on('error', (err) => done(res.statusCode, err.message))
    })
    req.on('error', (err) => done(undefined, err.message))
    if (options.cutMidBody) {
      req.write(bytes.subarray(0, Math.floor(bytes.length / 2)))
      setImmediate(() => {
        req.destroy(new Error('connection dropped (injected fault)'))
      })
      return
    }
    req.end(bytes)
  })
}
