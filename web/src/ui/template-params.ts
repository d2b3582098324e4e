// A template's parameters, the send body's components and the preview, from the template's
// components as Meta returns them (HEADER / BODY / FOOTER / BUTTONS). Pure: no React, no fetch.
// Positional templates use {{1}}, {{2}}…; NAMED ones {{customer_name}} (parameter_name is sent).

type Obj = Record<string, unknown>
const obj = (v: unknown): Obj => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {})
const str = (v: unknown): string => (typeof v === 'string' ? v : '')

export type TemplateLike = {
  name: string
  language: string
  parameterFormat: string | null
  components: unknown[]
}

export type ParamField = {
  /** Unique key of the form field. */
  key: string
  where: 'header' | 'body' | 'button'
  /** Placeholder name: "1", "2"… or the named parameter. */
  name: string
  /** For buttons: the button's index. */
  buttonIndex?: number
  kind: 'text' | 'image' | 'video' | 'document'
  /** For buttons: the button's text (the field's label names it). */
  buttonText?: string
  example: string
}

const placeholder = /\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g

function placeholders(text: string): string[] {
  const seen: string[] = []
  for (const m of text.matchAll(placeholder)) if (!seen.includes(m[1])) seen.push(m[1])
  return seen
}

function component(t: TemplateLike, type: string): Obj | undefined {
  return t.components.map(obj).find((c) => str(c.type).toUpperCase() === type)
}

function examplesOf(c: Obj, where: 'header' | 'body'): Record<string, string> {
  const example = obj(c.example)
  const out: Record<string, string> = {}
  const named = example[`${where}_text_named_params`]
  if (Array.isArray(named)) {
    for (const p of named.map(obj)) out[str(p.param_name)] = str(p.example)
  }
  const positional = where === 'body' ? example.body_text : example.header_text
  const values = Array.isArray(positional) ? (Array.isArray(positional[0]) ? positional[0] : positional) : []
  values.forEach((v: unknown, i: number) => {
    out[String(i + 1)] = str(v)
  })
  return out
}

/** A text field for each placeholder of the header's or the body's text, with Meta's example. */
function textFields(c: Obj, where: 'header' | 'body'): ParamField[] {
  const examples = examplesOf(c, where)
  return placeholders(str(c.text)).map((name) => ({
    key: `${where}:${name}`,
    where,
    name,
    kind: 'text',
    example: examples[name] ?? '',
  }))
}

export function paramFields(t: TemplateLike): ParamField[] {
  const fields: ParamField[] = []
  const header = component(t, 'HEADER')
  if (header) {
    const format = str(header.format).toUpperCase() || 'TEXT'
    if (format === 'TEXT') fields.push(...textFields(header, 'header'))
    else if (format === 'IMAGE' || format === 'VIDEO' || format === 'DOCUMENT') {
      const kind = format.toLowerCase() as 'image' | 'video' | 'document'
      fields.push({
        key: 'header:media',
        where: 'header',
        name: 'media',
        kind,
        example: `https://example.com/${kind === 'document' ? 'file.pdf' : kind === 'video' ? 'clip.mp4' : 'photo.jpg'}`,
      })
    }
  }
  const body = component(t, 'BODY')
  if (body) fields.push(...textFields(body, 'body'))
  const buttons = component(t, 'BUTTONS')
  const list = Array.isArray(buttons?.buttons) ? buttons.buttons.map(obj) : []
  list.forEach((b, index) => {
    if (str(b.type).toUpperCase() !== 'URL') return
    for (const name of placeholders(str(b.url))) {
      const example = Array.isArray(b.example) ? str(b.example[0]) : ''
      fields.push({
        key: `button:${index}:${name}`,
        where: 'button',
        name,
        buttonIndex: index,
        kind: 'text',
        buttonText: str(b.text),
        example,
      })
    }
  })
  return fields
}

export type Values = Record<string, string>

/** The `template.components` of a send body (Meta's shape). */
export function buildComponents(t: TemplateLike, values: Values): Obj[] {
  const named = (t.parameterFormat ?? '').toUpperCase() === 'NAMED'
  const fields = paramFields(t)
  const out: Obj[] = []
  const textParam = (f: ParamField) =>
    named && f.where !== 'button'
      ? { type: 'text', parameter_name: f.name, text: values[f.key] ?? '' }
      : { type: 'text', text: values[f.key] ?? '' }
  const header = fields.filter((f) => f.where === 'header')
  if (header.length) {
    out.push({
      type: 'header',
      parameters: header.map((f) =>
        f.kind === 'text' ? textParam(f) : { type: f.kind, [f.kind]: { link: values[f.key] ?? '' } },
      ),
    })
  }
  const body = fields.filter((f) => f.where === 'body')
  if (body.length) out.push({ type: 'body', parameters: body.map(textParam) })
  for (const f of fields.filter((f) => f.where === 'button')) {
    out.push({ type: 'button', sub_type: 'url', index: String(f.buttonIndex), parameters: [textParam(f)] })
  }
  return out
}

export type Preview = {
  header: { text?: string; media?: string } | null
  body: PreviewPart[]
  footer: string | null
  buttons: string[]
}
export type PreviewPart = { text: string; param?: boolean; missing?: boolean }

function fill(text: string, where: 'header' | 'body', values: Values): PreviewPart[] {
  const parts: PreviewPart[] = []
  let last = 0
  for (const m of text.matchAll(placeholder)) {
    const start = m.index ?? 0
    if (start > last) parts.push({ text: text.slice(last, start) })
    const value = values[`${where}:${m[1]}`]
    parts.push(value ? { text: value, param: true } : { text: `{{${m[1]}}}`, param: true, missing: true })
    last = start + m[0].length
  }
  if (last < text.length) parts.push({ text: text.slice(last) })
  return parts
}

export function preview(t: TemplateLike, values: Values): Preview {
  const header = component(t, 'HEADER')
  const body = component(t, 'BODY')
  const footer = component(t, 'FOOTER')
  const buttons = component(t, 'BUTTONS')
  let headerView: Preview['header'] = null
  if (header) {
    const format = str(header.format).toUpperCase() || 'TEXT'
    headerView =
      format === 'TEXT'
        ? {
            text: fill(str(header.text), 'header', values)
              .map((p) => p.text)
              .join(''),
          }
        : { media: format.toLowerCase() }
  }
  return {
    header: headerView,
    body: body ? fill(str(body.text), 'body', values) : [],
    footer: footer ? str(footer.text) : null,
    buttons: (Array.isArray(buttons?.buttons) ? buttons.buttons.map(obj) : []).map((b) => str(b.text)),
  }
}

/** The field keys still empty (the form refuses to send them). */
export function missingValues(t: TemplateLike, values: Values): ParamField[] {
  return paramFields(t).filter((f) => !(values[f.key] ?? '').trim())
}
