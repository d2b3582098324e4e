// The authoring form's state and its translation to Meta's template components (HEADER, BODY,
// FOOTER, BUTTONS with their example blocks), and back from a stored template for edit and
// duplicate. Pure: no React, no fetch. Rules are the server's (POST /api/v1/templates/preview and
// the create route answer 422 template_invalid naming `components[i]…`); `sectionOf` maps that
// field back to the part of the form it belongs to.

type Obj = Record<string, unknown>
const obj = (v: unknown): Obj => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {})
const str = (v: unknown): string => (typeof v === 'string' ? v : '')

export const categories = ['UTILITY', 'MARKETING', 'AUTHENTICATION'] as const
export const headerFormats = ['NONE', 'TEXT', 'IMAGE', 'VIDEO', 'DOCUMENT', 'LOCATION'] as const
export const buttonKinds = ['QUICK_REPLY', 'URL', 'PHONE_NUMBER', 'COPY_CODE', 'OTP'] as const
export const otpTypes = ['COPY_CODE', 'ONE_TAP', 'ZERO_TAP'] as const

export type HeaderFormat = (typeof headerFormats)[number]
export type ButtonKind = (typeof buttonKinds)[number]

export type ButtonDraft = {
  kind: ButtonKind
  text: string
  url: string
  /** URL button: the example of its {{1}}; copy code: the code. */
  example: string
  phone: string
  otpType: (typeof otpTypes)[number]
}

export type Draft = {
  name: string
  language: string
  category: string
  parameterFormat: 'POSITIONAL' | 'NAMED'
  headerFormat: HeaderFormat
  headerText: string
  /** Example of each variable, by name ("1", "customer_name"), header and body alike. */
  examples: Record<string, string>
  body: string
  footer: string
  securityRecommendation: boolean
  expiryMinutes: string
  buttons: ButtonDraft[]
}

export const emptyDraft: Draft = {
  name: '',
  language: 'en_US',
  category: 'UTILITY',
  parameterFormat: 'POSITIONAL',
  headerFormat: 'NONE',
  headerText: '',
  examples: {},
  body: '',
  footer: '',
  securityRecommendation: true,
  expiryMinutes: '',
  buttons: [],
}

export function newButton(kind: ButtonKind): ButtonDraft {
  return { kind, text: '', url: '', example: '', phone: '', otpType: 'COPY_CODE' }
}

/** The variables of a text in order of first appearance: ["1", "2"] or ["customer_name"]. */
export function variablesOf(text: string): string[] {
  const seen: string[] = []
  for (const m of text.matchAll(/\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g)) if (!seen.includes(m[1])) seen.push(m[1])
  return seen
}

export const isAuthentication = (d: Draft) => d.category === 'AUTHENTICATION'

function exampleBlock(d: Draft, key: 'header' | 'body', names: string[]): Obj | undefined {
  if (names.length === 0) return undefined
  const values = names.map((n) => d.examples[n] ?? '')
  if (d.parameterFormat === 'NAMED')
    return {
      [`${key}_text_named_params`]: names.map((n, i) => ({ param_name: n, example: values[i] })),
    }
  return { [`${key}_text`]: key === 'body' ? [values] : values }
}

function buttonOf(b: ButtonDraft): Obj {
  if (b.kind === 'OTP') return { type: 'OTP', otp_type: b.otpType }
  if (b.kind === 'COPY_CODE') return { type: 'COPY_CODE', example: b.example }
  if (b.kind === 'PHONE_NUMBER') return { type: 'PHONE_NUMBER', text: b.text, phone_number: b.phone }
  if (b.kind === 'URL')
    return {
      type: 'URL',
      text: b.text,
      url: b.url,
      ...(variablesOf(b.url).length > 0 ? { example: [b.example] } : {}),
    }
  return { type: 'QUICK_REPLY', text: b.text }
}

export type Section = 'header' | 'body' | 'footer' | 'buttons'

/** Meta's components for the draft, and which form section each one came from. */
export function toComponents(d: Draft): { components: Obj[]; sections: Section[] } {
  const components: Obj[] = []
  const sections: Section[] = []
  const add = (section: Section, c: Obj) => {
    components.push(c)
    sections.push(section)
  }
  const auth = isAuthentication(d)
  if (!auth && d.headerFormat !== 'NONE') {
    if (d.headerFormat === 'TEXT') {
      const example = exampleBlock(d, 'header', variablesOf(d.headerText))
      add('header', { type: 'HEADER', format: 'TEXT', text: d.headerText, ...(example ? { example } : {}) })
    } else add('header', { type: 'HEADER', format: d.headerFormat })
  }
  if (auth) {
    add('body', { type: 'BODY', add_security_recommendation: d.securityRecommendation })
    const minutes = Number.parseInt(d.expiryMinutes, 10)
    if (d.expiryMinutes.trim() !== '')
      add('footer', {
        type: 'FOOTER',
        code_expiration_minutes: Number.isNaN(minutes) ? d.expiryMinutes : minutes,
      })
  } else {
    const example = exampleBlock(d, 'body', variablesOf(d.body))
    add('body', { type: 'BODY', text: d.body, ...(example ? { example } : {}) })
    if (d.footer.trim() !== '') add('footer', { type: 'FOOTER', text: d.footer })
  }
  const buttons = auth ? d.buttons.filter((b) => b.kind === 'OTP') : d.buttons
  if (buttons.length > 0) add('buttons', { type: 'BUTTONS', buttons: buttons.map(buttonOf) })
  return { components, sections }
}

function examplesFrom(c: Obj, key: 'header' | 'body', names: string[]): Record<string, string> {
  const example = obj(c.example)
  const out: Record<string, string> = {}
  const named = example[`${key}_text_named_params`]
  if (Array.isArray(named)) for (const p of named.map(obj)) out[str(p.param_name)] = str(p.example)
  const raw = example[`${key}_text`]
  const row = key === 'body' && Array.isArray(raw) ? raw[0] : raw
  if (Array.isArray(row))
    names.forEach((n, i) => {
      out[n] = str(row[i])
    })
  return out
}

/** The form filled from a stored template (edit, duplicate). */
export function fromTemplate(t: {
  name: string
  language: string
  category: string | null
  parameterFormat: string | null
  components: unknown[]
}): Draft {
  const find = (type: string) => t.components.map(obj).find((c) => str(c.type).toUpperCase() === type)
  const header = find('HEADER')
  const body = find('BODY') ?? {}
  const footer = find('FOOTER')
  const format = (str(header?.format).toUpperCase() || 'NONE') as HeaderFormat
  const headerText = str(header?.text)
  const buttons = Array.isArray(find('BUTTONS')?.buttons) ? (find('BUTTONS')?.buttons as unknown[]) : []
  return {
    ...emptyDraft,
    name: t.name,
    language: t.language,
    category: (t.category ?? 'UTILITY').toUpperCase(),
    parameterFormat: (t.parameterFormat ?? '').toUpperCase() === 'NAMED' ? 'NAMED' : 'POSITIONAL',
    headerFormat: headerFormats.includes(format) ? format : 'NONE',
    headerText,
    examples: {
      ...(header ? examplesFrom(header, 'header', variablesOf(headerText)) : {}),
      ...examplesFrom(body, 'body', variablesOf(str(body.text))),
    },
    body: str(body.text),
    footer: str(footer?.text),
    securityRecommendation: body.add_security_recommendation !== false,
    expiryMinutes: footer?.code_expiration_minutes ? String(footer.code_expiration_minutes) : '',
    buttons: buttons.map(obj).map((b) => {
      const kind = str(b.type).toUpperCase() as ButtonKind
      return {
        ...newButton(buttonKinds.includes(kind) ? kind : 'QUICK_REPLY'),
        text: str(b.text),
        url: str(b.url),
        example: Array.isArray(b.example) ? str(b.example[0]) : str(b.example),
        phone: str(b.phone_number),
        otpType: (str(b.otp_type).toUpperCase() || 'COPY_CODE') as ButtonDraft['otpType'],
      }
    }),
  }
}

/**
 * Where a field the server names belongs in the form: "name", "language", "category", "header",
 * "body", "footer", "buttons" or "button.N" (the N-th button).
 */
export function sectionOf(field: string, sections: Section[]): string {
  const m = /^components\[(\d+)\](?:\.buttons\[(\d+)\])?/.exec(field)
  if (m) {
    const section = sections[Number(m[1])] ?? 'body'
    return m[2] !== undefined ? `button.${m[2]}` : section
  }
  if (field.startsWith('header_media')) return 'header'
  if (field === 'parameter_format') return 'category'
  if (field === 'components') return 'body'
  return field.split('.')[0]
}
