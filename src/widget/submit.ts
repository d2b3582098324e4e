import { hitCounter } from '../accounts/rate-counters.ts'
import { resolveSenderNumber } from '../channels/sender.ts'
import { WahubError } from '../errors.ts'
import { recordEvent } from '../events/events-repo.ts'
import { recordActivity } from '../inbox/activity-repo.ts'
import { upsertContact } from '../inbox/contacts-repo.ts'
import { getOrCreateConversation, touchConversation } from '../inbox/conversations-repo.ts'
import type { MessagingContext } from '../messaging/context.ts'
import { normaliseRecipient } from '../messaging/recipient.ts'
import { queueMessage } from '../messaging/send-service.ts'
import { settingsByKey, type WidgetSettings } from './settings.ts'

// A visitor's form from the website widget (seed 002, decision 0068): checked against the key's
// origins, rate limits, honeypot and CAPTCHA; then the contact and conversation are created, the
// team is told in the thread (a note line by `widget`, the conversation unread) and a
// `widget.message` event is recorded; the visitor gets the tenant's approved template on WhatsApp
// or a wa.me link to open the chat themselves.

export const originLimit = { count: 30, windowMs: 3_600_000 }
export const addressLimit = { count: 5, windowMs: 3_600_000 }

export type VisitorForm = {
  name: string
  phone: string
  message: string
  /** The honeypot: hidden from people, filled by bots. */
  website?: string
  captchaToken?: string
}

export type WidgetAnswer = { accepted: true; mode: 'template' | 'link'; link: string | null }

function invalid(field: string, problem: string, message: string): WahubError {
  return new WahubError('validation_failed', `${field}: ${message}`, [{ field, problem }])
}

/** The widget's settings when this origin may use this key, else undefined (no CORS for it). */
export async function allowedSettings(
  ctx: Pick<MessagingContext, 'db'>,
  publicKey: string,
  origin: string | undefined,
): Promise<WidgetSettings | undefined> {
  const settings = await settingsByKey(ctx.db, publicKey)
  if (!settings?.enabled || !origin || !settings.allowedOrigins.includes(origin)) return undefined
  return settings
}

async function limit(
  ctx: MessagingContext,
  key: string,
  rule: { count: number; windowMs: number },
  what: string,
) {
  const counter = await hitCounter(ctx.db, key, rule.windowMs)
  if (counter.count > rule.count)
    throw new WahubError('rate_limited', `Too many website messages from this ${what}; try again later.`, {
      retryAfterMs: counter.resetAt - Date.now(),
    })
}

async function verifyCaptcha(url: string, token: string | undefined, origin: string, address: string) {
  if (!token) throw invalid('captchaToken', 'required', 'this form needs the CAPTCHA answered.')
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token, origin, address }),
    signal: AbortSignal.timeout(5_000),
  }).catch(() => undefined)
  const body = (await res?.json().catch(() => undefined)) as { success?: unknown } | undefined
  if (body?.success !== true)
    throw invalid('captchaToken', 'rejected', 'the CAPTCHA was not accepted; try again.')
}

export async function submitVisitorForm(
  ctx: MessagingContext,
  request: { publicKey: string; origin: string | undefined; address: string; form: VisitorForm },
): Promise<WidgetAnswer> {
  const { db } = ctx
  const settings = await allowedSettings(ctx, request.publicKey, request.origin)
  if (!settings || !request.origin)
    throw new WahubError(
      'forbidden',
      'This website may not use this widget key.',
      { origin: request.origin ?? null },
      "Add the page's origin to the widget's allowed origins (dashboard → Integrations, or `wahub widget set --origin`).",
    )
  const { form } = request
  // A bot filled the hidden field: answer like a success, keep nothing.
  if (form.website) return { accepted: true, mode: settings.replyMode, link: null }
  await limit(ctx, `widget:origin:${request.origin}`, originLimit, 'website')
  await limit(ctx, `widget:address:${request.address}`, addressLimit, 'address')
  if (settings.captchaVerifyUrl)
    await verifyCaptcha(settings.captchaVerifyUrl, form.captchaToken, request.origin, request.address)

  const tenantId = settings.tenantId
  const tenant = await db
    .selectFrom('tenants')
    .select('default_country')
    .where('id', '=', tenantId)
    .executeTakeFirst()
  let waId: string
  try {
    const r = normaliseRecipient(form.phone, tenant?.default_country ?? null)
    if (r.kind !== 'phone') throw new Error('not a phone')
    waId = r.waId
  } catch {
    throw invalid(
      'phone',
      'format',
      `"${form.phone.slice(0, 40)}" is not a WhatsApp number; give it with the country code, like +34 612 345 678.`,
    )
  }
  const sender = await resolveSenderNumber(db, tenantId)
  const now = Date.now()
  const name = form.name.trim()
  const message = form.message.trim()
  await db.transaction().execute(async (trx) => {
    const contact = await upsertContact(trx, tenantId, { waId, userId: null, profileName: name }, now)
    const conversationId = await getOrCreateConversation(trx, tenantId, sender.numberRowId, contact.id, now)
    await touchConversation(trx, conversationId, {
      at: now,
      preview: `Website: ${message}`.slice(0, 200),
      inbound: true,
      opensWindow: false, // a form is not a WhatsApp message: Meta's 24-hour window stays shut
    })
    const note = await recordActivity(trx, {
      tenantId,
      conversationId,
      kind: 'note',
      actor: 'widget',
      body: `Website form (${request.origin}) — ${name}, +${waId}: ${message}`,
      data: { source: 'widget', origin: request.origin, name },
      at: now,
    })
    await recordEvent(trx, {
      tenantId,
      kind: 'widget.message',
      subjectId: conversationId,
      payload: { conversationId, activityId: note.id, origin: request.origin, name, waId, message },
    })
  })

  if (settings.replyMode === 'template' && settings.template) {
    await queueMessage(ctx, {
      tenantId,
      request: {
        to: waId,
        type: 'template',
        template: { name: settings.template.name, language: { code: settings.template.language } },
      } as Parameters<typeof queueMessage>[1]['request'],
      source: { source: 'api', createdBy: 'widget' },
    })
    return { accepted: true, mode: 'template', link: null }
  }
  const number = await db
    .selectFrom('phone_numbers')
    .select('display_phone_number')
    .where('id', '=', sender.numberRowId)
    .executeTakeFirst()
  const digits = (number?.display_phone_number ?? sender.phoneNumberId).replace(/\D/g, '')
  return { accepted: true, mode: 'link', link: `https://wa.me/${digits}?text=${encodeURIComponent(message)}` }
}
