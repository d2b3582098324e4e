// Template parameter schemas: what a template (Meta's definition, uppercase components, as
// synced into the templates table) expects when it is sent, and the check of a send's
// components against it (FACTS §2, §3.2: 132000 count mismatch, 132012 format mismatch, 132005
// too long). Used by send policy to refuse with `template_params_mismatch` before Meta is asked,
// and by the dashboard's parameter form. Positional templates use {{1}}, {{2}}…; NAMED ones
// {{customer_name}} and every parameter carries its `parameter_name`.

type Obj = Record<string, unknown>

export type HeaderExpectation =
  | { type: 'none' }
  | { type: 'text'; params: string[] }
  | { type: 'image' | 'video' | 'document' | 'location' }

export type ButtonExpectation = {
  index: number
  /** Meta's button type: URL, COPY_CODE, QUICK_REPLY, FLOW, OTP, PHONE_NUMBER… */
  type: string
  /** sub_type to send, lowercase. */
  subType: string
  /** Parameters the send must give for it: 0 (none allowed or optional) or 1. */
  required: 0 | 1
  /** Type of that one parameter. */
  paramType: 'text' | 'coupon_code' | 'payload' | 'action' | null
}

export type TemplateExpectation = {
  format: 'POSITIONAL' | 'NAMED'
  header: HeaderExpectation
  body: { params: string[]; text: string }
  buttons: ButtonExpectation[]
}

export type SentParameter = { type: string; parameter_name?: string; [field: string]: unknown }
export type SentComponent = {
  type: string
  sub_type?: string
  index?: string | number
  parameters?: SentParameter[]
}

const placeholder = /\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g

/** Distinct placeholder names in order of first appearance ("1", "2" or "customer_name"). */
export function placeholdersOf(text: string): string[] {
  const out: string[] = []
  for (const m of text.matchAll(placeholder)) if (!out.includes(m[1])) out.push(m[1])
  return out
}

function component(components: unknown[], type: string): Obj | undefined {
  return components.find(
    (c): c is Obj => typeof c === 'object' && c !== null && String((c as Obj).type).toUpperCase() === type,
  )
}

export function expectationOf(template: {
  components: unknown[]
  parameterFormat: string | null
}): TemplateExpectation {
  const format = template.parameterFormat?.toUpperCase() === 'NAMED' ? 'NAMED' : 'POSITIONAL'
  const headerDef = component(template.components, 'HEADER')
  let header: HeaderExpectation = { type: 'none' }
  if (headerDef) {
    const f = String(headerDef.format ?? 'TEXT').toUpperCase()
    if (f === 'TEXT') header = { type: 'text', params: placeholdersOf(String(headerDef.text ?? '')) }
    else if (f === 'IMAGE' || f === 'VIDEO' || f === 'DOCUMENT' || f === 'LOCATION')
      header = { type: f.toLowerCase() as 'image' }
  }
  const bodyText = String(component(template.components, 'BODY')?.text ?? '')
  const buttonsDef = component(template.components, 'BUTTONS')
  const defined = Array.isArray(buttonsDef?.buttons) ? (buttonsDef.buttons as Obj[]) : []
  const buttons = defined.map((b, index): ButtonExpectation => {
    const type = String(b.type ?? '').toUpperCase()
    const otpType = String(b.otp_type ?? '').toUpperCase()
    switch (type) {
      case 'URL': {
        const dynamic = String(b.url ?? '').includes('{{')
        return { index, type, subType: 'url', required: dynamic ? 1 : 0, paramType: dynamic ? 'text' : null }
      }
      case 'COPY_CODE':
        return { index, type, subType: 'copy_code', required: 1, paramType: 'coupon_code' }
      // Authentication templates: the one-time code goes in a `url` button parameter.
      case 'OTP':
        return { index, type, subType: 'url', required: otpType === 'ZERO_TAP' ? 0 : 1, paramType: 'text' }
      case 'QUICK_REPLY':
        return { index, type, subType: 'quick_reply', required: 0, paramType: 'payload' }
      case 'FLOW':
        return { index, type, subType: 'flow', required: 0, paramType: 'action' }
      case 'CATALOG':
      case 'MPM':
        return { index, type, subType: type.toLowerCase(), required: 0, paramType: 'action' }
      default:
        return { index, type, subType: type.toLowerCase(), required: 0, paramType: null }
    }
  })
  return { format, header, body: { params: placeholdersOf(bodyText), text: bodyText }, buttons }
}

/** The expectation in words, for error details and the dashboard. */
export function describeExpectation(e: TemplateExpectation) {
  const header =
    e.header.type === 'none'
      ? 'none'
      : e.header.type === 'text'
        ? {
            type: 'text',
            count: e.header.params.length,
            ...(e.format === 'NAMED' ? { names: e.header.params } : {}),
          }
        : { type: e.header.type, count: 1 }
  return {
    parameterFormat: e.format,
    header,
    body: {
      count: e.body.params.length,
      types: ['text', 'currency', 'date_time'],
      ...(e.format === 'NAMED' ? { names: e.body.params } : {}),
    },
    buttons: e.buttons
      .filter((b) => b.paramType !== null)
      .map((b) => ({
        index: b.index,
        sub_type: b.subType,
        required: b.required === 1,
        parameter: b.paramType,
      })),
  }
}

function textProblem(where: string, text: unknown): string | undefined {
  if (typeof text !== 'string' || text.length === 0) return `${where} needs a non-empty text`
  // Meta refuses these in template parameters with a 100 "Invalid parameter".
  if (/[\n\t]/.test(text))
    return `${where} contains a new line or tab, which Meta refuses in template parameters`
  if (/ {5,}/.test(text)) return `${where} has more than 4 consecutive spaces, which Meta refuses`
  return undefined
}

function checkParams(
  where: 'header' | 'body',
  e: TemplateExpectation,
  names: string[],
  allowed: readonly string[],
  sent: SentComponent | undefined,
  problems: string[],
): string[] {
  const params = sent?.parameters ?? []
  if (params.length !== names.length) {
    const list = names.map((n) => `{{${n}}}`).join(', ')
    problems.push(
      `${where}: ${params.length} parameter${params.length === 1 ? '' : 's'} given, the template's ${where} takes ${names.length}${names.length ? ` (${list})` : ''}`,
    )
    return []
  }
  const texts = new Map<string, string>()
  const seen = new Set<string>()
  params.forEach((p, n) => {
    const label = `${where} parameter ${n + 1}`
    if (!allowed.includes(p.type)) {
      problems.push(`${label} has type ${p.type}; the ${where} takes ${allowed.join(', ')}`)
      return
    }
    let name = names[n]
    if (e.format === 'NAMED') {
      if (!p.parameter_name || !names.includes(p.parameter_name)) {
        problems.push(
          `${label} needs a parameter_name, one of ${names.join(', ')} (the template uses named parameters)`,
        )
        return
      }
      if (seen.has(p.parameter_name))
        problems.push(`${label}: parameter_name ${p.parameter_name} is given twice`)
      seen.add(p.parameter_name)
      name = p.parameter_name
    }
    if (p.type === 'text') {
      const problem = textProblem(label, p.text)
      if (problem) problems.push(problem)
      else texts.set(name, p.text as string)
    } else {
      const inner = p[p.type] as Obj | undefined
      texts.set(name, String(inner?.fallback_value ?? ''))
    }
  })
  return names.map((n) => texts.get(n) ?? '')
}

/**
 * Problems of a send's components against the template; empty when Meta would accept them.
 * Each problem names the component (header, body, button N) and the count or type at fault.
 */
export function checkTemplateParams(e: TemplateExpectation, components: readonly SentComponent[]): string[] {
  const problems: string[] = []
  let header: SentComponent | undefined
  let body: SentComponent | undefined
  const buttons = new Map<number, SentComponent>()
  for (const c of components) {
    const type = c.type.toLowerCase()
    if (type === 'header') {
      if (header) problems.push('header: given twice')
      header = c
    } else if (type === 'body') {
      if (body) problems.push('body: given twice')
      body = c
    } else if (type === 'button') {
      const index = Number(c.index)
      const def = e.buttons[index]
      if (!def) {
        problems.push(
          `button ${String(c.index)}: the template has ${e.buttons.length === 0 ? 'no buttons' : `buttons 0 to ${e.buttons.length - 1} only`}`,
        )
        continue
      }
      if (buttons.has(index)) problems.push(`button ${index}: given twice`)
      buttons.set(index, c)
    }
  }

  if (e.header.type === 'none') {
    if (header && (header.parameters?.length ?? 0) > 0)
      problems.push('header: the template has no header parameters')
  } else if (e.header.type === 'text') {
    if (header || e.header.params.length > 0)
      checkParams('header', e, e.header.params, ['text'], header, problems)
  } else {
    const params = header?.parameters ?? []
    if (params.length !== 1) {
      problems.push(
        `header: ${params.length} parameters given, the template's ${e.header.type} header takes 1 (the ${e.header.type})`,
      )
    } else if (params[0].type !== e.header.type) {
      problems.push(
        `header parameter 1 has type ${params[0].type}; the template's header is ${e.header.type}`,
      )
    }
  }

  const texts = checkParams('body', e, e.body.params, ['text', 'currency', 'date_time'], body, problems)
  if (problems.length === 0) {
    const filled = e.body.text.replace(
      placeholder,
      (_m, name: string) => texts[e.body.params.indexOf(name)] ?? '',
    )
    if (filled.length > 1024)
      problems.push(`body: ${filled.length} characters once filled; Meta allows 1024 (error 132005)`)
  }

  for (const def of e.buttons) {
    const sent = buttons.get(def.index)
    if (!sent) {
      if (def.required)
        problems.push(`button ${def.index} (${def.type}): its ${def.paramType} parameter is required`)
      continue
    }
    const subType = String(sent.sub_type ?? '').toLowerCase()
    if (subType !== def.subType) {
      problems.push(
        `button ${def.index}: sub_type ${subType} given, the template's button is ${def.type} (sub_type ${def.subType})`,
      )
      continue
    }
    const params = sent.parameters ?? []
    if (def.paramType === null || (def.required === 0 && def.type === 'URL')) {
      if (params.length > 0)
        problems.push(`button ${def.index} (${def.type}): takes no parameters, ${params.length} given`)
      continue
    }
    if (params.length > 1 || (def.required === 1 && params.length === 0)) {
      problems.push(
        `button ${def.index} (${def.type}): ${params.length} parameters given, it takes ${def.required === 1 ? '1' : '0 or 1'}`,
      )
      continue
    }
    const p = params[0]
    if (!p) continue
    if (p.type !== def.paramType) {
      problems.push(
        `button ${def.index} parameter has type ${p.type}; a ${def.type} button takes ${def.paramType}`,
      )
      continue
    }
    if (def.paramType === 'text') {
      const problem = textProblem(`button ${def.index} parameter`, p.text)
      if (problem) problems.push(problem)
    }
  }
  return problems
}
