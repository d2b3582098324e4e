import type { TemplatePreview } from '../templates/preview.ts'

// How the CLI prints a template and what `wahub send` expects for it (the flags to give), from
// the expectation the send policy checks against (templates/params.ts describeExpectation).

type Expected = {
  parameterFormat?: string
  header?: string | { type: string; count: number; names?: string[] }
  body?: { count: number; names?: string[] }
  buttons?: { index: number; sub_type: string; required: boolean; parameter: string | null }[]
}

/** One line per flag `wahub send` needs for this template. */
export function expectedFlags(e: Expected): string[] {
  const out: string[] = []
  const h = e.header
  if (h && typeof h === 'object') {
    if (h.type === 'text' && h.count > 0)
      out.push(`--header-text VALUE            the header's variable${h.names ? ` {{${h.names[0]}}}` : ''}`)
    if (['image', 'video', 'document'].includes(h.type))
      out.push(`--header-${h.type} URL|MEDIA_ID   the header's ${h.type}`)
    if (h.type === 'location') out.push('(a location header: send it through the API)')
  }
  const body = e.body
  if (body && body.count > 0) {
    if (body.names) for (const n of body.names) out.push(`--param ${n}=VALUE`)
    else out.push(`--param VALUE  ×${body.count}            the body's {{1}}…{{${body.count}}}, in order`)
  }
  for (const b of e.buttons ?? []) {
    if (b.required) out.push(`--button ${b.index}=VALUE             button ${b.index} (${b.sub_type})`)
  }
  return out.length > 0 ? out : ['(no parameters)']
}

export function previewText(p: TemplatePreview, indent = '  '): string {
  return p.text
    .split('\n')
    .map((l) => `${indent}│ ${l}`)
    .join('\n')
}
