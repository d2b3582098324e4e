// Renders docs/meta-errors.md from the catalogue, so the doc cannot drift from the code
// (STYLE: a test keeps the docs in step, like Fastify's errors test).
// Regenerate: node src/cloud-api/render-errors-doc.ts --write
import { writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { type MetaErrorInfo, metaErrorRanges, metaErrors } from './error-catalogue.ts'

export const errorsDocPath = fileURLToPath(new URL('../../docs/meta-errors.md', import.meta.url))

export function renderErrorsDoc(): string {
  const catalogue: Record<number, MetaErrorInfo> = metaErrors
  const codes = Object.keys(catalogue)
    .map(Number)
    .sort((a, b) => a - b)
  const header = '| code | title | HTTP | category | retry | meaning | fix |\n|---|---|---|---|---|---|---|'
  const rows = codes.map((code) => row(String(code), catalogue[code]))
  const rangeRows = metaErrorRanges.map((r) => row(`${r.from}–${r.to}`, r))
  return [
    '# Meta error codes',
    '',
    '<!-- Generated from src/cloud-api/error-catalogue.ts by `node src/cloud-api/render-errors-doc.ts --write`. Do not edit by hand. -->',
    '',
    "What each error code of Meta's WhatsApp Cloud API means for a Wahub operator, and what to do.",
    'The same text is returned by the API with a failed message, shown in the dashboard and used by `wahub doctor`.',
    '',
    "- **HTTP**: the status Meta answers with when the error is synchronous (from Meta's older error table).",
    '  Codes Meta lists without a status (mostly those that only arrive in `failed` status webhooks) show 400,',
    "  Meta's usual status for business errors.",
    '- **retry**: what the send worker does. `no`: permanent, fix the cause first; `backoff`: transient,',
    "  retried with exponential backoff; `slow_lane`: the number's (130429) or the recipient's (131056)",
    '  sending lane is slowed down and the message resent; `later`: retried only after the wait Meta names.',
    '- Meta keys errors on `code` plus `error_data.details`; read the details with each error.',
    '',
    header,
    ...rows,
    '',
    '## Code families',
    '',
    'Codes not listed above are explained by their family when they fall in one (`known: false`), otherwise as',
    'an unknown error that is never retried.',
    '',
    header.replace('| code |', '| codes |'),
    ...rangeRows,
    '',
  ].join('\n')
}

function row(code: string, info: MetaErrorInfo): string {
  const cells = [code, info.title, String(info.httpStatus), info.category, info.retry, info.meaning, info.fix]
  return `| ${cells.map(escapeCell).join(' | ')} |`
}

function escapeCell(text: string): string {
  return text.replaceAll('|', '\\|').replaceAll('\n', ' ')
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv.includes('--write')) {
  writeFileSync(errorsDocPath, renderErrorsDoc())
  console.log(`wrote ${errorsDocPath}`)
}
