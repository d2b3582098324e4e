import { GraphError } from './graph-errors.ts'
import type { JsonObject } from './types.ts'

/**
 * Graph's `fields` parameter: only the listed fields (plus `id`, which Graph always returns),
 * or the node's defaults without it; an unknown field is Meta's 100 naming it.
 */
export function selectFields(
  available: Record<string, () => unknown>,
  fieldsParam: unknown,
  defaults: readonly string[],
  nodeType: string,
): JsonObject {
  const requested =
    typeof fieldsParam === 'string' && fieldsParam.trim() !== ''
      ? fieldsParam
          .split(',')
          .map((f) => f.trim())
          .filter(Boolean)
      : [...defaults]
  const out: JsonObject = {}
  for (const field of requested) {
    const name = field.replace(/[{.(].*$/, '')
    const get = available[name]
    if (!get) {
      throw new GraphError(100, undefined, {
        message: `(#100) Tried accessing nonexisting field (${name}) on node type (${nodeType})`,
      })
    }
    const value = get()
    if (value !== undefined) out[name] = value
  }
  if (available.id && out.id === undefined) out.id = available.id()
  return out
}

/** Cursor paging as Graph does it: opaque base64 cursors around a slice of the list. */
export function page<T>(
  items: T[],
  params: Record<string, unknown>,
  baseUrl: string,
  defaultLimit = 25,
): { data: T[]; paging: JsonObject } {
  const limitRaw = Number(params.limit)
  const limit = Number.isInteger(limitRaw) && limitRaw > 0 ? Math.min(limitRaw, 1000) : defaultLimit
  const decode = (c: unknown) => {
    if (typeof c !== 'string') return undefined
    const n = Number(Buffer.from(c, 'base64').toString('utf8'))
    return Number.isInteger(n) && n >= 0 ? n : undefined
  }
  const encode = (n: number) => Buffer.from(String(n)).toString('base64')
  const after = decode(params.after)
  const before = decode(params.before)
  let start = after !== undefined ? after + 1 : 0
  if (before !== undefined && after === undefined) start = Math.max(0, before - limit)
  const end = Math.min(items.length, start + limit)
  const data = items.slice(start, end)
  const paging: JsonObject = {}
  if (data.length > 0) paging.cursors = { before: encode(start), after: encode(end - 1) }
  else paging.cursors = {}
  if (end < items.length) {
    const next = new URL(baseUrl)
    next.searchParams.set('limit', String(limit))
    next.searchParams.set('after', encode(end - 1))
    paging.next = next.toString()
  }
  if (start > 0) {
    const previous = new URL(baseUrl)
    previous.searchParams.set('limit', String(limit))
    previous.searchParams.set('before', encode(start))
    paging.previous = previous.toString()
  }
  return { data, paging }
}
