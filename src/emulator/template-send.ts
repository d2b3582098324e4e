import type { EmulatorContext } from './context.ts'
import { GraphError, invalidParam } from './graph-errors.ts'
import type { MediaKind } from './media-store.ts'
import { placeholdersOf } from './template-placeholders.ts'
import type { JsonObject, PhoneNumber, Template } from './types.ts'
import { fieldPath, isObject, requireArray, requireObject, requireString } from './validate-helpers.ts'
import { validateMediaObject } from './validate-media.ts'

// A template send checked against the stored template (FACTS §2, §3.2): 132001 missing in that
// language or not approved, 132015/132016 paused/disabled, 132000 parameter count mismatch,
// 132012 parameter format mismatch, 132005 hydrated text too long.

type Sent = { component: JsonObject; at: number }
const p = (...parts: (string | number)[]) => fieldPath('template', ...parts)

function find(ctx: EmulatorContext, wabaId: string, name: string, language: string): Template | undefined {
  for (const t of ctx.state.templates.values()) {
    if (t.wabaId === wabaId && t.name === name && t.language === language && t.status !== 'DELETED') return t
  }
  return undefined
}

function templateComponent(t: Template, type: string): JsonObject | undefined {
  return t.components.find((c) => c.type === type)
}

function countMismatch(where: string, given: number, expected: number): GraphError {
  return new GraphError(
    132000,
    `${where}: number of localizable_params (${given}) does not match the expected number of params (${expected})`,
  )
}

function checkTextParam(param: JsonObject, parts: (string | number)[]): string {
  const text = requireString(param.text, p(...parts, 'text'), { max: 32768 })
  // Meta refuses these in template parameters (a well-known 100 "Invalid parameter").
  if (/[\n\t]/.test(text) || / {5,}/.test(text)) {
    throw invalidParam('Param text cannot have new-line/tab characters or more than 4 consecutive spaces')
  }
  return text
}

/** Body/header parameters: returns the text each one puts into the template. */
function checkParams(
  ctx: EmulatorContext,
  template: Template,
  where: 'header' | 'body',
  sent: Sent | undefined,
  expected: { names: string[]; format: string },
): string[] {
  const params = sent
    ? requireArray(sent.component.parameters ?? [], p('components', sent.at, 'parameters'))
    : []
  const media = ['IMAGE', 'VIDEO', 'DOCUMENT', 'LOCATION'].includes(expected.format)
  const expectedCount = media ? 1 : expected.names.length
  if (params.length !== expectedCount) throw countMismatch(where, params.length, expectedCount)
  const texts: string[] = []
  params.forEach((raw, n) => {
    const at = ['components', sent?.at ?? 0, 'parameters', n]
    const param = requireObject(raw, p(...at))
    if (media) {
      const kind = expected.format.toLowerCase()
      if (param.type !== kind) {
        throw new GraphError(
          132012,
          `${where}: parameter ${n} has type ${String(param.type)}, expected ${kind}`,
        )
      }
      if (kind === 'location') requireObject(param.location, p(...at, 'location'))
      else validateMediaObject(ctx, kind as MediaKind, param[kind], 'template', [...at, kind], false)
      return
    }
    const allowed = where === 'header' ? ['text'] : ['text', 'currency', 'date_time']
    if (typeof param.type !== 'string' || !allowed.includes(param.type)) {
      throw new GraphError(
        132012,
        `${where}: parameter ${n} has type ${String(param.type)}, expected one of ${allowed.join(', ')}`,
      )
    }
    if (template.parameterFormat === 'NAMED') {
      if (typeof param.parameter_name !== 'string' || !expected.names.includes(param.parameter_name)) {
        throw new GraphError(
          132012,
          `${where}: parameter ${n} needs a parameter_name among {${expected.names.join(', ')}} (named template)`,
        )
      }
    }
    if (param.type === 'text') texts.push(checkTextParam(param, at))
    else {
      const inner = requireObject(param[param.type], p(...at, param.type))
      texts.push(requireString(inner.fallback_value, p(...at, param.type, 'fallback_value')))
      if (param.type === 'currency') {
        requireString(inner.code, p(...at, 'currency', 'code'))
        if (typeof inner.amount_1000 !== 'number') {
          throw new GraphError(132012, `${where}: parameter ${n} currency needs a numeric amount_1000`)
        }
      }
    }
  })
  return texts
}

function checkButtons(template: Template, buttons: Sent[]): { text: string; payload: string }[] {
  const defined = (templateComponent(template, 'BUTTONS')?.buttons as JsonObject[] | undefined) ?? []
  const byIndex = new Map<number, Sent>()
  for (const b of buttons) {
    const index = Number(b.component.index)
    if (!Number.isInteger(index) || index < 0 || index >= defined.length) {
      throw new GraphError(
        132012,
        `button: index ${String(b.component.index)} does not match a button of the template`,
      )
    }
    byIndex.set(index, b)
  }
  const quickReplies: { text: string; payload: string }[] = []
  defined.forEach((button, index) => {
    const type = String(button.type ?? '').toUpperCase()
    const sent = byIndex.get(index)
    const params = sent
      ? requireArray(sent.component.parameters ?? [], p('components', sent.at, 'parameters'))
      : []
    const subType = sent ? String(sent.component.sub_type ?? '').toUpperCase() : undefined
    const needs =
      (type === 'URL' && String(button.url ?? '').includes('{{')) || type === 'COPY_CODE' || type === 'OTP'
        ? 1
        : 0
    if (sent && subType !== type && !(type === 'OTP' && subType === 'URL')) {
      throw new GraphError(
        132012,
        `button ${index}: sub_type ${subType} does not match the template's ${type} button`,
      )
    }
    if (needs > 0 && params.length !== needs) throw countMismatch(`button ${index}`, params.length, needs)
    if (type === 'QUICK_REPLY') {
      const first = params[0]
      const payload =
        isObject(first) && typeof first.payload === 'string' ? first.payload : String(button.text ?? '')
      quickReplies.push({ text: String(button.text ?? ''), payload })
    }
  })
  return quickReplies
}

export function checkTemplateSend(
  ctx: EmulatorContext,
  number: PhoneNumber,
  value: unknown,
): { template: Template; quickReplies: { text: string; payload: string }[] } {
  const tpl = requireObject(value, 'template')
  const name = requireString(tpl.name, p('name'), { max: 512 })
  const language = requireObject(tpl.language, p('language'))
  const code = requireString(language.code, p('language', 'code'))
  const components = tpl.components === undefined ? [] : requireArray(tpl.components, p('components'))
  const template = find(ctx, number.wabaId, name, code)
  if (!template)
    throw new GraphError(132001, `template name (${name}) does not exist in ${code}`, { httpStatus: 404 })
  if (template.status === 'PAUSED') throw new GraphError(132015, `Template ${name} (${code}) is paused.`)
  if (template.status === 'DISABLED') throw new GraphError(132016, `Template ${name} (${code}) is disabled.`)
  if (template.status !== 'APPROVED') {
    throw new GraphError(
      132001,
      `template name (${name}) in ${code} is not approved (status ${template.status})`,
    )
  }
  let header: Sent | undefined
  let body: Sent | undefined
  const buttons: Sent[] = []
  components.forEach((raw, at) => {
    const component = requireObject(raw, p('components', at))
    const type = String(component.type ?? '').toLowerCase()
    if (type === 'header') header = { component, at }
    else if (type === 'body') body = { component, at }
    else if (type === 'button') buttons.push({ component, at })
    else throw invalidParam(`Param ${p('components', at, 'type')} must be one of {header, body, button}.`)
  })
  const headerDef = templateComponent(template, 'HEADER')
  const headerFormat = String(headerDef?.format ?? 'TEXT').toUpperCase()
  const headerNames =
    headerDef && headerFormat === 'TEXT' ? placeholdersOf(String(headerDef.text ?? ''), template) : []
  if (headerDef || header) {
    checkParams(ctx, template, 'header', header, {
      names: headerNames,
      format: headerDef ? headerFormat : 'TEXT',
    })
  }
  const bodyText = String(templateComponent(template, 'BODY')?.text ?? '')
  const names = placeholdersOf(bodyText, template)
  const texts = checkParams(ctx, template, 'body', body, { names, format: 'TEXT' })
  const hydrated = bodyText.replace(/\{\{\s*([a-z0-9_]+)\s*\}\}/g, (_m, key: string) => {
    const i = names.indexOf(key)
    return i >= 0 && texts[i] !== undefined ? texts[i] : ''
  })
  if (hydrated.length > 1024)
    throw new GraphError(132005, 'Message body after filling the parameters is over 1024 characters.')
  const quickReplies = checkButtons(template, buttons)
  return { template, quickReplies }
}
