import { Readable } from 'node:stream'
import type { FastifyInstance } from 'fastify'
import { WahubError } from '../errors.ts'

// A string with U+0000 (JSON "\u0000", or %00 in a URL) is valid JSON and a valid URL, but
// PostgreSQL's text cannot hold it: such a value reached an INSERT and answered 500 on
// PostgreSQL while SQLite stored it (found by the fuzz suite, test/fuzz/). No field of Wahub's
// API has a use for it, so every request's body, query and path parameters are refused with a
// 400 naming the field before validation, the same on both databases.

/** The dotted path of the first string (or key) holding a NUL, if any. */
export function findNul(value: unknown, path = ''): string | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? path || '(body)' : undefined
  if (value instanceof Uint8Array) return undefined // raw bodies (webhooks, uploads) are bytes
  if (value instanceof Readable) return undefined // a streamed body (a CSV import) checks its own cells
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) {
      const found = findNul(v, path ? `${path}.${i}` : String(i))
      if (found) return found
    }
    return undefined
  }
  if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      const at = path ? `${path}.${k}` : k
      if (k.includes('\u0000')) return at.replaceAll('\u0000', '\\u0000')
      const found = findNul(v, at)
      if (found) return found
    }
  }
  return undefined
}

export function installNulGuard(app: FastifyInstance): void {
  app.addHook('preValidation', async (req) => {
    for (const part of [req.params, req.query, req.body]) {
      const field = findNul(part)
      if (field) {
        throw new WahubError('validation_failed', `${field} contains a NUL character (\\u0000).`, [
          { field, problem: 'must not contain the NUL character (\\u0000)' },
        ])
      }
    }
  })
}
