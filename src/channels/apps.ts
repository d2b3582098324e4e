import type { Config } from '../config.ts'
import type { Db } from '../db/connect.ts'
import { WahubError } from '../errors.ts'
import { newId } from '../ids.ts'
import { recordAudit } from './audit-repo.ts'
import type { Actor, ChannelsContext } from './context.ts'
import { last4, randomToken } from './secrets.ts'
import type { Vault } from './vault.ts'

// Meta apps: the app id, its secret (signs every webhook, SPEC §5) and the verify token Meta's
// handshake must echo. Adding one says exactly what to paste into Meta's App Dashboard.

export type MetaApp = {
  id: string
  appId: string
  name: string | null
  appSecretLast4: string | null
  verifyTokenLast4: string
  createdAt: number
  updatedAt: number
}

export type AddAppInput = { appId: string; appSecret: string; verifyToken?: string; name?: string }

export type AddAppResult = {
  app: MetaApp
  created: boolean
  /** Where Meta must send webhooks (App Dashboard > WhatsApp > Configuration > Callback URL). */
  callbackUrl: string
  /** Present only when the verify token was set by this call: it is never shown again. */
  verifyToken?: string
  warnings: string[]
}

const webhookPath = '/webhooks/whatsapp'

/**
 * The callback URL Meta must call: WAHUB_PUBLIC_URL + /webhooks/whatsapp, or the local URL
 * when no public URL is configured (then Meta cannot reach it: see callbackWarnings).
 */
export function callbackUrl(config: Config, localUrl?: string): string {
  const base = config.publicUrl ?? localUrl ?? `http://localhost:${config.port}`
  return `${base.replace(/\/+$/, '')}${webhookPath}`
}

export function callbackWarnings(config: Config): string[] {
  if (!config.publicUrl) {
    return [
      'WAHUB_PUBLIC_URL is not set: this callback URL is local and Meta cannot reach it. Set WAHUB_PUBLIC_URL to the public HTTPS address of this server.',
    ]
  }
  if (!config.publicUrl.startsWith('https://')) {
    return ['WAHUB_PUBLIC_URL is not HTTPS: Meta only calls HTTPS callback URLs.']
  }
  return []
}

const appIdPattern = /^\d{5,25}$/

function checkSecretShape(value: string, field: string): void {
  if (value.length < 8 || value.length > 256 || /\s/.test(value)) {
    throw new WahubError('validation_failed', `${field} must be 8 to 256 characters without spaces.`, [
      { field, problem: 'must be 8 to 256 characters without spaces' },
    ])
  }
}

type AppRow = {
  id: string
  app_id: string
  name: string | null
  app_secret_enc: string | null
  verify_token_enc: string
  created_at: number
  updated_at: number
}

function toApp(vault: Vault, row: AppRow): MetaApp {
  return {
    id: row.id,
    appId: row.app_id,
    name: row.name,
    appSecretLast4: row.app_secret_enc
      ? last4(vault.decrypt(row.app_secret_enc, `meta_apps.app_secret_enc:${row.id}`))
      : null,
    verifyTokenLast4: last4(vault.decrypt(row.verify_token_enc, `meta_apps.verify_token_enc:${row.id}`)),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  }
}

/**
 * Adds an app, or replaces the secret (and the verify token, when given) of an app already
 * added. A verify token is generated for a new app when none is given.
 */
export async function addApp(
  ctx: ChannelsContext,
  input: AddAppInput,
  actor: Actor,
  localUrl?: string,
): Promise<AddAppResult> {
  const { db, vault } = ctx
  if (!appIdPattern.test(input.appId)) {
    throw new WahubError('validation_failed', 'appId must be the numeric App ID from the App Dashboard.', [
      { field: 'appId', problem: 'must be digits' },
    ])
  }
  checkSecretShape(input.appSecret, 'appSecret')
  if (input.verifyToken !== undefined) checkSecretShape(input.verifyToken, 'verifyToken')

  const now = Date.now()
  const existing = await db
    .selectFrom('meta_apps')
    .selectAll()
    .where('app_id', '=', input.appId)
    .executeTakeFirst()
  const id = existing?.id ?? newId('app')
  const verifyToken = input.verifyToken ?? (existing ? undefined : randomToken(24))
  const secretEnc = vault.encrypt(input.appSecret, `meta_apps.app_secret_enc:${id}`)
  const verifyEnc = verifyToken ? vault.encrypt(verifyToken, `meta_apps.verify_token_enc:${id}`) : undefined

  if (existing) {
    await db
      .updateTable('meta_apps')
      .set({
        app_secret_enc: secretEnc,
        ...(verifyEnc ? { verify_token_enc: verifyEnc } : {}),
        ...(input.name !== undefined ? { name: input.name } : {}),
        updated_at: now,
      })
      .where('id', '=', id)
      .execute()
  } else {
    await db
      .insertInto('meta_apps')
      .values({
        id,
        app_id: input.appId,
        name: input.name ?? null,
        app_secret_enc: secretEnc,
        verify_token_enc: verifyEnc as string,
        created_at: now,
        updated_at: now,
      })
      .execute()
  }
  await recordAudit(db, {
    actor,
    action: existing ? 'app.update' : 'app.add',
    targetType: 'meta_app',
    targetId: id,
    details: { appId: input.appId, verifyTokenChanged: verifyToken !== undefined },
  })
  const app = await getApp(db, vault, id)
  const result: AddAppResult = {
    app,
    created: !existing,
    callbackUrl: callbackUrl(ctx.config, localUrl),
    warnings: callbackWarnings(ctx.config),
  }
  if (verifyToken) result.verifyToken = verifyToken
  return result
}

/** By our id (`app_…`) or Meta's app id. */
export async function getApp(db: Db, vault: Vault, idOrAppId: string): Promise<MetaApp> {
  const row = await db
    .selectFrom('meta_apps')
    .selectAll()
    .where((eb) => eb.or([eb('id', '=', idOrAppId), eb('app_id', '=', idOrAppId)]))
    .executeTakeFirst()
  if (!row)
    throw new WahubError(
      'not_found',
      `No Meta app ${idOrAppId}.`,
      undefined,
      'List apps with `wahub app list`.',
    )
  return toApp(vault, row)
}

export async function listApps(db: Db, vault: Vault): Promise<MetaApp[]> {
  const rows = await db.selectFrom('meta_apps').selectAll().orderBy('id').execute()
  return rows.map((r) => toApp(vault, r))
}

/** The decrypted verify token of an app (for a webhook override: Meta checks it). */
export async function appVerifyToken(db: Db, vault: Vault, appRowId: string): Promise<string> {
  const row = await db
    .selectFrom('meta_apps')
    .select(['id', 'verify_token_enc'])
    .where('id', '=', appRowId)
    .executeTakeFirstOrThrow()
  return vault.decrypt(row.verify_token_enc, `meta_apps.verify_token_enc:${row.id}`)
}

/** Removes an app; its WABAs stay (their app link is cleared). */
export async function removeApp(ctx: ChannelsContext, idOrAppId: string, actor: Actor): Promise<void> {
  const app = await getApp(ctx.db, ctx.vault, idOrAppId)
  await ctx.db.deleteFrom('meta_apps').where('id', '=', app.id).execute()
  await recordAudit(ctx.db, {
    actor,
    action: 'app.remove',
    targetType: 'meta_app',
    targetId: app.id,
    details: { appId: app.appId },
  })
}
