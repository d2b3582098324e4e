import type { EmulatorContext } from './context.ts'
import { invalidParam } from './graph-errors.ts'
import type { MediaKind } from './media-store.ts'
import type { JsonObject } from './types.ts'
import {
  fieldPath,
  oneOf,
  optionalString,
  requireArray,
  requireHttpUrl,
  requireObject,
  requireString,
} from './validate-helpers.ts'
import { validateMediaObject } from './validate-media.ts'

// Interactive messages (FACTS §2, M-CTA): reply buttons (1–3, title ≤20, id ≤256), lists
// (button ≤20, ≤10 sections, ≤10 rows in total, row id ≤200 / title ≤24 / description ≤72,
// section title ≤24 and required past one section), cta_url (display_text ≤20), flows.

const types = [
  'button',
  'list',
  'cta_url',
  'flow',
  'product',
  'product_list',
  'catalog_message',
  'location_request_message',
  'address_message',
  'call_permission_request',
] as const

const p = (...parts: (string | number)[]) => fieldPath('interactive', ...parts)

function validateHeader(ctx: EmulatorContext, header: unknown, textOnly: boolean): void {
  if (header === undefined) return
  const h = requireObject(header, p('header'))
  const kinds = textOnly ? (['text'] as const) : (['text', 'image', 'video', 'document'] as const)
  const type = oneOf(h.type, p('header', 'type'), kinds)
  if (type === 'text') {
    requireString(h.text, p('header', 'text'), { max: 60 })
    return
  }
  validateMediaObject(ctx, type as MediaKind, h[type], 'interactive', ['header', type], false)
}

function validateBodyFooter(i: JsonObject, bodyMax: number, bodyRequired: boolean): void {
  if (bodyRequired || i.body !== undefined) {
    requireString(requireObject(i.body, p('body')).text, p('body', 'text'), { max: bodyMax })
  }
  if (i.footer !== undefined)
    requireString(requireObject(i.footer, p('footer')).text, p('footer', 'text'), { max: 60 })
}

function validateButtons(action: JsonObject): void {
  const buttons = requireArray(action.buttons, p('action', 'buttons'))
  if (buttons.length < 1 || buttons.length > 3) {
    throw invalidParam(`Param ${p('action', 'buttons')} must have between 1 and 3 buttons.`)
  }
  const ids = new Set<string>()
  const titles = new Set<string>()
  buttons.forEach((b, n) => {
    const button = requireObject(b, p('action', 'buttons', n))
    oneOf(button.type, p('action', 'buttons', n, 'type'), ['reply'])
    const reply = requireObject(button.reply, p('action', 'buttons', n, 'reply'))
    const id = requireString(reply.id, p('action', 'buttons', n, 'reply', 'id'), { max: 256 })
    const title = requireString(reply.title, p('action', 'buttons', n, 'reply', 'title'), { max: 20 })
    if (ids.has(id)) throw invalidParam(`Param ${p('action', 'buttons', n, 'reply', 'id')} must be unique.`)
    if (titles.has(title))
      throw invalidParam(`Param ${p('action', 'buttons', n, 'reply', 'title')} must be unique.`)
    ids.add(id)
    titles.add(title)
  })
}

function validateList(action: JsonObject): void {
  requireString(action.button, p('action', 'button'), { max: 20 })
  const sections = requireArray(action.sections, p('action', 'sections'))
  if (sections.length < 1 || sections.length > 10) {
    throw invalidParam(`Param ${p('action', 'sections')} must have between 1 and 10 sections.`)
  }
  let total = 0
  const rowIds = new Set<string>()
  sections.forEach((s, n) => {
    const section = requireObject(s, p('action', 'sections', n))
    if (sections.length > 1 || section.title !== undefined) {
      requireString(section.title, p('action', 'sections', n, 'title'), { max: 24 })
    }
    const rows = requireArray(section.rows, p('action', 'sections', n, 'rows'))
    if (rows.length < 1) throw invalidParam(`Param ${p('action', 'sections', n, 'rows')} must not be empty.`)
    total += rows.length
    rows.forEach((r, m) => {
      const row = requireObject(r, p('action', 'sections', n, 'rows', m))
      const id = requireString(row.id, p('action', 'sections', n, 'rows', m, 'id'), { max: 200 })
      requireString(row.title, p('action', 'sections', n, 'rows', m, 'title'), { max: 24 })
      optionalString(row.description, p('action', 'sections', n, 'rows', m, 'description'), {
        min: 0,
        max: 72,
      })
      if (rowIds.has(id))
        throw invalidParam(`Param ${p('action', 'sections', n, 'rows', m, 'id')} must be unique.`)
      rowIds.add(id)
    })
  })
  // Meta caps the rows of a list at 10 in total, whatever the number of sections.
  if (total > 10) throw invalidParam(`Param ${p('action', 'sections')} must have at most 10 rows in total.`)
}

function validateCtaUrl(action: JsonObject): void {
  oneOf(action.name, p('action', 'name'), ['cta_url'])
  const params = requireObject(action.parameters, p('action', 'parameters'))
  requireString(params.display_text, p('action', 'parameters', 'display_text'), { max: 20 })
  requireHttpUrl(params.url, p('action', 'parameters', 'url'))
}

function validateFlow(action: JsonObject): void {
  oneOf(action.name, p('action', 'name'), ['flow'])
  const params = requireObject(action.parameters, p('action', 'parameters'))
  requireString(params.flow_message_version, p('action', 'parameters', 'flow_message_version'))
  if (params.flow_id === undefined && params.flow_name === undefined) {
    throw invalidParam(`The parameter ${p('action', 'parameters', 'flow_id')} or flow_name is required.`)
  }
  optionalString(params.flow_id, p('action', 'parameters', 'flow_id'))
  optionalString(params.flow_name, p('action', 'parameters', 'flow_name'))
  requireString(params.flow_cta, p('action', 'parameters', 'flow_cta'), { max: 30 })
  optionalString(params.flow_token, p('action', 'parameters', 'flow_token'))
  if (params.mode !== undefined) oneOf(params.mode, p('action', 'parameters', 'mode'), ['published', 'draft'])
  if (params.flow_action !== undefined) {
    oneOf(params.flow_action, p('action', 'parameters', 'flow_action'), ['navigate', 'data_exchange'])
  }
}

export function validateInteractive(ctx: EmulatorContext, value: unknown): void {
  const i = requireObject(value, 'interactive')
  const type = oneOf(i.type, p('type'), types)
  const action = requireObject(i.action, p('action'))
  switch (type) {
    case 'button':
      validateHeader(ctx, i.header, false)
      validateBodyFooter(i, 1024, true)
      validateButtons(action)
      return
    case 'list':
      validateHeader(ctx, i.header, true)
      validateBodyFooter(i, 4096, true)
      validateList(action)
      return
    case 'cta_url':
      validateHeader(ctx, i.header, false)
      validateBodyFooter(i, 1024, true)
      validateCtaUrl(action)
      return
    case 'flow':
      validateHeader(ctx, i.header, false)
      validateBodyFooter(i, 1024, true)
      validateFlow(action)
      return
    case 'location_request_message':
      validateBodyFooter(i, 1024, true)
      oneOf(action.name, p('action', 'name'), ['send_location'])
      return
    case 'product':
      validateBodyFooter(i, 1024, false)
      requireString(action.catalog_id, p('action', 'catalog_id'))
      requireString(action.product_retailer_id, p('action', 'product_retailer_id'))
      return
    case 'product_list':
      validateHeader(ctx, i.header, true)
      validateBodyFooter(i, 1024, true)
      requireString(action.catalog_id, p('action', 'catalog_id'))
      requireArray(action.sections, p('action', 'sections'))
      return
    default:
      // catalog_message, address_message, call_permission_request: shape beyond `action` not emulated.
      validateBodyFooter(i, 1024, false)
  }
}
