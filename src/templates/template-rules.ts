import { WahubError } from '../errors.ts'
import { placeholdersOf } from './params.ts'

// Meta's creation rules, checked before Meta is asked (SPEC §14) so a template that Meta would
// refuse (or reject after review) gets a 422 naming the field and what to change. Sources: Meta's
// "Message templates" and "Template components" guides (FACTS §6): name ≤512 of [a-z0-9_];
// header text ≤60 with ≤1 variable; body ≤1024, variables {{1}}…{{n}} in order (or named
// {{snake_case}}), not first or last, each with an example; footer ≤60 without variables;
// ≤10 buttons — URL ≤2, phone ≤1, copy code ≤1, text ≤25, quick replies grouped together;
// authentication templates: no header, body without text, one OTP button.

type Obj = Record<string, unknown>
export type TemplateDraft = {
  name: unknown
  language: unknown
  category: unknown
  parameter_format?: unknown
  components: unknown
}

const categories = ['MARKETING', 'UTILITY', 'AUTHENTICATION'] as const
const buttonTypes = ['QUICK_REPLY', 'URL', 'PHONE_NUMBER', 'COPY_CODE', 'OTP', 'FLOW'] as const
const buttonCaps: Record<string, number> = { URL: 2, PHONE_NUMBER: 1, COPY_CODE: 1, OTP: 1, FLOW: 1 }

function invalid(field: string, message: string, extra: Obj = {}): never {
  throw new WahubError('template_invalid', `${field}: ${message}`, { field, ...extra })
}

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v)

function text(value: unknown, field: string, max: number): string {
  if (typeof value !== 'string' || value.trim() === '') invalid(field, 'is required (a non-empty text).')
  if (value.length > max)
    invalid(field, `is ${value.length} characters; Meta allows at most ${max}.`, { max })
  return value
}

function variablesOf(value: string, field: string, named: boolean): string[] {
  const names = placeholdersOf(value)
  for (const m of value.matchAll(/\{\{([^}]*)\}\}/g)) {
    const inner = m[1].trim()
    const ok = named ? /^[a-z][a-z0-9_]*$/.test(inner) : /^[1-9][0-9]*$/.test(inner)
    if (!ok) {
      invalid(
        field,
        named
          ? `variable {{${m[1]}}} must be lowercase letters, digits and underscores, starting with a letter ({{customer_name}}).`
          : `variable {{${m[1]}}} must be a number ({{1}}, {{2}}…); use parameter_format NAMED for names.`,
      )
    }
  }
  if (!named) {
    names.forEach((n, i) => {
      if (Number(n) !== i + 1)
        invalid(
          field,
          `variables must be numbered in order {{1}}, {{2}}…; found {{${n}}} where {{${i + 1}}} belongs.`,
        )
    })
  }
  return names
}

function examples(c: Obj, key: 'header' | 'body', field: string, names: string[], named: boolean): void {
  if (names.length === 0) return
  const example = isObj(c.example) ? c.example : {}
  if (named) {
    const list = example[`${key}_text_named_params`]
    const given = Array.isArray(list) ? list.filter(isObj) : []
    for (const n of names) {
      const e = given.find((g) => g.param_name === n)
      if (!e || typeof e.example !== 'string' || e.example === '')
        invalid(`${field}.example.${key}_text_named_params`, `needs an example for {{${n}}}.`, {
          expected: names,
        })
    }
    return
  }
  const raw = example[`${key}_text`]
  const values = key === 'body' ? (Array.isArray(raw) ? raw[0] : undefined) : raw
  if (
    !Array.isArray(values) ||
    values.length !== names.length ||
    values.some((v) => typeof v !== 'string' || v === '')
  ) {
    invalid(
      `${field}.example.${key}_text`,
      `needs exactly ${names.length} example value${names.length === 1 ? '' : 's'} (one per variable${key === 'body' ? ', as [["…", …]]' : ''}).`,
      { expected: names.length },
    )
  }
}

function checkHeader(c: Obj, field: string, named: boolean, hasMedia: boolean): void {
  const format = String(c.format ?? '').toUpperCase()
  if (!['TEXT', 'IMAGE', 'VIDEO', 'DOCUMENT', 'LOCATION'].includes(format))
    invalid(`${field}.format`, 'must be TEXT, IMAGE, VIDEO, DOCUMENT or LOCATION.')
  if (format === 'TEXT') {
    const value = text(c.text, `${field}.text`, 60)
    const names = variablesOf(value, `${field}.text`, named)
    if (names.length > 1)
      invalid(`${field}.text`, `has ${names.length} variables; a header takes at most one.`)
    examples(c, 'header', field, names, named)
    return
  }
  if (format === 'LOCATION') return
  const handle =
    isObj(c.example) && Array.isArray(c.example.header_handle) ? c.example.header_handle[0] : undefined
  if (!hasMedia && (typeof handle !== 'string' || handle === ''))
    invalid(
      `${field}.example.header_handle`,
      `a ${format} header needs a sample file: give header_media (it is uploaded to Meta for you).`,
    )
}

function checkBody(c: Obj, field: string, named: boolean, category: string): void {
  if (category === 'AUTHENTICATION') {
    if (c.text !== undefined)
      invalid(
        `${field}.text`,
        "authentication templates have Meta's fixed body: leave text out (add_security_recommendation is allowed).",
      )
    return
  }
  const value = text(c.text, `${field}.text`, 1024)
  const names = variablesOf(value, `${field}.text`, named)
  const trimmed = value.trim()
  if (names.length > 0 && (/^\{\{[^}]+\}\}/.test(trimmed) || /\{\{[^}]+\}\}$/.test(trimmed)))
    invalid(
      `${field}.text`,
      'must not start or end with a variable: put some words before the first and after the last.',
    )
  examples(c, 'body', field, names, named)
}

function checkFooter(c: Obj, field: string, category: string): void {
  if (category === 'AUTHENTICATION') {
    const m = c.code_expiration_minutes
    if (m !== undefined && (!Number.isInteger(m) || (m as number) < 1 || (m as number) > 90))
      invalid(`${field}.code_expiration_minutes`, 'must be a whole number of minutes from 1 to 90.')
    return
  }
  const value = text(c.text, `${field}.text`, 60)
  if (/\{\{/.test(value)) invalid(`${field}.text`, 'a footer cannot contain variables.')
}

function checkButtons(c: Obj, field: string, category: string): void {
  if (!Array.isArray(c.buttons) || c.buttons.length === 0)
    invalid(`${field}.buttons`, 'needs at least one button.')
  const buttons = c.buttons as unknown[]
  if (buttons.length > 10)
    invalid(`${field}.buttons`, `has ${buttons.length} buttons; Meta allows at most 10.`)
  const counts: Record<string, number> = {}
  const kinds: boolean[] = []
  buttons.forEach((raw, i) => {
    const f = `${field}.buttons[${i}]`
    if (!isObj(raw)) invalid(f, 'must be an object with a type.')
    const type = String(raw.type ?? '').toUpperCase()
    if (!(buttonTypes as readonly string[]).includes(type))
      invalid(`${f}.type`, `must be one of ${buttonTypes.join(', ')}.`)
    counts[type] = (counts[type] ?? 0) + 1
    if (counts[type] > (buttonCaps[type] ?? 10))
      invalid(
        `${f}.type`,
        `a template may have at most ${buttonCaps[type]} ${type} button${buttonCaps[type] === 1 ? '' : 's'}.`,
      )
    if ((type === 'OTP') !== (category === 'AUTHENTICATION'))
      invalid(
        `${f}.type`,
        type === 'OTP'
          ? 'OTP buttons are only for AUTHENTICATION templates.'
          : 'an AUTHENTICATION template has one OTP button only.',
      )
    kinds.push(type === 'QUICK_REPLY')
    if (type === 'OTP') {
      if (!['COPY_CODE', 'ONE_TAP', 'ZERO_TAP'].includes(String(raw.otp_type ?? '').toUpperCase()))
        invalid(`${f}.otp_type`, 'must be COPY_CODE, ONE_TAP or ZERO_TAP.')
      if (raw.text !== undefined) text(raw.text, `${f}.text`, 25)
      return
    }
    if (type === 'COPY_CODE') {
      text(raw.example, `${f}.example`, 15)
      return
    }
    text(raw.text, `${f}.text`, 25)
    if (type === 'URL') {
      const url = text(raw.url, `${f}.url`, 2000)
      if (!/^https?:\/\/[^\s/]+/.test(url)) invalid(`${f}.url`, 'must be an http(s) address.')
      const vars = placeholdersOf(url)
      if (vars.length > 1 || (vars.length === 1 && !/\{\{1\}\}$/.test(url)))
        invalid(
          `${f}.url`,
          'may hold one variable, {{1}}, at the very end (https://example.com/track/{{1}}).',
        )
      if (
        vars.length === 1 &&
        (!Array.isArray(raw.example) || typeof raw.example[0] !== 'string' || raw.example[0] === '')
      )
        invalid(`${f}.example`, 'needs an example of the URL variable, as ["ABC123"].')
    }
    if (type === 'PHONE_NUMBER') {
      const phone = text(raw.phone_number, `${f}.phone_number`, 20)
      if (!/^\+?[1-9][0-9]{6,18}$/.test(phone))
        invalid(
          `${f}.phone_number`,
          'must be a phone number in international format, digits only (+15550001234).',
        )
    }
  })
  const firstQr = kinds.indexOf(true)
  const lastQr = kinds.lastIndexOf(true)
  if (firstQr !== -1 && kinds.slice(firstQr, lastQr + 1).includes(false))
    invalid(
      `${field}.buttons`,
      'quick reply buttons must be grouped together, before or after the other buttons.',
    )
}

/**
 * Checks a template before it is submitted to Meta; throws `template_invalid` naming the first
 * problem. `hasMedia`: a header sample will be uploaded (no handle needed yet).
 */
export function checkTemplateDraft(draft: TemplateDraft, options: { hasMedia?: boolean } = {}): void {
  const name = text(draft.name, 'name', 512)
  if (!/^[a-z0-9_]+$/.test(name))
    invalid('name', 'may hold only lowercase letters, digits and underscores (order_update_2).')
  const language = text(draft.language, 'language', 15)
  if (!/^[a-z]{2,3}(_[A-Z]{2}|_[A-Z][a-z]{3})?$/.test(language))
    invalid('language', 'must be a language code as Meta spells it: en, en_US, es, pt_BR, zh_Hant…')
  const category = String(draft.category ?? '').toUpperCase()
  if (!(categories as readonly string[]).includes(category))
    invalid('category', 'must be MARKETING, UTILITY or AUTHENTICATION.')
  const format = String(draft.parameter_format ?? 'POSITIONAL').toUpperCase()
  if (format !== 'POSITIONAL' && format !== 'NAMED')
    invalid('parameter_format', 'must be POSITIONAL or NAMED.')
  if (!Array.isArray(draft.components) || draft.components.length === 0)
    invalid('components', 'needs at least a BODY component.')
  const seen = new Set<string>()
  ;(draft.components as unknown[]).forEach((raw, i) => {
    const field = `components[${i}]`
    if (!isObj(raw)) invalid(field, 'must be an object with a type.')
    const type = String(raw.type ?? '').toUpperCase()
    if (!['HEADER', 'BODY', 'FOOTER', 'BUTTONS'].includes(type))
      invalid(`${field}.type`, 'must be HEADER, BODY, FOOTER or BUTTONS.')
    if (seen.has(type)) invalid(`${field}.type`, `a template has one ${type} component at most.`)
    seen.add(type)
    const named = format === 'NAMED'
    if (type === 'HEADER') {
      if (category === 'AUTHENTICATION') invalid(`${field}.type`, 'authentication templates have no header.')
      checkHeader(raw, field, named, options.hasMedia === true)
    }
    if (type === 'BODY') checkBody(raw, field, named, category)
    if (type === 'FOOTER') checkFooter(raw, field, category)
    if (type === 'BUTTONS') checkButtons(raw, field, category)
  })
  if (!seen.has('BODY')) invalid('components', 'needs a BODY component.')
  if (category === 'AUTHENTICATION' && !seen.has('BUTTONS'))
    invalid('components', 'an AUTHENTICATION template needs a BUTTONS component with one OTP button.')
}
