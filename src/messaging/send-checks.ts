import { Value } from 'typebox/value'
import { WahubError } from '../errors.ts'
import { validationProblems } from '../validation-problems.ts'
import {
  type FieldProblem,
  type MediaRefRequest,
  type MessageType,
  mediaMessageTypes,
  messageTypes,
  type SendRequest,
  SendRequestSchema,
} from './send-request.ts'

// What the request schema cannot say, checked before anything else is looked up (Meta's rules
// from FACTS §2 and the emulator's validation): the field named by `type` is there and no
// other type's, media has exactly one of id/link, interactive messages have the parts their
// type needs, button ids and list row ids are unique. Each problem names its field.

function fail(problems: FieldProblem[]): never {
  const first = problems[0]
  throw new WahubError('validation_failed', `Invalid message: ${first.field} ${first.problem}.`, problems)
}

/** For callers without Fastify (the CLI): the schema check with the same error shape. */
export function parseSendRequest(input: unknown): SendRequest {
  const value = Value.Default(SendRequestSchema, structuredClone(input)) as unknown
  if (!Value.Check(SendRequestSchema, value)) {
    fail(
      validationProblems([...Value.Errors(SendRequestSchema, value)].slice(0, 10)).map((p) => ({
        field: p.field || 'body',
        problem: p.problem,
      })),
    )
  }
  return value as SendRequest
}

function mediaRef(field: string, media: MediaRefRequest | undefined, problems: FieldProblem[]): void {
  if (!media) return
  if ((media.id === undefined) === (media.link === undefined)) {
    problems.push({ field, problem: "must have exactly one of 'id' (an uploaded media id) or 'link'" })
  }
}

function checkInteractive(req: SendRequest, problems: FieldProblem[]): void {
  const i = req.interactive
  if (!i) return
  const a = i.action
  const needBody = ['button', 'list', 'cta_url', 'flow', 'location_request_message', 'product_list']
  if (needBody.includes(i.type) && !i.body)
    problems.push({ field: 'interactive.body', problem: 'is required' })
  if (i.type === 'button' && i.body && i.body.text.length > 1024)
    problems.push({ field: 'interactive.body.text', problem: 'must be at most 1024 characters for buttons' })
  if (i.header) {
    const h = i.header
    if (h.type === 'text' && !h.text)
      problems.push({ field: 'interactive.header.text', problem: 'is required' })
    if (h.type !== 'text') {
      if (!h[h.type]) problems.push({ field: `interactive.header.${h.type}`, problem: 'is required' })
      mediaRef(`interactive.header.${h.type}`, h[h.type], problems)
      if (i.type === 'list' || i.type === 'product_list')
        problems.push({ field: 'interactive.header.type', problem: 'must be text for a list' })
    }
  }
  switch (i.type) {
    case 'button': {
      if (!a.buttons) problems.push({ field: 'interactive.action.buttons', problem: 'is required (1 to 3)' })
      const ids = new Set<string>()
      const titles = new Set<string>()
      a.buttons?.forEach((b, n) => {
        if (ids.has(b.reply.id))
          problems.push({ field: `interactive.action.buttons.${n}.reply.id`, problem: 'must be unique' })
        if (titles.has(b.reply.title))
          problems.push({ field: `interactive.action.buttons.${n}.reply.title`, problem: 'must be unique' })
        ids.add(b.reply.id)
        titles.add(b.reply.title)
      })
      return
    }
    case 'list': {
      if (!a.button)
        problems.push({ field: 'interactive.action.button', problem: 'is required (the label, ≤20)' })
      if (!a.sections) {
        problems.push({ field: 'interactive.action.sections', problem: 'is required' })
        return
      }
      let rows = 0
      const ids = new Set<string>()
      a.sections.forEach((s, n) => {
        if (a.sections && a.sections.length > 1 && !s.title)
          problems.push({
            field: `interactive.action.sections.${n}.title`,
            problem: 'is required when there are several sections',
          })
        for (const [m, r] of s.rows.entries()) {
          if (ids.has(r.id))
            problems.push({
              field: `interactive.action.sections.${n}.rows.${m}.id`,
              problem: 'must be unique',
            })
          ids.add(r.id)
        }
        rows += s.rows.length
      })
      // Meta caps a list at 10 rows in total, whatever the number of sections (FACTS §2).
      if (rows > 10)
        problems.push({ field: 'interactive.action.sections', problem: 'must have at most 10 rows in total' })
      return
    }
    case 'cta_url': {
      const p = a.parameters ?? {}
      if (a.name !== 'cta_url')
        problems.push({ field: 'interactive.action.name', problem: 'must be "cta_url"' })
      if (typeof p.display_text !== 'string' || p.display_text.length < 1 || p.display_text.length > 20)
        problems.push({
          field: 'interactive.action.parameters.display_text',
          problem: 'must be 1 to 20 characters',
        })
      if (typeof p.url !== 'string' || !/^https?:\/\/\S+$/.test(p.url))
        problems.push({ field: 'interactive.action.parameters.url', problem: 'must be an http(s) URL' })
      return
    }
    case 'flow': {
      const p = a.parameters ?? {}
      if (a.name !== 'flow') problems.push({ field: 'interactive.action.name', problem: 'must be "flow"' })
      if (typeof p.flow_message_version !== 'string')
        problems.push({
          field: 'interactive.action.parameters.flow_message_version',
          problem: 'is required ("3")',
        })
      if (p.flow_id === undefined && p.flow_name === undefined)
        problems.push({ field: 'interactive.action.parameters.flow_id', problem: 'or flow_name is required' })
      if (typeof p.flow_cta !== 'string' || p.flow_cta.length > 30)
        problems.push({
          field: 'interactive.action.parameters.flow_cta',
          problem: 'is required (≤30 characters)',
        })
      return
    }
    case 'location_request_message':
      if (a.name !== 'send_location')
        problems.push({ field: 'interactive.action.name', problem: 'must be "send_location"' })
      return
    case 'product':
      if (!a.catalog_id) problems.push({ field: 'interactive.action.catalog_id', problem: 'is required' })
      if (!a.product_retailer_id)
        problems.push({ field: 'interactive.action.product_retailer_id', problem: 'is required' })
      return
    case 'product_list':
      if (!a.catalog_id) problems.push({ field: 'interactive.action.catalog_id', problem: 'is required' })
      if (!a.sections) problems.push({ field: 'interactive.action.sections', problem: 'is required' })
      return
    default:
      return
  }
}

/** The message's type (Meta's default: text) once the request is known to be coherent. */
export function checkSendRequest(req: SendRequest): MessageType {
  const type: MessageType = req.type
  const problems: FieldProblem[] = []
  if (req[type] === undefined) problems.push({ field: type, problem: `is required for a ${type} message` })
  for (const other of messageTypes) {
    if (other !== type && req[other] !== undefined)
      problems.push({ field: other, problem: `is not allowed in a ${type} message (type says ${type})` })
  }
  for (const media of mediaMessageTypes) mediaRef(media, req[media], problems)
  checkInteractive(req, problems)
  if (type === 'template') {
    for (const [n, c] of (req.template?.components ?? []).entries()) {
      for (const [m, p] of (c.parameters ?? []).entries()) {
        const inner = p[p.type as keyof typeof p]
        if (inner === undefined)
          problems.push({
            field: `template.components.${n}.parameters.${m}.${p.type}`,
            problem: `is required for a ${p.type} parameter`,
          })
        if (p.type === 'image' || p.type === 'video' || p.type === 'document')
          mediaRef(`template.components.${n}.parameters.${m}.${p.type}`, p[p.type], problems)
      }
      if (c.type.toLowerCase() === 'button' && (c.sub_type === undefined || c.index === undefined))
        problems.push({
          field: `template.components.${n}`,
          problem: 'a button component needs sub_type and index',
        })
    }
  }
  if (problems.length > 0) fail(problems)
  return type
}
