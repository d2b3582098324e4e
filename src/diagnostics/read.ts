import { GraphError, GraphTransportError } from '../cloud-api/graph-client.ts'
import { WahubError } from '../errors.ts'

// One Graph read as doctor sees it: the answer, or why there is none — Meta's error with the
// catalogue's meaning and fix, no answer at all, or not asked (an earlier read showed it would
// fail the same way). Check functions take these and never call Graph themselves.

export type GraphProblem =
  | {
      kind: 'meta'
      code: number
      subcode?: number
      category: string
      title: string
      meaning: string
      fix: string
      details?: string
    }
  | { kind: 'unreachable'; message: string }
  | { kind: 'skipped'; reason: string }

export type Read<T> = { ok: true; value: T } | { ok: false; problem: GraphProblem }

export function skipped<T>(reason: string): Read<T> {
  return { ok: false, problem: { kind: 'skipped', reason } }
}

function fromWahubError(err: WahubError): GraphProblem | undefined {
  const d = (err.details ?? {}) as Record<string, unknown>
  if (err.code === 'meta_error' && typeof d.code === 'number') {
    return {
      kind: 'meta',
      code: d.code,
      subcode: typeof d.subcode === 'number' ? d.subcode : undefined,
      category: 'unknown',
      title: String(d.title ?? ''),
      meaning: String(d.meaning ?? err.message),
      fix: String(d.fix ?? err.fix),
    }
  }
  if (err.code === 'meta_unreachable') return { kind: 'unreachable', message: err.message }
  return undefined
}

/** Runs a Graph read (direct, or through a channels function that maps failures to WahubError). */
export async function readGraph<T>(call: () => Promise<T>): Promise<Read<T>> {
  try {
    return { ok: true, value: await call() }
  } catch (err) {
    if (err instanceof GraphError) {
      const problem: GraphProblem = {
        kind: 'meta',
        code: err.code,
        category: err.info.category,
        title: err.title,
        meaning: err.info.meaning,
        fix: err.info.fix,
      }
      if (err.subcode !== undefined) problem.subcode = err.subcode
      if (err.details) problem.details = err.details
      return { ok: false, problem }
    }
    if (err instanceof GraphTransportError)
      return { ok: false, problem: { kind: 'unreachable', message: err.message } }
    if (err instanceof WahubError) {
      const problem = fromWahubError(err)
      if (problem) return { ok: false, problem }
    }
    throw err
  }
}

/** A token problem: every other read with that token would fail the same way. */
export function isTokenProblem(p: GraphProblem): boolean {
  return p.kind === 'meta' && (p.category === 'auth' || p.category === 'permission')
}

export function describeProblem(p: GraphProblem): string {
  if (p.kind === 'skipped') return `Not checked: ${p.reason}`
  if (p.kind === 'unreachable') return `no answer from the Graph API (${p.message})`
  const code = p.subcode === undefined ? `#${p.code}` : `#${p.code}/${p.subcode}`
  return `Meta answered (${code}) ${p.meaning}${p.details ? ` — ${p.details}` : ''}`
}

/** ISO time without milliseconds. */
export function at(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z')
}

/** "3 h 12 min", "45 s", "2 days". */
export function span(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000))
  if (s < 60) return `${s} s`
  const min = Math.round(s / 60)
  if (min < 60) return `${min} min`
  const h = Math.floor(min / 60)
  if (h < 48) return min % 60 ? `${h} h ${min % 60} min` : `${h} h`
  return `${Math.round(h / 24)} days`
}

/** The text with exactly one full stop at its end (catalogue texts already end with one). */
export function sentence(text: string): string {
  return `${text.replace(/[.\s]+$/, '')}.`
}

export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`
}
