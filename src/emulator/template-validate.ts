import { GraphError, invalidParam } from './graph-errors.ts'
import { placeholdersOf } from './template-placeholders.ts'
import type { TemplateComponent } from './types.ts'
import { fieldPath, isObject, oneOf, requireArray, requireObject, requireString } from './validate-helpers.ts'

// Checks Meta applies when a template is created or edited (FACTS §6, M-ERR 2388xxx): one
// BODY ≤1024, HEADER text ≤60 with at most one parameter, FOOTER ≤60, ≤10 buttons, sequential
// placeholders, and examples for every parameter.

function creationError(subcode: number, details: string): GraphError {
  return new GraphError(100, details, { subcode })
}

export type ValidateOptions = {
  /** True when a media header's example handle came from this emulator's resumable uploads. */
  knownHandle?: (handle: string) => boolean
}

export function validateTemplateComponents(
  value: unknown,
  category: string,
  parameterFormat: 'POSITIONAL' | 'NAMED',
  options: ValidateOptions = {},
): TemplateComponent[] {
  const components = requireArray(value, 'components')
  if (components.length === 0) throw invalidParam('Param components must not be empty.')
  const seen = new Set<string>()
  const out: TemplateComponent[] = []
  components.forEach((raw, i) => {
    const c = requireObject(raw, fieldPath('components', i))
    const type = oneOf(String(c.type ?? '').toUpperCase(), fieldPath('components', i, 'type'), [
      'HEADER',
      'BODY',
      'FOOTER',
      'BUTTONS',
    ])
    if (seen.has(type)) throw invalidParam(`Param components has more than one ${type} component.`)
    seen.add(type)
    const fmt = { parameterFormat }
    if (type === 'BODY') {
      if (category === 'AUTHENTICATION' && c.text === undefined) {
        out.push({ ...c, type })
        return
      }
      const text = requireString(c.text, fieldPath('components', i, 'text'), { max: 1024 })
      const names = placeholdersOf(text, fmt)
      if (parameterFormat === 'POSITIONAL' && names.some((n, k) => Number(n) !== k + 1)) {
        throw creationError(2388040, 'Body placeholders must be sequential: {{1}}, {{2}}, …')
      }
      if (names.length > 0) {
        const example = isObject(c.example) ? c.example : {}
        const examples = parameterFormat === 'NAMED' ? example.body_text_named_params : example.body_text
        if (!Array.isArray(examples) || examples.length === 0) {
          throw creationError(2388043, "Message template 'Body' component's example field is missing.")
        }
      }
    }
    if (type === 'HEADER') {
      const format = oneOf(String(c.format ?? 'TEXT').toUpperCase(), fieldPath('components', i, 'format'), [
        'TEXT',
        'IMAGE',
        'VIDEO',
        'DOCUMENT',
        'LOCATION',
      ])
      if (format === 'TEXT') {
        const text = requireString(c.text, fieldPath('components', i, 'text'), { max: 60 })
        if (placeholdersOf(text, fmt).length > 1)
          throw creationError(2388072, 'A text header takes at most one parameter.')
      } else if (format !== 'LOCATION') {
        const example = isObject(c.example) ? c.example : {}
        const handles = example.header_handle
        if (!Array.isArray(handles) || typeof handles[0] !== 'string' || handles[0] === '') {
          throw invalidParam(
            `Param components[${i}].example.header_handle is required for a ${format} header: upload a sample with the Resumable Upload API.`,
          )
        }
        if (options.knownHandle && !options.knownHandle(handles[0])) {
          throw invalidParam(
            `Param components[${i}].example.header_handle is not a handle of a completed resumable upload.`,
          )
        }
      }
      out.push({ ...c, type, format })
      return
    }
    if (type === 'FOOTER' && c.text !== undefined)
      requireString(c.text, fieldPath('components', i, 'text'), { max: 60 })
    if (type === 'BUTTONS') {
      const buttons = requireArray(c.buttons, fieldPath('components', i, 'buttons'))
      if (buttons.length < 1 || buttons.length > 10)
        throw invalidParam('Param buttons must have between 1 and 10 buttons.')
      buttons.forEach((b, k) => {
        const button = requireObject(b, fieldPath('components', i, 'buttons', k))
        const bt = String(button.type ?? '').toUpperCase()
        oneOf(bt, fieldPath('components', i, 'buttons', k, 'type'), [
          'QUICK_REPLY',
          'URL',
          'PHONE_NUMBER',
          'COPY_CODE',
          'FLOW',
          'OTP',
          'CATALOG',
          'MPM',
        ])
        if (bt !== 'COPY_CODE' && bt !== 'OTP') {
          requireString(button.text, fieldPath('components', i, 'buttons', k, 'text'), { max: 25 })
        }
        if (bt === 'URL')
          requireString(button.url, fieldPath('components', i, 'buttons', k, 'url'), { max: 2000 })
        if (bt === 'PHONE_NUMBER') {
          requireString(button.phone_number, fieldPath('components', i, 'buttons', k, 'phone_number'), {
            max: 20,
          })
        }
      })
    }
    out.push({ ...c, type })
  })
  if (!seen.has('BODY')) throw invalidParam('Param components must include a BODY component.')
  return out
}
