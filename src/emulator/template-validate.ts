import { GraphError, invalidParam } from './graph-errors.ts'
import { placeholdersOf } from './template-placeholders.ts'
import type { TemplateComponent } from './types.ts'
import { fieldPath, isObject, oneOf, requireArray, requireObject, requireString } from './validate-helpers.ts'

// Checks Meta applies when a template is created or edited (FACTS §6, M-ERR 2388xxx): one
// BODY ≤1024, HEADER text ≤60 with at most one parameter, FOOTER ≤60 without parameters, ≤10
// buttons (≤2 URL, ≤1 phone, ≤1 copy code, quick replies together), sequential placeholders not at
// the start or end of the body, examples for every parameter, and the authentication shape (no
// header, one OTP button; OTP buttons nowhere else). Wahub checks the same rules before it asks
// (src/templates/template-rules.ts); the emulator keeps them so a client that does not is refused
// as Meta would refuse it.

function creationError(subcode: number, details: string): GraphError {
  return new GraphError(100, details, { subcode })
}

const buttonCaps: Record<string, number> = { URL: 2, PHONE_NUMBER: 1, COPY_CODE: 1, OTP: 1 }

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
      if (category === 'AUTHENTICATION') {
        if (c.text !== undefined)
          throw invalidParam("Authentication templates have WhatsApp's fixed body text: leave text out.")
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
      const trimmed = text.trim()
      if (names.length > 0 && (/^\{\{[^}]+\}\}/.test(trimmed) || /\{\{[^}]+\}\}$/.test(trimmed)))
        throw creationError(2388299, "Variables can't be at the start or end of the template.")
    }
    if (type === 'HEADER') {
      if (category === 'AUTHENTICATION') throw invalidParam('Authentication templates cannot have a header.')
      const format = oneOf(String(c.format ?? 'TEXT').toUpperCase(), fieldPath('components', i, 'format'), [
        'TEXT',
        'IMAGE',
        'VIDEO',
        'DOCUMENT',
        'LOCATION',
      ])
      if (format === 'TEXT') {
        const text = requireString(c.text, fieldPath('components', i, 'text'), { max: 60 })
        const names = placeholdersOf(text, fmt)
        if (names.length > 1) throw creationError(2388072, 'A text header takes at most one parameter.')
        const example = isObject(c.example) ? c.example : {}
        const given = parameterFormat === 'NAMED' ? example.header_text_named_params : example.header_text
        if (names.length === 1 && (!Array.isArray(given) || given.length === 0))
          throw invalidParam("Message template 'Header' component's example field is missing.")
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
    const minutes = c.code_expiration_minutes
    if (
      type === 'FOOTER' &&
      minutes !== undefined &&
      !(Number.isInteger(minutes) && Number(minutes) >= 1 && Number(minutes) <= 90)
    )
      throw invalidParam('Param code_expiration_minutes must be a whole number from 1 to 90.')
    if (type === 'FOOTER' && c.text !== undefined) {
      const text = requireString(c.text, fieldPath('components', i, 'text'), { max: 60 })
      if (/\{\{/.test(text)) throw invalidParam('A template footer cannot contain parameters.')
    }
    if (type === 'BUTTONS') {
      const buttons = requireArray(c.buttons, fieldPath('components', i, 'buttons'))
      if (buttons.length < 1 || buttons.length > 10)
        throw invalidParam('Param buttons must have between 1 and 10 buttons.')
      const counts: Record<string, number> = {}
      const quickReplies: boolean[] = []
      buttons.forEach((b, k) => {
        const button = requireObject(b, fieldPath('components', i, 'buttons', k))
        const bt = String(button.type ?? '').toUpperCase()
        counts[bt] = (counts[bt] ?? 0) + 1
        quickReplies.push(bt === 'QUICK_REPLY')
        const cap = buttonCaps[bt]
        if (cap !== undefined && counts[bt] > cap)
          throw invalidParam(`A template can have at most ${cap} ${bt} button${cap === 1 ? '' : 's'}.`)
        if ((bt === 'OTP') !== (category === 'AUTHENTICATION'))
          throw invalidParam(
            bt === 'OTP'
              ? 'OTP buttons are only for AUTHENTICATION templates.'
              : 'An AUTHENTICATION template has one OTP button only.',
          )
        if (bt === 'COPY_CODE')
          requireString(button.example, fieldPath('components', i, 'buttons', k, 'example'), { max: 15 })
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
        if (bt === 'URL') {
          const url = requireString(button.url, fieldPath('components', i, 'buttons', k, 'url'), {
            max: 2000,
          })
          if (!/^https?:\/\/[^\s/]+/.test(url)) throw invalidParam('A URL button needs an http(s) URL.')
          const vars = url.match(/\{\{[^}]*\}\}/g) ?? []
          if (vars.length > 1 || (vars.length === 1 && !/\{\{1\}\}$/.test(url)))
            throw invalidParam('A URL button may have one parameter, {{1}}, at the end of the URL.')
          if (vars.length === 1 && (!Array.isArray(button.example) || typeof button.example[0] !== 'string'))
            throw invalidParam("Message template 'URL' button's example field is missing.")
        }
        if (bt === 'PHONE_NUMBER') {
          const phone = requireString(
            button.phone_number,
            fieldPath('components', i, 'buttons', k, 'phone_number'),
            {
              max: 20,
            },
          )
          if (!/^\+?[1-9][0-9]{6,18}$/.test(phone))
            throw invalidParam('A PHONE_NUMBER button needs a phone number in international format.')
        }
        if (bt === 'OTP')
          oneOf(
            String(button.otp_type ?? '').toUpperCase(),
            fieldPath('components', i, 'buttons', k, 'otp_type'),
            ['COPY_CODE', 'ONE_TAP', 'ZERO_TAP'],
          )
      })
      const first = quickReplies.indexOf(true)
      const last = quickReplies.lastIndexOf(true)
      if (first !== -1 && quickReplies.slice(first, last + 1).includes(false))
        throw invalidParam('Quick reply buttons must be grouped together, before or after the other buttons.')
    }
    out.push({ ...c, type })
  })
  if (category === 'AUTHENTICATION' && !seen.has('BUTTONS'))
    throw invalidParam('An AUTHENTICATION template needs a BUTTONS component with one OTP button.')
  if (!seen.has('BODY')) throw invalidParam('Param components must include a BODY component.')
  return out
}
