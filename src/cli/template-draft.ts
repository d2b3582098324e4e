import { readFileSync } from 'node:fs'
import path from 'node:path'
import type { CreateTemplateInput, HeaderMedia } from '../templates/authoring.ts'
import { placeholdersOf } from '../templates/params.ts'
import { type Flags, takeRepeated } from './admin-io.ts'
import { UsageError } from './command.ts'

// `wahub templates create` flags → the draft the domain checks and submits (Meta's component
// shape). Repeatable flags (--example, --button) are taken out first: values may hold commas.

export const createUsage = `wahub templates create --name NAME --lang LANG --category UTILITY|MARKETING|AUTHENTICATION
           --body TEXT [--example VALUE]… [--named] [--footer TEXT] [--waba-id ID]
           [--header-text TEXT [--header-example VALUE] | --header-image FILE | --header-video FILE
            | --header-document FILE | --header-location]
           [--button quick_reply:TEXT | url:TEXT:URL[:EXAMPLE] | phone:TEXT:+NUMBER | copy_code:EXAMPLE
            | otp:copy_code|one_tap|zero_tap[:TEXT]]…
           [--security-recommendation] [--code-expiration MINUTES]      (AUTHENTICATION)
  or: wahub templates create --file template.json [--header-image FILE…] [--waba-id ID]   (Meta's JSON)
  --example   one per body variable, in order ({{1}}, {{2}}…); with --named, name=value
  header files are uploaded to Meta (Resumable Upload API) as the header's sample`

export const createValues = [
  'name',
  'lang',
  'category',
  'body',
  'footer',
  'waba-id',
  'header-text',
  'header-example',
  'header-image',
  'header-video',
  'header-document',
  'code-expiration',
  'file',
] as const

const mimeByExt: Record<string, string> = {
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.png': 'image/png',
  '.mp4': 'video/mp4',
  '.pdf': 'application/pdf',
}

function readMedia(file: string, cwd: string): HeaderMedia {
  const full = path.resolve(cwd, file)
  const mimeType = mimeByExt[path.extname(full).toLowerCase()]
  if (!mimeType) throw new UsageError(`${file}: a header sample must be .jpg, .png, .mp4 or .pdf`)
  try {
    return { bytes: readFileSync(full), mimeType, filename: path.basename(full) }
  } catch (err) {
    throw new UsageError(`cannot read ${file}: ${(err as Error).message}`)
  }
}

function button(spec: string): Record<string, unknown> {
  const [kind, ...parts] = spec.split(':')
  const rest = parts.join(':')
  switch (kind.toLowerCase()) {
    case 'quick_reply':
      return { type: 'QUICK_REPLY', text: rest }
    case 'url': {
      // url:TEXT:https://x/{{1}}:EXAMPLE — the URL itself holds a colon.
      const m = /^([^:]*):(https?:\/\/.+?)(?::([^:/]+))?$/.exec(rest)
      if (!m) throw new UsageError(`--button ${spec}: write url:TEXT:https://…[:EXAMPLE]`)
      return { type: 'URL', text: m[1], url: m[2], ...(m[3] ? { example: [m[3]] } : {}) }
    }
    case 'phone': {
      const [text, phone] = [parts.slice(0, -1).join(':'), parts.at(-1)]
      return { type: 'PHONE_NUMBER', text, phone_number: phone }
    }
    case 'copy_code':
      return { type: 'COPY_CODE', example: rest }
    case 'otp':
      return {
        type: 'OTP',
        otp_type: (parts[0] ?? '').toUpperCase(),
        ...(parts[1] ? { text: parts.slice(1).join(':') } : {}),
      }
    default:
      throw new UsageError(`--button ${spec}: the kind must be quick_reply, url, phone, copy_code or otp`)
  }
}

/** The repeatable flags of `templates create`, taken out of argv. */
export function takeCreateLists(argv: readonly string[]) {
  return takeRepeated(argv, ['example', 'button'])
}

export function draftFromFlags(f: Flags, lists: Record<string, string[]>, cwd: string): CreateTemplateInput {
  const media = ['image', 'video', 'document'].find((k) => f.value(`header-${k}`) !== undefined)
  const headerMedia = media ? readMedia(f.value(`header-${media}`) as string, cwd) : undefined
  const file = f.value('file')
  if (file) {
    let json: Record<string, unknown>
    try {
      json = JSON.parse(readFileSync(path.resolve(cwd, file), 'utf8')) as Record<string, unknown>
    } catch (err) {
      throw new UsageError(`--file ${file}: ${(err as Error).message}`)
    }
    return {
      name: f.value('name') ?? json.name,
      language: f.value('lang') ?? json.language,
      category: f.value('category') ?? json.category,
      parameter_format: json.parameter_format,
      components: json.components,
      headerMedia,
    }
  }
  const category = f.required('category').toUpperCase()
  const named = f.has('named')
  const components: Record<string, unknown>[] = []
  const headerText = f.value('header-text')
  if (headerText !== undefined) {
    const ex = f.value('header-example')
    const names = placeholdersOf(headerText)
    components.push({
      type: 'HEADER',
      format: 'TEXT',
      text: headerText,
      ...(ex === undefined
        ? {}
        : named
          ? { example: { header_text_named_params: [{ param_name: names[0], example: ex }] } }
          : { example: { header_text: [ex] } }),
    })
  } else if (media) components.push({ type: 'HEADER', format: media.toUpperCase() })
  else if (f.has('header-location')) components.push({ type: 'HEADER', format: 'LOCATION' })
  if (category === 'AUTHENTICATION') {
    components.push({
      type: 'BODY',
      ...(f.has('security-recommendation') ? { add_security_recommendation: true } : {}),
    })
    const minutes = f.value('code-expiration')
    if (minutes !== undefined) components.push({ type: 'FOOTER', code_expiration_minutes: Number(minutes) })
  } else {
    const text = f.required('body')
    const examples = lists.example
    const example =
      examples.length === 0
        ? {}
        : named
          ? {
              example: {
                body_text_named_params: examples.map((e) => {
                  const eq = e.indexOf('=')
                  if (eq < 1) throw new UsageError(`--example ${e}: with --named write name=value`)
                  return { param_name: e.slice(0, eq), example: e.slice(eq + 1) }
                }),
              },
            }
          : { example: { body_text: [examples] } }
    components.push({ type: 'BODY', text, ...example })
    const footer = f.value('footer')
    if (footer !== undefined) components.push({ type: 'FOOTER', text: footer })
  }
  if (lists.button.length > 0) components.push({ type: 'BUTTONS', buttons: lists.button.map(button) })
  return {
    name: f.required('name'),
    language: f.required('lang'),
    category,
    parameter_format: named ? 'NAMED' : 'POSITIONAL',
    components,
    headerMedia,
  }
}
