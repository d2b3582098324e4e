import { randomBytes } from 'node:crypto'
import { appVerifyToken } from '../channels/apps.ts'
import type { ChannelsContext } from '../channels/context.ts'
import { targetOf } from '../channels/graph-target.ts'
import { type WebhookStatus, webhookStatus } from '../channels/webhook-config.ts'
import type { GraphTarget } from '../cloud-api/graph-client.ts'
import type { PhoneNumber } from '../cloud-api/management-types.ts'
import type { Db } from '../db/connect.ts'
import { readSandboxState } from '../sandbox/sandbox-state.ts'
import { openMediaStore } from '../storage/media-store.ts'
import { webhookBacklog } from '../webhooks/events-repo.ts'
import { recentRejections } from '../webhooks/rejections.ts'
import { backlogCheck } from './checks/backlog.ts'
import { mediaStoreCheck } from './checks/media-store.ts'
import {
  callbackCheck,
  inWabaCheck,
  namesCheck,
  numberView,
  qualityCheck,
  registeredCheck,
} from './checks/number.ts'
import {
  appSecretCheck,
  channelsCheck,
  type HandshakeResult,
  handshakeCheck,
  publicUrlCheck,
  signaturesCheck,
} from './checks/setup.ts'
import { subscriptionsCheck } from './checks/subscriptions.ts'
import {
  arrivingCheck,
  failuresCheck,
  groupUnrouted,
  type UnroutedGroup,
  unroutedCheck,
} from './checks/traffic.ts'
import { subscribedCheck, type TokenFacts, templatesCheck, tokenCheck } from './checks/waba.ts'
import { type WrongAppGroup, wrongAppCheck } from './checks/wrong-app.ts'
import {
  acceptedSends,
  appOwners,
  eventBody,
  knownNumbers,
  lastWebhookAt,
  loadScope,
  type NumberRow,
  numberOwners,
  type Scope,
  sendFailures,
  templatesOf,
  troubledSubscriptions,
  unroutedEvents,
  unsettledSends,
  type WabaRow,
  wabaRefs,
  wrongAppEvents,
} from './facts-repo.ts'
import { type CachedGraph, cachedGraph } from './graph-cache.ts'
import { isTokenProblem, type Read, readGraph, skipped } from './read.ts'
import { type Check, type DoctorReport, summarise } from './types.ts'

// `wahub doctor` and GET /api/v1/admin/diagnostics (SPEC §8): gathers what Wahub stored and
// what Meta says (cached reads, graph-cache.ts), then runs each check on those facts. Nothing
// here changes Wahub or Meta. A WABA whose token Meta refuses is not asked anything else: every
// read would fail the same way, and the checks that needed Meta say "not checked".

export type DoctorContext = ChannelsContext & {
  /** This server's own base URL: the handshake goes there when WAHUB_PUBLIC_URL is unset. */
  localUrl?: string
  now?: () => number
}

export type DoctorSection = 'setup' | 'wabas' | 'traffic'

export type DoctorOptions = {
  /** One number only: Meta's phone_number_id or Wahub's id. */
  channel?: string
  /** Read everything from Meta again instead of from the cache. */
  fresh?: boolean
  sections?: readonly DoctorSection[]
}

const hourMs = 60 * 60_000
const handshakeTimeoutMs = 5000

export async function runDoctor(ctx: DoctorContext, options: DoctorOptions = {}): Promise<DoctorReport> {
  const now = ctx.now ?? Date.now
  const started = now()
  const sections = new Set(options.sections ?? ['setup', 'wabas', 'traffic'])
  const scope = await loadScope(ctx.db, options.channel)
  const graph = cachedGraph(ctx.db, ctx.graph, { fresh: options.fresh, now })
  const sandbox = await readSandboxState(ctx.db)
  const localUrl = ctx.localUrl ?? sandbox?.localUrl ?? `http://localhost:${ctx.config.port}`
  const known = await knownNumbers(ctx.db)
  const checks: Check[] = []

  if (sections.has('setup')) {
    // These concern the whole installation, whatever --channel says.
    const all = options.channel ? await loadScope(ctx.db) : scope
    checks.push(channelsCheck(scope, known))
    checks.push(publicUrlCheck(ctx.config, all.wabas))
    checks.push(handshakeCheck(await handshake(ctx, scope, localUrl), ctx.config.publicUrl !== undefined))
    checks.push(appSecretCheck(all.apps, all.wabas))
    checks.push(signaturesCheck(await recentRejections(ctx.db, 24, started)))
  }
  if (sections.has('wabas')) {
    for (const w of scope.wabas) {
      const numbers = scope.numbers.filter((n) => n.waba_id === w.id)
      checks.push(
        ...(await wabaChecks(ctx, graph, scope, w, numbers, {
          channel: options.channel,
          localUrl: w.is_sandbox === 1 ? (sandbox?.localUrl ?? localUrl) : localUrl,
          now: started,
        })),
      )
    }
  }
  if (sections.has('traffic'))
    checks.push(...(await trafficChecks(ctx, scope, known, started, options.channel)))

  const summary = summarise(checks)
  return {
    generatedAt: started,
    channel: options.channel ?? null,
    checks,
    summary,
    ok: summary.fail === 0,
    metaReadAt: (graph as CachedGraph).oldestCachedAt(),
  }
}

async function handshake(ctx: DoctorContext, scope: Scope, localUrl: string): Promise<HandshakeResult> {
  const linked = new Set(scope.wabas.map((w) => w.meta_app_id).filter((id) => id !== null))
  const app = scope.apps.find((a) => linked.has(a.id)) ?? scope.apps[0]
  if (!app) return { kind: 'no_app' }
  const verifyToken = await appVerifyToken(ctx.db, ctx.vault, app.id)
  const base = (ctx.config.publicUrl ?? localUrl).replace(/\/+$/, '')
  const challenge = randomBytes(12).toString('hex')
  const url = `${base}/webhooks/whatsapp`
  const query = new URLSearchParams({
    'hub.mode': 'subscribe',
    'hub.verify_token': verifyToken,
    'hub.challenge': challenge,
  })
  try {
    const res = await fetch(`${url}?${query}`, { signal: AbortSignal.timeout(handshakeTimeoutMs) })
    const body = (await res.text()).trim()
    return { kind: 'answered', url, status: res.status, body, challenge }
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause
    return { kind: 'unreachable', url, error: cause?.code ?? cause?.message ?? (err as Error).message }
  }
}

type WabaRun = { channel?: string; localUrl: string; now: number }

async function wabaChecks(
  ctx: DoctorContext,
  graph: CachedGraph,
  scope: Scope,
  w: WabaRow,
  numbers: NumberRow[],
  run: WabaRun,
): Promise<Check[]> {
  const checks: Check[] = []
  let target: GraphTarget
  try {
    target = targetOf(ctx, w)
  } catch (err) {
    const facts: TokenFacts = {
      debug: skipped('the token cannot be decrypted'),
      probe: null,
      vaultError: (err as Error).message,
    }
    return [tokenCheck(w, facts, run.now)]
  }
  const debug = await readGraph(() => graph.debugToken(target, target.token))
  const dead =
    (!debug.ok && (isTokenProblem(debug.problem) || debug.problem.kind === 'unreachable')) ||
    (debug.ok && debug.value.data.is_valid === false)
  let listed: Read<PhoneNumber[]> | null = null
  if (!dead && !debug.ok) listed = await readGraph(() => graph.listPhoneNumbers(target, w.waba_id, ['id']))
  checks.push(tokenCheck(w, { debug, probe: listed }, run.now))

  const usable = !dead && (debug.ok || listed?.ok === true)
  const why =
    !debug.ok && debug.problem.kind === 'unreachable'
      ? 'the Graph API did not answer'
      : 'Meta refused the access token'
  const ask = <T>(call: () => Promise<T>): Promise<Read<T>> =>
    usable ? readGraph(call) : Promise.resolve(skipped<T>(why))

  const app =
    scope.apps.find((a) => a.id === w.meta_app_id) ?? (scope.apps.length === 1 ? scope.apps[0] : undefined)
  checks.push(
    subscribedCheck(w, await ask(() => graph.getSubscribedApps(target, w.waba_id)), app?.app_id ?? null),
  )
  checks.push(templatesCheck(w, await templatesOf(ctx.db, w.id)))

  listed ??= await ask(() => graph.listPhoneNumbers(target, w.waba_id, ['id']))
  // The Sandbox's emulator delivers to this server's local URL, whatever WAHUB_PUBLIC_URL says.
  const config = w.is_sandbox === 1 ? { ...ctx.config, publicUrl: undefined } : ctx.config
  const status: Read<WebhookStatus> =
    numbers.length > 0
      ? await ask(() =>
          webhookStatus({ ...ctx, graph, config }, w.id, {
            phoneNumberId: run.channel ? numbers[0].phone_number_id : undefined,
            localUrl: run.localUrl,
          }),
        )
      : skipped('no numbers')
  for (const n of numbers) {
    const info = await ask(() => graph.getPhoneNumber(target, n.phone_number_id))
    const view = numberView(n, info)
    checks.push(inWabaCheck(w, n, listed))
    checks.push(namesCheck(n, view))
    checks.push(qualityCheck(n, view))
    checks.push(registeredCheck(n, view))
    checks.push(callbackCheck(w, n, status))
  }
  return checks
}

function payloadFacts(
  body: Uint8Array | undefined,
  phoneNumberId: string,
): { wabaId: string | null; display: string | null } {
  if (!body) return { wabaId: null, display: null }
  try {
    const payload = JSON.parse(Buffer.from(body).toString('utf8')) as {
      entry?: {
        id?: string
        changes?: { value?: { metadata?: { phone_number_id?: string; display_phone_number?: string } } }[]
      }[]
    }
    for (const entry of payload.entry ?? []) {
      for (const change of entry.changes ?? []) {
        const m = change.value?.metadata
        if (m?.phone_number_id === phoneNumberId) {
          return {
            wabaId: entry.id ?? null,
            display: m.display_phone_number ? `+${m.display_phone_number}` : null,
          }
        }
      }
    }
    return { wabaId: payload.entry?.[0]?.id ?? null, display: null }
  } catch {
    return { wabaId: null, display: null }
  }
}

async function trafficChecks(
  ctx: DoctorContext,
  scope: Scope,
  known: { phone_number_id: string; display_phone_number: string | null }[],
  now: number,
  channelOption: string | undefined,
): Promise<Check[]> {
  const checks: Check[] = []
  // With --channel: that number only (our row, or the unknown id as given).
  const number = channelOption && !scope.unknownChannel ? scope.numbers[0] : undefined
  const channel = scope.unknownChannel ?? number?.phone_number_id ?? null
  const subject = channel

  if (!scope.unknownChannel) {
    const last = await lastWebhookAt(
      ctx.db,
      number ? { rowId: number.id, phoneNumberId: number.phone_number_id } : undefined,
      now - 48 * hourMs,
    )
    const sends = await acceptedSends(ctx.db, number?.id, now - 24 * hourMs, now - 10 * 60_000)
    checks.push(
      arrivingCheck(
        subject,
        last,
        sends,
        now,
        number ? 'for this number in the last 48 h' : 'has ever arrived',
      ),
    )
  }

  // Unrouted webhooks: grouped by phone_number_id, each with its WABA from one payload.
  const allNumbers = await numberOwners(ctx.db)
  const wabaIds = new Set((await wabaRefs(ctx.db)).map((r) => r.waba_id))
  const groups: UnroutedGroup[] = []
  for (const [pnid, g] of groupUnrouted(await unroutedEvents(ctx.db))) {
    if (channel && pnid !== channel) continue
    const facts = payloadFacts(await eventBody(ctx.db, g.sampleId), pnid)
    const held = allNumbers.find((n) => n.phone_number_id === pnid)
    const kind = !held ? 'unknown' : held.tenant_id || held.waba_tenant_id ? 'parked' : 'unassigned'
    groups.push({
      phoneNumberId: pnid,
      kind,
      count: g.count,
      lastAt: g.lastAt,
      wabaId: facts.wabaId ?? held?.waba_id ?? null,
      display: facts.display,
      wabaKnown: facts.wabaId ? wabaIds.has(facts.wabaId) : false,
    })
  }
  checks.push(unroutedCheck(groups, known, subject))
  if (!channel) checks.push(backlogCheck(await webhookBacklog(ctx.db), now))
  if (!channel) checks.push(wrongAppCheck(await wrongAppGroups(ctx.db)))
  if (!channel) checks.push(mediaStoreCheck(await probeMediaStore(ctx)))
  if (!channel) checks.push(subscriptionsCheck(await troubledSubscriptions(ctx.db), now))

  if (!scope.unknownChannel) {
    const since = now - 24 * hourMs
    const failures = await sendFailures(ctx.db, number?.id, since)
    const unsettled = await unsettledSends(ctx.db, number?.id, since, now - 5 * 60_000)
    const byRow = new Map(
      allNumbers.map((n) => [n.id, { phoneNumberId: n.phone_number_id, wabaId: n.waba_id }]),
    )
    checks.push(failuresCheck(subject, failures, unsettled, { numberOf: (id) => byRow.get(id) }))
  }
  return checks
}

async function probeMediaStore(ctx: DoctorContext) {
  const store = openMediaStore(ctx.config)
  const error = await store.check().then(
    () => null,
    (err: Error) => err.message,
  )
  return { location: store.location, shared: ctx.config.media.kind === 's3', error }
}

async function wrongAppGroups(db: Db): Promise<WrongAppGroup[]> {
  const owners = await appOwners(db)
  const groups = new Map<string, WrongAppGroup>()
  for (const row of await wrongAppEvents(db)) {
    for (const id of (row.phone_number_ids ?? '').split(',').filter(Boolean)) {
      const key = `${row.signer_app_id}:${id}`
      const g = groups.get(key)
      if (g) {
        g.count++
        g.lastAt = Math.max(g.lastAt, Number(row.received_at))
        continue
      }
      const owner = owners.get(id)
      groups.set(key, {
        id,
        signerAppId: row.signer_app_id,
        wabaId: owner?.wabaId ?? null,
        ownerAppId: owner?.ownerAppId ?? null,
        count: 1,
        lastAt: Number(row.received_at),
        sampleEventId: row.id,
      })
    }
  }
  return [...groups.values()]
}
