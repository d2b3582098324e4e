import type { Db } from '../db/connect.ts'
import { WahubError } from '../errors.ts'
import { newId } from '../ids.ts'
import { enqueueJob } from '../jobs/jobs-repo.ts'
import { recordAudit } from './audit-repo.ts'
import { clearRemovedDefault } from './channel-settings.ts'
import type { Actor, ChannelsContext } from './context.ts'
import { announceRelinked } from './routing.ts'
import { last4 } from './secrets.ts'
import { findTenant } from './tenants-repo.ts'
import { checkWabaToken, type TokenInfo } from './token-check.ts'

// WhatsApp Business Accounts: id, access token (vault only), API version and Graph URL.
// Adding a WABA that exists replaces its token: that is how a temporary token becomes a
// permanent one, or a token is rotated, while sends continue (graph-target.ts reads the token
// per call).

export type Waba = {
  id: string
  wabaId: string
  name: string | null
  /** Our id of the Meta app this WABA's webhooks come through. */
  metaAppRowId: string | null
  /** Set when a tenant brought its own WABA (the help-desk case). */
  tenantId: string | null
  tokenLast4: string
  tokenType: string | null
  tokenExpiresAt: number | null
  apiVersion: string | null
  graphUrl: string | null
  isSandbox: boolean
  numberCount: number
  createdAt: number
  updatedAt: number
}

export type AddWabaInput = {
  wabaId: string
  token: string
  /** Meta's app id or our `app_…` id; default: the only app, if there is exactly one. */
  appId?: string
  apiVersion?: string
  graphUrl?: string
  name?: string
  /** Tenant id or name, for a tenant's own WABA. */
  tenant?: string
  /** Take a temporary token even for a WABA with production numbers (decision 0071). */
  acceptTemporary?: boolean
}

export type AddWabaResult = { waba: Waba; created: boolean; token: TokenInfo }

const wabaIdPattern = /^\d{5,25}$/
const tokenPattern = /^[\x21-\x7e]{16,2048}$/
const versionPattern = /^v\d+\.\d+$/

function invalid(field: string, problem: string): WahubError {
  return new WahubError('validation_failed', `${field} ${problem}.`, [{ field, problem }])
}

async function resolveAppRowId(
  db: Db,
  appId: string | undefined,
  tokenAppId: string | null = null,
): Promise<string | null> {
  if (appId) {
    const row = await db
      .selectFrom('meta_apps')
      .select('id')
      .where((eb) => eb.or([eb('id', '=', appId), eb('app_id', '=', appId)]))
      .executeTakeFirst()
    if (!row) {
      throw new WahubError(
        'not_found',
        `No Meta app ${appId}.`,
        undefined,
        'Add it first with `wahub app add`.',
      )
    }
    return row.id
  }
  // Not named: the app the token was made for when Wahub has it (several apps, e.g. the
  // Sandbox's beside the real one), else the only app.
  if (tokenAppId) {
    const own = await db
      .selectFrom('meta_apps')
      .select('id')
      .where('app_id', '=', tokenAppId)
      .executeTakeFirst()
    if (own) return own.id
  }
  const apps = await db.selectFrom('meta_apps').select('id').limit(2).execute()
  return apps.length === 1 ? apps[0].id : null
}

export async function addWaba(
  ctx: ChannelsContext,
  input: AddWabaInput,
  actor: Actor,
): Promise<AddWabaResult> {
  const { db, vault, config } = ctx
  if (!wabaIdPattern.test(input.wabaId)) throw invalid('wabaId', 'must be the numeric WABA id')
  if (!tokenPattern.test(input.token)) throw invalid('token', 'must be an access token (no spaces)')
  if (input.apiVersion !== undefined && !versionPattern.test(input.apiVersion)) {
    throw invalid('apiVersion', 'must look like v23.0')
  }
  if (input.graphUrl !== undefined && !/^https?:\/\/[^\s]+$/.test(input.graphUrl)) {
    throw invalid('graphUrl', 'must be an http(s) URL')
  }
  const existing = await db
    .selectFrom('wabas')
    .selectAll()
    .where('waba_id', '=', input.wabaId)
    .executeTakeFirst()
  const apiVersion = input.apiVersion ?? existing?.api_version ?? null
  const graphUrl = input.graphUrl?.replace(/\/+$/, '') ?? existing?.graph_url ?? null
  const target = {
    baseUrl: graphUrl ?? config.graphUrl,
    version: apiVersion ?? config.graphVersion,
    token: input.token,
  }
  const token = await checkWabaToken(ctx.graph, target, input.wabaId)
  if (existing && token.expiresAt !== null && !input.acceptTemporary) {
    await refuseTemporaryForProduction(db, existing.id, input.wabaId, token.expiresAt)
  }

  const appRowId = input.appId
    ? await resolveAppRowId(db, input.appId)
    : (existing?.meta_app_id ?? (await resolveAppRowId(db, undefined, token.appId)))
  const tenantId = input.tenant ? (await findTenant(db, input.tenant)).id : (existing?.tenant_id ?? null)
  const now = Date.now()
  const id = existing?.id ?? newId('waba')
  const values = {
    meta_app_id: appRowId,
    tenant_id: tenantId,
    name: input.name ?? existing?.name ?? null,
    access_token_enc: vault.encrypt(input.token, `wabas.access_token_enc:${id}`),
    token_last4: last4(input.token),
    token_type: token.type,
    token_expires_at: token.expiresAt,
    api_version: apiVersion,
    graph_url: graphUrl,
    updated_at: now,
  }
  if (existing && existing.meta_app_id !== appRowId) {
    // Linked to another app: the webhooks kept as wrong_app for it are replayed under the new
    // link (issue 12), announced in the same transaction as the change.
    await db.transaction().execute(async (trx) => {
      await trx.updateTable('wabas').set(values).where('id', '=', id).execute()
      await announceRelinked(trx, id)
    })
  } else if (existing) {
    // One UPDATE: a concurrent send reads either the whole old token or the whole new one.
    await db.updateTable('wabas').set(values).where('id', '=', id).execute()
  } else {
    // Its templates are read at once by the templates domain (templates.sync, SPEC §14): the
    // job commits with the WABA, so a window_closed answer lists them without a manual sync.
    await db.transaction().execute(async (trx) => {
      await trx
        .insertInto('wabas')
        .values({ id, waba_id: input.wabaId, created_at: now, ...values })
        .execute()
      await enqueueJob(trx, 'templates.sync', { wabaId: id }, { maxAttempts: 8 })
    })
  }
  await recordAudit(db, {
    actor,
    action: existing ? 'waba.token_replace' : 'waba.add',
    targetType: 'waba',
    targetId: id,
    tenantId,
    details: { wabaId: input.wabaId, tokenLast4: last4(input.token), tokenType: token.type },
  })
  return { waba: await getWaba(db, id), created: !existing, token }
}

/**
 * A temporary token (24 h, App Dashboard) never replaces the token of a WABA whose numbers are in
 * production — live, registered, not the Sandbox: every send would stop when it expires
 * (seed 000's outage). Decision 0071.
 */
async function refuseTemporaryForProduction(db: Db, wabaRowId: string, wabaId: string, expiresAt: number) {
  const live = await db
    .selectFrom('phone_numbers')
    .select('phone_number_id')
    .where('waba_id', '=', wabaRowId)
    .where('is_sandbox', '=', 0)
    .where('account_mode', '=', 'LIVE')
    .where('registered', '=', 1)
    .execute()
  if (live.length === 0) return
  throw new WahubError(
    'token_temporary',
    `This token expires at ${new Date(expiresAt).toISOString()} (a temporary token), and WABA ${wabaId} has numbers in production (${live.map((n) => n.phone_number_id).join(', ')}): every send from them would fail with (#190) once it expires. The old token stays.`,
    { wabaId, expiresAt, productionNumbers: live.map((n) => n.phone_number_id) },
  )
}

/** Replaces only the token (checked first); the WABA's other settings stay. */
export async function replaceWabaToken(
  ctx: ChannelsContext,
  idOrWabaId: string,
  token: string,
  actor: Actor,
  options: { acceptTemporary?: boolean } = {},
): Promise<AddWabaResult> {
  const waba = await getWaba(ctx.db, idOrWabaId)
  return addWaba(ctx, { wabaId: waba.wabaId, token, acceptTemporary: options.acceptTemporary }, actor)
}

export type TokenCheck = TokenInfo & {
  /** Null when the token may replace the WABA's; else why not (the same refusal a save gives). */
  refusal: { code: string; message: string; fix: string } | null
}

/**
 * The safe swap's first half: the new token checked with Meta (debug_token: type, expiry,
 * permissions, the WABAs it reaches; then a read of the WABA) and the refusal a save would give,
 * without saving anything.
 */
export async function checkReplacementToken(
  ctx: ChannelsContext,
  idOrWabaId: string,
  token: string,
): Promise<TokenCheck> {
  if (!tokenPattern.test(token)) throw invalid('token', 'must be an access token (no spaces)')
  const waba = await getWaba(ctx.db, idOrWabaId)
  const target = {
    baseUrl: waba.graphUrl ?? ctx.config.graphUrl,
    version: waba.apiVersion ?? ctx.config.graphVersion,
    token,
  }
  const info = await checkWabaToken(ctx.graph, target, waba.wabaId)
  let refusal: TokenCheck['refusal'] = null
  if (info.expiresAt !== null) {
    try {
      await refuseTemporaryForProduction(ctx.db, waba.id, waba.wabaId, info.expiresAt)
    } catch (err) {
      if (!(err instanceof WahubError)) throw err
      refusal = { code: err.code, message: err.message, fix: err.fix }
    }
  }
  return { ...info, refusal }
}

type WabaRow = {
  id: string
  waba_id: string
  name: string | null
  meta_app_id: string | null
  tenant_id: string | null
  token_last4: string
  token_type: string | null
  token_expires_at: number | null
  api_version: string | null
  graph_url: string | null
  is_sandbox: number
  created_at: number
  updated_at: number
  number_count: number | string | null
}

function toWaba(row: WabaRow): Waba {
  return {
    id: row.id,
    wabaId: row.waba_id,
    name: row.name,
    metaAppRowId: row.meta_app_id,
    tenantId: row.tenant_id,
    tokenLast4: row.token_last4,
    tokenType: row.token_type,
    tokenExpiresAt: row.token_expires_at,
    apiVersion: row.api_version,
    graphUrl: row.graph_url,
    isSandbox: row.is_sandbox === 1,
    numberCount: Number(row.number_count ?? 0),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  }
}

function wabaQuery(db: Db) {
  return db
    .selectFrom('wabas as w')
    .select([
      'w.id',
      'w.waba_id',
      'w.name',
      'w.meta_app_id',
      'w.tenant_id',
      'w.token_last4',
      'w.token_type',
      'w.token_expires_at',
      'w.api_version',
      'w.graph_url',
      'w.is_sandbox',
      'w.created_at',
      'w.updated_at',
    ])
    .select((eb) =>
      eb
        .selectFrom('phone_numbers as p')
        .select((e) => e.fn.countAll<number>().as('n'))
        .whereRef('p.waba_id', '=', 'w.id')
        .as('number_count'),
    )
}

/** By our id (`waba_…`) or Meta's WABA id. */
export async function getWaba(db: Db, idOrWabaId: string): Promise<Waba> {
  const row = await wabaQuery(db)
    .where((eb) => eb.or([eb('w.id', '=', idOrWabaId), eb('w.waba_id', '=', idOrWabaId)]))
    .executeTakeFirst()
  if (!row)
    throw new WahubError(
      'not_found',
      `No WABA ${idOrWabaId}.`,
      undefined,
      'List WABAs with `wahub waba list`.',
    )
  return toWaba(row)
}

export async function listWabas(db: Db): Promise<Waba[]> {
  const rows = await wabaQuery(db).orderBy('w.id').execute()
  return rows.map(toWaba)
}

/**
 * Removes a WABA with its numbers and templates. Numbers with conversations would take their
 * history with them: refused unless `force`.
 */
export async function removeWaba(
  ctx: ChannelsContext,
  idOrWabaId: string,
  actor: Actor,
  options: { force?: boolean } = {},
): Promise<void> {
  const waba = await getWaba(ctx.db, idOrWabaId)
  if (!options.force) {
    const used = await ctx.db
      .selectFrom('conversations as c')
      .innerJoin('phone_numbers as p', 'p.id', 'c.phone_number_id')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('p.waba_id', '=', waba.id)
      .executeTakeFirstOrThrow()
    if (Number(used.n) > 0) {
      throw new WahubError(
        'conflict',
        `WABA ${waba.wabaId} has numbers with ${used.n} conversations; removing it deletes their history.`,
        { conversations: Number(used.n) },
        'Pass force (`--force`) to remove it anyway.',
      )
    }
  }
  await ctx.db.transaction().execute(async (trx) => {
    await trx
      .updateTable('tenants')
      .set({ default_phone_number_id: null })
      .where(
        'default_phone_number_id',
        'in',
        trx.selectFrom('phone_numbers').select('id').where('waba_id', '=', waba.id),
      )
      .execute()
    await trx.deleteFrom('wabas').where('id', '=', waba.id).execute()
  })
  await clearRemovedDefault(ctx.db)
  await recordAudit(ctx.db, {
    actor,
    action: 'waba.remove',
    targetType: 'waba',
    targetId: waba.id,
    tenantId: waba.tenantId,
    details: { wabaId: waba.wabaId, force: options.force === true },
  })
}

export type TokenAlert = {
  id: string
  wabaId: string
  name: string | null
  tokenType: string | null
  expiresAt: number
  expired: boolean
}

/** WABAs whose token has expired or expires within `withinMs` (the dashboard header's warning). */
export async function expiringTokens(
  db: Db,
  now: number,
  withinMs = 7 * 24 * 60 * 60_000,
): Promise<TokenAlert[]> {
  const rows = await db
    .selectFrom('wabas')
    .select(['id', 'waba_id', 'name', 'token_type', 'token_expires_at'])
    .where('token_expires_at', 'is not', null)
    .where('token_expires_at', '<=', now + withinMs)
    .where('is_sandbox', '=', 0)
    .orderBy('token_expires_at')
    .execute()
  return rows.map((r) => ({
    id: r.id,
    wabaId: r.waba_id,
    name: r.name,
    tokenType: r.token_type,
    expiresAt: Number(r.token_expires_at),
    expired: Number(r.token_expires_at) <= now,
  }))
}
