import path from 'node:path'
import { type MediaConfig, mediaVariables, parseMediaConfig } from './config-media.ts'
import { parseSecurityConfig, type SecurityConfig, securityVariables } from './config-security.ts'

// The one place that reads configuration. Every variable is documented here and in
// .env.example (a test keeps them in step); a wrong value stops the process with a
// one-line error naming the variable and the expected form.

export type Config = Readonly<{
  port: number
  host: string
  databaseUrl: string | undefined // undefined = embedded SQLite under dataDir
  dataDir: string
  secretKey: string | undefined // base64 or hex, 32 bytes; undefined = key file in dataDir
  previousSecretKeys: readonly string[]
  publicUrl: string | undefined
  graphUrl: string
  graphVersion: string
  /** Facebook Login for Business configuration id for Embedded Signup; null = tenants cannot self-connect. */
  signupConfigId: string | null
  /** Embedded Signup: the Facebook JavaScript SDK the dashboard loads (null = the default for Meta's Graph, or the emulator's stand-in page). */
  facebookSdkUrl: string | null
  sandbox: boolean
  logLevel: LogLevel
  /** How long SIGTERM waits for requests and jobs to finish before releasing what is left. */
  shutdownTimeoutMs: number
  /** Where downloaded media is stored (storage/media-store.ts). */
  media: MediaConfig
}> &
  Readonly<SecurityConfig>

export const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const
export type LogLevel = (typeof logLevels)[number]

type Env = Record<string, string | undefined>

export type ConfigVariable = {
  name: string
  default: string
  description: string
}

/** Every variable Wahub reads, with its default and meaning (rendered into .env.example). */
export const configVariables: readonly ConfigVariable[] = [
  {
    name: 'PORT',
    default: '8080',
    description: 'TCP port of `wahub serve` (API, webhook receiver, dashboard).',
  },
  { name: 'HOST', default: '0.0.0.0', description: 'Interface to listen on.' },
  {
    name: 'DATABASE_URL',
    default: '',
    description:
      'postgres://user:pass@host:5432/db for PostgreSQL; empty = embedded SQLite file in WAHUB_DATA_DIR.',
  },
  {
    name: 'WAHUB_DATA_DIR',
    default: './data',
    description: 'Folder for the SQLite database, the generated secret key file and downloaded media.',
  },
  {
    name: 'WAHUB_SECRET_KEY',
    default: '',
    description:
      'Key that encrypts tokens and app secrets at rest: 32 bytes as base64 or 64 hex characters. Empty = generated once into WAHUB_DATA_DIR/secret.key (mode 0600). Required when several instances share a Postgres database.',
  },
  {
    name: 'WAHUB_PREVIOUS_SECRET_KEYS',
    default: '',
    description:
      'Comma-separated older keys still accepted for decryption while secrets are re-encrypted with the current key (key rotation).',
  },
  {
    name: 'WAHUB_PUBLIC_URL',
    default: '',
    description:
      'The public HTTPS base URL Meta reaches this server at, e.g. https://wahub.example.com (used to print the webhook callback URL and by doctor).',
  },
  {
    name: 'WAHUB_GRAPH_URL',
    default: 'https://graph.facebook.com',
    description: "Base URL of Meta's Graph API (point it at `wahub emulator` to work offline).",
  },
  {
    name: 'WAHUB_GRAPH_VERSION',
    default: 'v23.0',
    description: 'Graph API version used when a WABA does not set its own, e.g. v23.0.',
  },
  {
    name: 'WAHUB_SIGNUP_CONFIG_ID',
    default: '',
    description:
      "Embedded Signup: the configuration id of Facebook Login for Business (App Dashboard > Facebook Login for Business > Configurations). Set, a tenant's users can connect their own number from the dashboard; empty = off.",
  },
  {
    name: 'WAHUB_FACEBOOK_SDK_URL',
    default: '',
    description:
      "Embedded Signup: the Facebook JavaScript SDK the dashboard loads to open Meta's popup. Empty = https://connect.facebook.net/en_US/sdk.js when WAHUB_GRAPH_URL is Meta's (else the emulator's stand-in page); set it to an emulator's /_emulator/sdk.js to drive the SDK path offline. The dashboard's CSP allows its origin (and Facebook's) only when Embedded Signup is on.",
  },
  {
    name: 'WAHUB_SANDBOX',
    default: 'on',
    description:
      'on = first run creates a Sandbox channel wired to an in-process emulator; off = no sandbox.',
  },
  {
    name: 'LOG_LEVEL',
    default: 'info',
    description: 'One of fatal, error, warn, info, debug, trace, silent.',
  },
  {
    name: 'WAHUB_SHUTDOWN_TIMEOUT_MS',
    default: '25000',
    description:
      "On SIGTERM/SIGINT, /readyz answers 503 at once, then requests and jobs in flight get this many milliseconds to finish; jobs still running after it are released for another instance (a send in flight is then settled as unknown, never repeated). Keep it below your orchestrator's kill grace period (Docker and Kubernetes: 30 s).",
  },
  ...mediaVariables,
  ...securityVariables,
]

export class ConfigError extends Error {
  override name = 'ConfigError'
}

function value(env: Env, name: string): string {
  const raw = env[name]?.trim()
  if (raw !== undefined && raw !== '') return raw
  return configVariables.find((v) => v.name === name)?.default ?? ''
}

function parsePort(env: Env): number {
  const raw = value(env, 'PORT')
  const port = Number(raw)
  if (!/^\d+$/.test(raw) || port > 65535) {
    throw new ConfigError(`PORT must be a whole number from 0 to 65535, got "${raw}".`)
  }
  return port
}

function parseShutdownTimeout(env: Env): number {
  const raw = value(env, 'WAHUB_SHUTDOWN_TIMEOUT_MS')
  const ms = Number(raw)
  if (!/^\d+$/.test(raw) || ms < 100 || ms > 600_000) {
    throw new ConfigError(
      `WAHUB_SHUTDOWN_TIMEOUT_MS must be a whole number of milliseconds from 100 to 600000, got "${raw}".`,
    )
  }
  return ms
}

function parseUrl(env: Env, name: string, protocols: readonly string[], example: string): string | undefined {
  const raw = value(env, name)
  if (raw === '') return undefined
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw new ConfigError(`${name} must be a URL like ${example}, got "${redactUrl(raw)}".`)
  }
  if (!protocols.includes(url.protocol)) {
    throw new ConfigError(`${name} must start with ${protocols.join(' or ')}// (like ${example}).`)
  }
  return raw.replace(/\/+$/, '')
}

/** A URL with its password replaced, fit for an error message. */
export function redactUrl(raw: string): string {
  return raw.replace(/\/\/([^:/@]+):([^@]+)@/, '//$1:***@')
}

export function parseSecretKey(raw: string, name = 'WAHUB_SECRET_KEY'): Buffer {
  const key = /^[0-9a-fA-F]{64}$/.test(raw) ? Buffer.from(raw, 'hex') : Buffer.from(raw, 'base64')
  if (key.length !== 32) {
    throw new ConfigError(
      `${name} must be 32 random bytes as base64 or 64 hex characters (generate one with: openssl rand -base64 32).`,
    )
  }
  return key
}

export function loadConfig(env: Env, cwd = process.cwd()): Config {
  const databaseUrl = parseUrl(
    env,
    'DATABASE_URL',
    ['postgres:', 'postgresql:'],
    'postgres://localhost:5432/wahub',
  )
  const secretKey = value(env, 'WAHUB_SECRET_KEY') || undefined
  if (secretKey) parseSecretKey(secretKey)
  const previousSecretKeys = value(env, 'WAHUB_PREVIOUS_SECRET_KEYS')
    .split(',')
    .map((k) => k.trim())
    .filter(Boolean)
  for (const key of previousSecretKeys) parseSecretKey(key, 'WAHUB_PREVIOUS_SECRET_KEYS')

  const graphVersion = value(env, 'WAHUB_GRAPH_VERSION')
  if (!/^v\d+\.\d+$/.test(graphVersion)) {
    throw new ConfigError(`WAHUB_GRAPH_VERSION must look like v23.0, got "${graphVersion}".`)
  }
  const sandbox = value(env, 'WAHUB_SANDBOX').toLowerCase()
  if (!['on', 'off', 'true', 'false', '1', '0'].includes(sandbox)) {
    throw new ConfigError(`WAHUB_SANDBOX must be on or off, got "${sandbox}".`)
  }
  const logLevel = value(env, 'LOG_LEVEL').toLowerCase()
  if (!(logLevels as readonly string[]).includes(logLevel)) {
    throw new ConfigError(`LOG_LEVEL must be one of ${logLevels.join(', ')}, got "${logLevel}".`)
  }

  const security = parseSecurityConfig(
    (name) => value(env, name),
    (message) => new ConfigError(message),
    ['on', 'true', '1'].includes(sandbox),
  )

  return Object.freeze({
    ...security,
    port: parsePort(env),
    host: value(env, 'HOST'),
    databaseUrl,
    dataDir: path.resolve(cwd, value(env, 'WAHUB_DATA_DIR')),
    secretKey,
    previousSecretKeys: Object.freeze(previousSecretKeys),
    publicUrl: parseUrl(env, 'WAHUB_PUBLIC_URL', ['https:', 'http:'], 'https://wahub.example.com'),
    graphUrl: parseUrl(env, 'WAHUB_GRAPH_URL', ['https:', 'http:'], 'https://graph.facebook.com') as string,
    graphVersion,
    signupConfigId: parseSignupConfigId(value(env, 'WAHUB_SIGNUP_CONFIG_ID')),
    facebookSdkUrl: parseSdkUrl(value(env, 'WAHUB_FACEBOOK_SDK_URL')),
    sandbox: ['on', 'true', '1'].includes(sandbox),
    logLevel: logLevel as LogLevel,
    shutdownTimeoutMs: parseShutdownTimeout(env),
    media: parseMediaConfig(
      (name) => (name === 'AWS_REGION' ? (env.AWS_REGION ?? '').trim() : value(env, name)),
      (message) => new ConfigError(message),
    ),
  })
}

function parseSdkUrl(raw: string): string | null {
  if (raw === '') return null
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw new ConfigError(
      `WAHUB_FACEBOOK_SDK_URL must be a URL like https://connect.facebook.net/en_US/sdk.js, got "${redactUrl(raw)}".`,
    )
  }
  const local = ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && local)) {
    throw new ConfigError(
      'WAHUB_FACEBOOK_SDK_URL must be https:// (http:// only for an emulator on this machine, e.g. http://127.0.0.1:4010/_emulator/sdk.js).',
    )
  }
  return url.href
}

function parseSignupConfigId(raw: string): string | null {
  if (raw === '') return null
  if (!/^\d{5,25}$/.test(raw)) {
    throw new ConfigError(
      `WAHUB_SIGNUP_CONFIG_ID must be the numeric configuration id of Facebook Login for Business, got "${raw}".`,
    )
  }
  return raw
}
