// The text of a template as WhatsApp shows it (SPEC §14): header, body and footer with every
// variable replaced — by the values given, else by the template's examples, else left as
// {{name}} — and the buttons' labels. Pure: the API, the CLI and the dashboard preview share it.

type Obj = Record<string, unknown>

export type PreviewValues = {
  /** Positional ("1", "2") or named ("customer_name") → value. */
  header?: Record<string, string>
  body?: Record<string, string>
  /** Button index → the URL variable's value. */
  buttons?: Record<string, string>
}

export type TemplatePreview = {
  header: { format: string; text?: string } | null
  body: string
  footer: string | null
  buttons: { type: string; text: string; url?: string; phone_number?: string }[]
  /** Everything as one plain text, the way a notification shows it. */
  text: string
}

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v)

function find(components: unknown[], type: string): Obj | undefined {
  return components.find((c): c is Obj => isObj(c) && String(c.type).toUpperCase() === type)
}

/** Examples as name → value: positional from `*_text` (body: first row), named from `*_named_params`. */
function examplesOf(c: Obj, key: 'header' | 'body'): Record<string, string> {
  const example = isObj(c.example) ? c.example : {}
  const out: Record<string, string> = {}
  const named = example[`${key}_text_named_params`]
  if (Array.isArray(named)) {
    for (const e of named)
      if (isObj(e) && typeof e.param_name === 'string') out[e.param_name] = String(e.example ?? '')
  }
  const raw = example[`${key}_text`]
  const row = key === 'body' && Array.isArray(raw) ? raw[0] : raw
  if (Array.isArray(row)) {
    row.forEach((v, i) => {
      out[String(i + 1)] = String(v)
    })
  }
  return out
}

function fill(text: string, values: Record<string, string>): string {
  return text.replace(/\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g, (whole, name: string) => values[name] ?? whole)
}

// Authentication templates: Meta writes the body (FACTS §6; English wording shown).
function authBody(body: Obj, footer: Obj | undefined, code: string): { body: string; footer: string | null } {
  const security =
    body.add_security_recommendation === true ? ' For your security, do not share this code.' : ''
  const minutes = footer?.code_expiration_minutes
  return {
    body: `${code} is your verification code.${security}`,
    footer: typeof minutes === 'number' ? `This code expires in ${minutes} minutes.` : null,
  }
}

export function renderTemplatePreview(components: unknown[], values: PreviewValues = {}): TemplatePreview {
  const headerDef = find(components, 'HEADER')
  const bodyDef = find(components, 'BODY') ?? {}
  const footerDef = find(components, 'FOOTER')
  const buttonsDef = find(components, 'BUTTONS')
  let header: TemplatePreview['header'] = null
  if (headerDef) {
    const format = String(headerDef.format ?? 'TEXT').toUpperCase()
    header =
      format === 'TEXT'
        ? {
            format,
            text: fill(String(headerDef.text ?? ''), {
              ...examplesOf(headerDef, 'header'),
              ...values.header,
            }),
          }
        : { format }
  }
  const bodyValues = { ...examplesOf(bodyDef, 'body'), ...values.body }
  const isAuth = bodyDef.text === undefined && find(components, 'BUTTONS') !== undefined
  const auth = isAuth ? authBody(bodyDef, footerDef, bodyValues['1'] ?? '123456') : undefined
  const body = auth ? auth.body : fill(String(bodyDef.text ?? ''), bodyValues)
  const footer = auth ? auth.footer : footerDef && typeof footerDef.text === 'string' ? footerDef.text : null
  const defined = buttonsDef && Array.isArray(buttonsDef.buttons) ? buttonsDef.buttons.filter(isObj) : []
  const buttons = defined.map((b, i) => {
    const type = String(b.type ?? '').toUpperCase()
    const label =
      typeof b.text === 'string' ? b.text : type === 'COPY_CODE' || type === 'OTP' ? 'Copy code' : type
    const out: TemplatePreview['buttons'][number] = { type, text: label }
    if (type === 'URL' && typeof b.url === 'string') {
      const example = Array.isArray(b.example) ? String(b.example[0] ?? '') : undefined
      const v = values.buttons?.[String(i)] ?? example
      out.url = fill(b.url, v === undefined ? {} : { '1': v })
    }
    if (type === 'PHONE_NUMBER' && typeof b.phone_number === 'string') out.phone_number = b.phone_number
    return out
  })
  const mediaLine = header && header.format !== 'TEXT' ? `[${header.format.toLowerCase()}]` : header?.text
  const text = [mediaLine, body, footer, ...buttons.map((b) => `[ ${b.text} ]`)]
    .filter((part): part is string => typeof part === 'string' && part !== '')
    .join('\n')
  return { header, body, footer, buttons, text }
}

/**
 * A send's template components (Meta's `template.components`: parameters by position or by
 * `parameter_name`) as preview values, so a sent template is rendered as the customer got it.
 */
export function sentValues(components: unknown[]): PreviewValues {
  const out: Required<PreviewValues> = { header: {}, body: {}, buttons: {} }
  for (const c of components) {
    if (!isObj(c) || !Array.isArray(c.parameters)) continue
    const type = String(c.type ?? '').toLowerCase()
    const target = type === 'header' ? out.header : type === 'body' ? out.body : undefined
    c.parameters.filter(isObj).forEach((p, i) => {
      const kind = String(p.type ?? '')
      const inner = isObj(p[kind]) ? (p[kind] as Obj) : undefined
      const value =
        typeof p.text === 'string'
          ? p.text
          : typeof inner?.fallback_value === 'string'
            ? inner.fallback_value
            : undefined
      if (value === undefined) return
      if (type === 'button') out.buttons[String(c.index ?? i)] = value
      else if (target) target[typeof p.parameter_name === 'string' ? p.parameter_name : String(i + 1)] = value
    })
  }
  return out
}
