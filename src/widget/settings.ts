import { randomBytes } from 'node:crypto'
import type { Selectable } from 'kysely'
import type { Db } from '../db/connect.ts'
import type { WidgetSettingsTable } from '../db/schema.ts'
import { WahubError } from '../errors.ts'

// A tenant's website widget settings (decision 0068). The publishable key is public (it sits in
// the page's HTML): it only names the tenant; what protects the endpoint is the origin list, the
// rate limits, the honeypot and the optional CAPTCHA.

export type ReplyMode = 'template' | 'link'

export type WidgetSettings = {
  tenantId: string
  publicKey: string
  enabled: boolean
  allowedOrigins: string[]
  replyMode: ReplyMode
  template: { name: string; language: string } | null
  captchaVerifyUrl: string | null
  updatedAt: number
}

export type WidgetSettingsInput = {
  enabled?: boolean
  allowedOrigins?: string[]
  replyMode?: ReplyMode
  template?: { name: string; language: string } | null
  captchaVerifyUrl?: string | null
}

function invalid(field: string, problem: string, message: string): WahubError {
  return new WahubError('validation_failed', `${field}: ${message}`, [{ field, problem }])
}

const newPublicKey = () => `pk_${randomBytes(18).toString('base64url')}`

function toSettings(r: Selectable<WidgetSettingsTable>): WidgetSettings {
  return {
    tenantId: r.tenant_id,
    publicKey: r.public_key,
    enabled: r.enabled === 1,
    allowedOrigins: JSON.parse(r.allowed_origins) as string[],
    replyMode: r.reply_mode as ReplyMode,
    template:
      r.template_name && r.template_language
        ? { name: r.template_name, language: r.template_language }
        : null,
    captchaVerifyUrl: r.captcha_verify_url,
    updatedAt: Number(r.updated_at),
  }
}

/** An origin as browsers send it: scheme://host[:port], nothing else. */
export function checkOrigin(origin: string, index: number): string {
  let url: URL
  try {
    url = new URL(origin)
  } catch {
    throw invalid(
      `allowedOrigins[${index}]`,
      'format',
      `"${origin}" is not an origin like https://www.example.com.`,
    )
  }
  if (!['https:', 'http:'].includes(url.protocol) || url.origin !== origin.replace(/\/$/, ''))
    throw invalid(
      `allowedOrigins[${index}]`,
      'format',
      `"${origin}" must be a bare origin (scheme, host and port, no path), like https://www.example.com.`,
    )
  return url.origin
}

/** The tenant's settings, created (disabled, no origins) on first read. */
export async function getWidgetSettings(db: Db, tenantId: string): Promise<WidgetSettings> {
  const row = await db
    .selectFrom('widget_settings')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .executeTakeFirst()
  if (row) return toSettings(row)
  await db
    .insertInto('widget_settings')
    .values({
      tenant_id: tenantId,
      public_key: newPublicKey(),
      enabled: 0,
      allowed_origins: '[]',
      reply_mode: 'link',
      template_name: null,
      template_language: null,
      captcha_verify_url: null,
      updated_at: Date.now(),
    })
    .onConflict((oc) => oc.column('tenant_id').doNothing())
    .execute()
  return toSettings(
    await db
      .selectFrom('widget_settings')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .executeTakeFirstOrThrow(),
  )
}

export async function updateWidgetSettings(
  db: Db,
  tenantId: string,
  input: WidgetSettingsInput,
): Promise<WidgetSettings> {
  const current = await getWidgetSettings(db, tenantId)
  const origins = input.allowedOrigins?.map(checkOrigin)
  const replyMode = input.replyMode ?? current.replyMode
  const template = input.template === undefined ? current.template : input.template
  if (replyMode === 'template' && !template)
    throw invalid(
      'template',
      'required',
      'replyMode "template" needs the approved template to send: { name, language }.',
    )
  if (input.captchaVerifyUrl) {
    try {
      if (
        new URL(input.captchaVerifyUrl).protocol !== 'https:' &&
        !/^http:\/\/(localhost|127\.)/.test(input.captchaVerifyUrl)
      )
        throw new Error('not https')
    } catch {
      throw invalid(
        'captchaVerifyUrl',
        'format',
        'must be an https:// URL that answers {"success": true} for a good token.',
      )
    }
  }
  await db
    .updateTable('widget_settings')
    .set({
      ...(input.enabled !== undefined ? { enabled: input.enabled ? 1 : 0 } : {}),
      ...(origins ? { allowed_origins: JSON.stringify([...new Set(origins)]) } : {}),
      reply_mode: replyMode,
      template_name: template?.name ?? null,
      template_language: template?.language ?? null,
      ...(input.captchaVerifyUrl !== undefined ? { captcha_verify_url: input.captchaVerifyUrl } : {}),
      updated_at: Date.now(),
    })
    .where('tenant_id', '=', tenantId)
    .execute()
  return getWidgetSettings(db, tenantId)
}

/** A new publishable key: pages embedding the old one stop working at once. */
export async function rotateWidgetKey(db: Db, tenantId: string): Promise<WidgetSettings> {
  await getWidgetSettings(db, tenantId)
  await db
    .updateTable('widget_settings')
    .set({ public_key: newPublicKey(), updated_at: Date.now() })
    .where('tenant_id', '=', tenantId)
    .execute()
  return getWidgetSettings(db, tenantId)
}

export async function settingsByKey(db: Db, publicKey: string): Promise<WidgetSettings | undefined> {
  const row = await db
    .selectFrom('widget_settings')
    .selectAll()
    .where('public_key', '=', publicKey)
    .executeTakeFirst()
  return row ? toSettings(row) : undefined
}
