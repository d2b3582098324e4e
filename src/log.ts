import pino, { type DestinationStream, type Logger } from 'pino'
import type { LogLevel } from './config.ts'

export type { Logger }

// Secrets must never reach a log line (SPEC §4, §11). Redaction works on field paths;
// fixed messages (`webhook received`, `send failed`) carry ids as fields, never bodies.
export const redactPaths = [
  'token',
  'accessToken',
  'access_token',
  'appSecret',
  'app_secret',
  'secret',
  'password',
  'apiKey',
  'api_key',
  'key',
  'verifyToken',
  'verify_token',
  'pin',
  'authorization',
  'cookie',
  '*.token',
  '*.accessToken',
  '*.access_token',
  '*.appSecret',
  '*.app_secret',
  '*.secret',
  '*.password',
  '*.apiKey',
  '*.api_key',
  '*.verifyToken',
  '*.verify_token',
  '*.pin',
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'req.headers["x-hub-signature-256"]',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
]

export function createLogger(level: LogLevel, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'wahub' },
      redact: { paths: redactPaths, censor: '[redacted]' },
      serializers: {
        err: pino.stdSerializers.err,
        // Query strings can carry hub.verify_token or input_token: log the path only.
        req: (req: { method?: string; url?: string; id?: string }) => ({
          id: req.id,
          method: req.method,
          path: req.url?.split('?')[0],
        }),
      },
    },
    destination,
  )
}
