import proxyaddr from 'proxy-addr'

// The security settings of `loadConfig` (SPEC §12): which proxies may set X-Forwarded-For,
// the servers' timeouts, and who may read /metrics and /docs. Parsed from the environment that
// loadConfig passes in; nothing here reads process.env.

export type SecurityConfig = {
  /** Proxy addresses/CIDRs whose X-Forwarded-For is believed; false = the socket's address. */
  trustProxy: false | readonly string[]
  timeouts: Readonly<{
    headersMs: number
    requestMs: number
    keepAliveMs: number
    idleMs: number
    bodyMinBytesPerSecond: number
  }>
  /** Bearer token /metrics asks for; undefined = /metrics is closed (404). */
  metricsToken: string | undefined
  /** Whether /docs (Swagger UI and the OpenAPI JSON) is served. */
  docs: boolean
}

type Get = (name: string) => string
type Fail = (message: string) => Error

export const securityVariables = [
  {
    name: 'WAHUB_TRUST_PROXY',
    default: '',
    description:
      "Comma-separated addresses or CIDRs of reverse proxies whose X-Forwarded-For is believed (e.g. 127.0.0.1,10.0.0.0/8; also loopback, linklocal, uniquelocal). Empty = off: the client address is the socket's, so a forged X-Forwarded-For cannot dodge the login throttle.",
  },
  {
    name: 'WAHUB_HEADERS_TIMEOUT_MS',
    default: '10000',
    description:
      'A client must send all request headers within this many milliseconds, or the connection is closed.',
  },
  {
    name: 'WAHUB_REQUEST_TIMEOUT_MS',
    default: '60000',
    description: 'A client must send a whole request (headers and body) within this many milliseconds (408).',
  },
  {
    name: 'WAHUB_BODY_MIN_BYTES_PER_SECOND',
    default: '1024',
    description:
      'After the first 5 seconds, a request body arriving slower than this is cut off (408): trickling uploads cannot hold memory. 0 = no minimum.',
  },
  {
    name: 'WAHUB_KEEP_ALIVE_TIMEOUT_MS',
    default: '65000',
    description:
      'An idle keep-alive connection is closed after this many milliseconds (above the 60 s of common proxies, so they close first).',
  },
  {
    name: 'WAHUB_IDLE_TIMEOUT_MS',
    default: '120000',
    description:
      'A connection with no traffic at all for this many milliseconds is closed (live streams send a heartbeat every 15 s).',
  },
  {
    name: 'WAHUB_METRICS_TOKEN',
    default: '',
    description:
      'Token that /metrics requires as `Authorization: Bearer <token>` (at least 16 characters). Empty = /metrics is closed.',
  },
  {
    name: 'WAHUB_DOCS',
    default: '',
    description:
      'on = serve the API description at /docs; off = do not. Empty = on only while WAHUB_SANDBOX is on.',
  },
] as const

function millis(get: Get, fail: Fail, name: string, min: number): number {
  const raw = get(name)
  const n = Number(raw)
  if (!/^\d+$/.test(raw) || n < min || n > 3_600_000) {
    throw fail(`${name} must be a whole number of milliseconds from ${min} to 3600000, got "${raw}".`)
  }
  return n
}

function onOff(get: Get, fail: Fail, name: string, fallback: boolean): boolean {
  const raw = get(name).toLowerCase()
  if (raw === '') return fallback
  if (['on', 'true', '1'].includes(raw)) return true
  if (['off', 'false', '0'].includes(raw)) return false
  throw fail(`${name} must be on or off, got "${raw}".`)
}

export function parseSecurityConfig(get: Get, fail: Fail, sandbox: boolean): SecurityConfig {
  const proxies = get('WAHUB_TRUST_PROXY')
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)
  const off = proxies.length === 0 || (proxies.length === 1 && ['off', 'false', '0'].includes(proxies[0]))
  if (!off) {
    if (proxies.some((p) => ['true', 'on', '*', '1'].includes(p.toLowerCase()))) {
      throw fail(
        'WAHUB_TRUST_PROXY must list the proxies (e.g. 127.0.0.1 or 10.0.0.0/8), not trust every sender: any client could then forge X-Forwarded-For.',
      )
    }
    try {
      proxyaddr.compile(proxies)
    } catch (err) {
      throw fail(
        `WAHUB_TRUST_PROXY must be addresses or CIDRs separated by commas: ${(err as Error).message}.`,
      )
    }
  }
  const rate = get('WAHUB_BODY_MIN_BYTES_PER_SECOND')
  if (!/^\d+$/.test(rate)) {
    throw fail(`WAHUB_BODY_MIN_BYTES_PER_SECOND must be a whole number of bytes per second, got "${rate}".`)
  }
  const metricsToken = get('WAHUB_METRICS_TOKEN') || undefined
  if (metricsToken !== undefined && metricsToken.length < 16) {
    throw fail(
      'WAHUB_METRICS_TOKEN must be at least 16 characters (generate one with: openssl rand -hex 24).',
    )
  }
  return {
    trustProxy: off ? false : Object.freeze(proxies),
    timeouts: Object.freeze({
      headersMs: millis(get, fail, 'WAHUB_HEADERS_TIMEOUT_MS', 1000),
      requestMs: millis(get, fail, 'WAHUB_REQUEST_TIMEOUT_MS', 1000),
      keepAliveMs: millis(get, fail, 'WAHUB_KEEP_ALIVE_TIMEOUT_MS', 1000),
      idleMs: millis(get, fail, 'WAHUB_IDLE_TIMEOUT_MS', 1000),
      bodyMinBytesPerSecond: Number(rate),
    }),
    metricsToken,
    docs: onOff(get, fail, 'WAHUB_DOCS', sandbox),
  }
}
