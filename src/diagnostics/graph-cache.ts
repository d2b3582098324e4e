import { createHash } from 'node:crypto'
import { getSetting, setSetting } from '../channels/settings-repo.ts'
import { type GraphClient, GraphError, type GraphTarget } from '../cloud-api/graph-client.ts'
import type { Db } from '../db/connect.ts'
import { latestAuditAt, pruneSettings } from './facts-repo.ts'

// Doctor's Graph reads are cached in the settings table (the one thing diagnostics writes), so
// running `wahub doctor` in a loop, or the dashboard refreshing its doctor panel, costs Meta at
// most one read per object per `ttlMs` — never a burst against the management rate limit
// (80004/80008 at Meta). The cache is shared by every instance and by the CLI.
//
// An entry is stale after ttlMs, and also as soon as an admin action is audited after it was
// read (`wahub phone register`, `webhook override`, `waba add` …): "I fixed it, run doctor
// again" sees the fix at once. Changes made in Meta's own screens need `--fresh`.
// Meta's errors are cached like answers (an expired token is not asked again and again);
// transport failures (no answer) are not cached.

export const graphCacheTtlMs = 5 * 60_000
const keyPrefix = 'diagnostics.graph:'
const keepForMs = 24 * 60 * 60_000

/** Every field doctor reads of a number: one read per number serves every check. */
export const doctorNumberFields = [
  'display_phone_number',
  'verified_name',
  'quality_rating',
  'code_verification_status',
  'name_status',
  'throughput',
  'whatsapp_business_manager_messaging_limit',
  'messaging_limit_tier',
  'platform_type',
  'status',
  'account_mode',
  'webhook_configuration',
] as const

type CachedError = {
  site: { method: string; path: string }
  httpStatus: number
  code: number
  subcode?: number
  type?: string
  title: string
  details?: string
  fbtraceId?: string
}

type Entry = { at: number; ok: true; value: unknown } | { at: number; ok: false; error: CachedError }

export type CacheOptions = { ttlMs?: number; fresh?: boolean; now?: () => number }

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex')
}

function keyOf(target: GraphTarget, method: string, args: readonly unknown[]): string {
  // The token is part of the key (a replaced token is a different read) but only as a hash.
  const id = JSON.stringify([target.baseUrl, target.version, sha256(target.token), method, ...args])
  return `${keyPrefix}${sha256(id)}`
}

function toCached(err: GraphError): CachedError {
  const out: CachedError = {
    site: { method: err.method, path: err.path },
    httpStatus: err.httpStatus,
    code: err.code,
    title: err.title,
  }
  if (err.subcode !== undefined) out.subcode = err.subcode
  if (err.type) out.type = err.type
  if (err.details) out.details = err.details
  if (err.fbtraceId) out.fbtraceId = err.fbtraceId
  return out
}

function fromCached(e: CachedError): GraphError {
  return new GraphError(e.site, e.httpStatus, {
    code: e.code,
    subcode: e.subcode,
    type: e.type,
    title: e.title,
    details: e.details,
    fbtraceId: e.fbtraceId,
  })
}

export type CachedGraph = GraphClient & {
  /** When the oldest answer used in this run was read from Meta (null: all fresh). */
  oldestCachedAt(): number | null
}

/**
 * A GraphClient whose read methods doctor uses are cached (debugToken, getPhoneNumber,
 * listPhoneNumbers, getSubscribedApps, listTemplates); every other method is the client's own.
 */
export function cachedGraph(db: Db, graph: GraphClient, options: CacheOptions = {}): CachedGraph {
  const ttlMs = options.ttlMs ?? graphCacheTtlMs
  const now = options.now ?? Date.now
  const inRun = new Map<string, Promise<unknown>>()
  let validAfter: Promise<number> | undefined
  let oldest: number | null = null
  let pruned = false

  async function read<T>(
    target: GraphTarget,
    method: string,
    args: readonly unknown[],
    call: () => Promise<T>,
  ): Promise<T> {
    const key = keyOf(target, method, args)
    const running = inRun.get(key)
    if (running) return running as Promise<T>
    const promise = (async () => {
      if (!options.fresh) {
        const entry = await getSetting<Entry>(db, key)
        validAfter ??= latestAuditAt(db)
        const floor = await validAfter
        if (entry && now() - entry.at < ttlMs && entry.at >= floor) {
          oldest = oldest === null ? entry.at : Math.min(oldest, entry.at)
          if (entry.ok) return entry.value as T
          throw fromCached(entry.error)
        }
      }
      if (!pruned) {
        pruned = true
        await pruneSettings(db, keyPrefix, now() - keepForMs)
      }
      try {
        const value = await call()
        await setSetting(db, key, { at: now(), ok: true, value } satisfies Entry)
        return value
      } catch (err) {
        if (err instanceof GraphError)
          await setSetting(db, key, { at: now(), ok: false, error: toCached(err) })
        throw err
      }
    })()
    inRun.set(key, promise)
    return promise
  }

  return {
    ...graph,
    debugToken: (target, inputToken, call) =>
      read(target, 'debugToken', [sha256(inputToken)], () => graph.debugToken(target, inputToken, call)),
    // Whatever fields the caller asks for, the full set is read once and shared.
    getPhoneNumber: (target, phoneNumberId, _fields, call) =>
      read(target, 'getPhoneNumber', [phoneNumberId], () =>
        graph.getPhoneNumber(target, phoneNumberId, doctorNumberFields, call),
      ),
    listPhoneNumbers: (target, wabaId, fields = [], call) =>
      read(target, 'listPhoneNumbers', [wabaId, [...fields]], () =>
        graph.listPhoneNumbers(target, wabaId, fields, call),
      ),
    getSubscribedApps: (target, wabaId, call) =>
      read(target, 'getSubscribedApps', [wabaId], () => graph.getSubscribedApps(target, wabaId, call)),
    listTemplates: (target, wabaId, query = {}, call) =>
      read(target, 'listTemplates', [wabaId, query], () => graph.listTemplates(target, wabaId, query, call)),
    oldestCachedAt: () => oldest,
  }
}
