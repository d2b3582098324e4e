import { invalidParam } from './graph-errors.ts'
import type { JsonObject } from './types.ts'

// Small checks that throw Meta's 100 naming the field in Meta's bracket notation
// (text['body'], interactive['action']['buttons'][0]['reply']['title']).

export function fieldPath(root: string, ...parts: (string | number)[]): string {
  return root + parts.map((p) => (typeof p === 'number' ? `[${p}]` : `['${p}']`)).join('')
}

export function isObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}

export function requireObject(value: unknown, path: string): JsonObject {
  if (value === undefined || value === null) throw invalidParam(`The parameter ${path} is required.`)
  if (!isObject(value)) throw invalidParam(`Param ${path} must be a JSON object.`)
  return value
}

export function requireArray(value: unknown, path: string): unknown[] {
  if (value === undefined || value === null) throw invalidParam(`The parameter ${path} is required.`)
  if (!Array.isArray(value)) throw invalidParam(`Param ${path} must be an array.`)
  return value
}

/** Meta counts characters, not bytes; emoji count as their UTF-16 length, as Meta does. */
export function requireString(
  value: unknown,
  path: string,
  limits: { min?: number; max?: number } = {},
): string {
  if (value === undefined || value === null) throw invalidParam(`The parameter ${path} is required.`)
  if (typeof value !== 'string') throw invalidParam(`Param ${path} must be a string.`)
  const min = limits.min ?? 1
  if (value.length < min) {
    throw invalidParam(
      min === 1
        ? `Param ${path} must not be empty.`
        : `Param ${path} must be at least ${min} characters long.`,
    )
  }
  if (limits.max !== undefined && value.length > limits.max) {
    throw invalidParam(`Param ${path} must be at most ${limits.max} characters long.`)
  }
  return value
}

export function optionalString(value: unknown, path: string, limits: { min?: number; max?: number } = {}) {
  if (value === undefined) return undefined
  return requireString(value, path, limits)
}

export function requireHttpUrl(value: unknown, path: string): string {
  const s = requireString(value, path, { max: 2000 })
  let url: URL
  try {
    url = new URL(s)
  } catch {
    throw invalidParam(`Param ${path} must be a valid URL (http or https).`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw invalidParam(`Param ${path} must be a valid URL (http or https).`)
  }
  return s
}

export function optionalBoolean(value: unknown, path: string): boolean | undefined {
  if (value === undefined) return undefined
  if (typeof value !== 'boolean') throw invalidParam(`Param ${path} must be a boolean.`)
  return value
}

/** Latitude/longitude may be numbers or numeric strings (Meta accepts both). */
export function requireCoordinate(value: unknown, path: string, limit: number): number {
  if (value === undefined || value === null) throw invalidParam(`The parameter ${path} is required.`)
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value
  if (typeof n !== 'number' || !Number.isFinite(n) || Math.abs(n) > limit) {
    throw invalidParam(`Param ${path} must be a number between -${limit} and ${limit}.`)
  }
  return n
}

export function oneOf<T extends string>(value: unknown, path: string, allowed: readonly T[]): T {
  if (value === undefined || value === null) throw invalidParam(`The parameter ${path} is required.`)
  if (typeof value !== 'string' || !allowed.includes(value as T)) {
    throw invalidParam(`Param ${path} must be one of {${allowed.join(', ')}}.`)
  }
  return value as T
}
