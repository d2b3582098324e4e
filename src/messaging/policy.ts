import type { Db } from '../db/connect.ts'
import { WahubError } from '../errors.ts'
import { isWindowOpen, windowClosesAt } from '../inbox/conversations-repo.ts'
import {
  checkTemplateParams,
  describeExpectation,
  expectationOf,
  type SentComponent,
} from '../templates/params.ts'
import { renderTemplatePreview, sentValues } from '../templates/preview.ts'
import type { StoredTemplate } from '../templates/templates-repo.ts'
import type { MessagingContext } from './context.ts'
import { findUploadedMedia, limitFor, type MediaKind, mimeFits } from './outbound-media.ts'
import type { MediaRefRequest, MessageType, SendRequest } from './send-request.ts'
import { approvedTemplates, templateForSend } from './template-lookup.ts'

// Meta's rules, applied before a message is queued (SPEC §6): each refusal is a 422 with a
// machine code and a fix, so a caller learns at once what a `failed` status would have told
// it minutes later (131047 window, 132001 template, 132000/132012 parameters, 131053 media).

export type PolicyInput = {
  tenantId: string
  wabaRowId: string
  type: MessageType
  request: SendRequest
  /** The conversation's last inbound message (null: the customer never wrote to this number). */
  lastInboundAt: number | null
  now?: number
}

export async function checkWindow(ctx: MessagingContext, input: PolicyInput): Promise<void> {
  if (input.type === 'template') return
  const now = input.now ?? Date.now()
  if (isWindowOpen(input.lastInboundAt, now)) return
  const templates = await approvedTemplates(ctx, input.wabaRowId)
  const closedAt = windowClosesAt(input.lastInboundAt)
  throw new WahubError(
    'window_closed',
    input.lastInboundAt === null
      ? `The customer has never written to this number, so only a template can start the conversation (a ${input.type} message would fail with Meta's 131047).`
      : `The 24-hour customer service window closed at ${new Date(closedAt as number).toISOString()} (the customer last wrote ${new Date(input.lastInboundAt).toISOString()}); a ${input.type} message would fail with Meta's 131047.`,
    { lastInboundAt: input.lastInboundAt, windowClosedAt: closedAt, templates },
    templates.length > 0
      ? `Send an approved template instead (type "template"), e.g. ${templates
          .slice(0, 3)
          .map((t) => `${t.name} (${t.language})`)
          .join(', ')}; free-form messages are possible again once the customer writes.`
      : undefined,
  )
}

function templateLanguage(t: NonNullable<SendRequest['template']>): string {
  return typeof t.language === 'string' ? t.language : t.language.code
}

/** Looks a template up for a send; a bulk send passes one that remembers what it found. */
export type TemplateFinder = (wabaRowId: string, name: string, language: string) => Promise<StoredTemplate>

/** templateForSend, each WABA × name × language asked once (refusals too). */
export function memoTemplateFinder(ctx: MessagingContext): TemplateFinder {
  const seen = new Map<string, Promise<StoredTemplate>>()
  return (wabaRowId, name, language) => {
    const key = JSON.stringify([wabaRowId, name, language])
    let found = seen.get(key)
    if (!found) {
      found = templateForSend(ctx, wabaRowId, name, language)
      found.catch(() => {})
      seen.set(key, found)
    }
    return found
  }
}

/**
 * For a template send: the template's row id (for its "last used") and its text as the customer
 * will read it, rendered with the send's values (for the inbox's search).
 */
export async function checkTemplate(
  ctx: MessagingContext,
  input: PolicyInput,
  find: TemplateFinder = (waba, name, language) => templateForSend(ctx, waba, name, language),
): Promise<{ id: string; text: string } | undefined> {
  const t = input.request.template
  if (input.type !== 'template' || !t) return undefined
  const language = templateLanguage(t)
  const template = await find(input.wabaRowId, t.name, language)
  const expectation = expectationOf(template)
  const problems = checkTemplateParams(expectation, (t.components ?? []) as SentComponent[])
  if (problems.length > 0) {
    throw new WahubError(
      'template_params_mismatch',
      `Template ${t.name} (${language}): ${problems[0]}${problems.length > 1 ? ` (and ${problems.length - 1} more)` : ''}.`,
      { name: t.name, language, problems, expected: describeExpectation(expectation) },
    )
  }
  const values = sentValues((t.components ?? []) as unknown[])
  return { id: template.id, text: renderTemplatePreview(template.components, values).text }
}

/** Every media reference of a request with the kind it is sent as. */
function mediaRefs(
  req: SendRequest,
  type: MessageType,
): { field: string; kind: MediaKind; ref: MediaRefRequest }[] {
  const out: { field: string; kind: MediaKind; ref: MediaRefRequest }[] = []
  if (type === 'image' || type === 'audio' || type === 'video' || type === 'document' || type === 'sticker') {
    const ref = req[type]
    if (ref) out.push({ field: type, kind: type, ref })
  }
  const header = req.interactive?.header
  if (header && header.type !== 'text' && header[header.type])
    out.push({
      field: `interactive.header.${header.type}`,
      kind: header.type,
      ref: header[header.type] as MediaRefRequest,
    })
  for (const [n, c] of (req.template?.components ?? []).entries()) {
    for (const [m, p] of (c.parameters ?? []).entries()) {
      if ((p.type === 'image' || p.type === 'video' || p.type === 'document') && p[p.type])
        out.push({
          field: `template.components.${n}.parameters.${m}.${p.type}`,
          kind: p.type,
          ref: p[p.type] as MediaRefRequest,
        })
    }
  }
  return out
}

export async function checkMedia(db: Db, input: PolicyInput): Promise<void> {
  for (const { field, kind, ref } of mediaRefs(input.request, input.type)) {
    if (!ref.id) continue // a link is fetched by Meta; its size is only known there
    const media = await findUploadedMedia(db, input.tenantId, ref.id)
    if (!media) continue // a media id uploaded outside Wahub: Meta checks it
    if (media.mime_type && !mimeFits(media.mime_type, kind)) {
      throw new WahubError(
        'media_type_not_supported',
        `Media ${ref.id} is ${media.mime_type}, which cannot be sent as ${kind} (${field}); Meta would answer 131053.`,
        { field, mediaId: ref.id, mimeType: media.mime_type, sentAs: kind },
        `Send it as a document, or upload a file of a type ${kind} accepts.`,
      )
    }
    const limit = limitFor(kind)
    if (media.size_bytes !== null && media.size_bytes > limit) {
      throw new WahubError(
        'media_too_large',
        `Media ${ref.id} is ${media.size_bytes} bytes; a ${kind} may be at most ${limit} bytes (${field}).`,
        { field, mediaId: ref.id, size: media.size_bytes, limit, kind },
      )
    }
  }
}
