import { at } from './read.ts'
import type { Check, CheckId, DoctorReport } from './types.ts'

// The one-screen text of `wahub doctor`: grouped by what each check is about, passes on one
// line, warnings and failures with what was seen and the fix.

const marks = { pass: '✓', warn: '!', fail: '✗' } as const
const trafficIds = new Set<CheckId>([
  'webhooks.arriving',
  'webhooks.unrouted',
  'webhooks.wrong_app',
  'sends.failures',
])

function heading(c: Check): string {
  if (trafficIds.has(c.id)) return c.subject ? `Traffic of ${c.subject}` : 'Traffic'
  return c.subject ?? 'Installation'
}

function indent(text: string, prefix: string): string {
  return text
    .split('\n')
    .map((line, i) => (i === 0 ? line : `${prefix}${line}`))
    .join('\n')
}

export function renderReport(report: DoctorReport): string {
  const out: string[] = [
    `Wahub doctor — ${at(report.generatedAt)}${report.channel ? ` — channel ${report.channel}` : ''}`,
  ]
  if (report.metaReadAt !== null) {
    out.push(
      `(Meta's answers from the cache, read at ${at(report.metaReadAt)} or later; --fresh reads them again)`,
    )
  }
  let current = ''
  for (const c of report.checks) {
    const h = heading(c)
    if (h !== current) {
      out.push('', h)
      current = h
    }
    out.push(`  ${marks[c.status]} ${c.title}: ${indent(c.seen, '      ')}`)
    if (c.status !== 'pass' && c.fix) out.push(`      fix: ${indent(c.fix, '           ')}`)
  }
  const s = report.summary
  out.push(
    '',
    `${s.pass} passed, ${s.warn} ${s.warn === 1 ? 'warning' : 'warnings'}, ${s.fail} failed.${report.ok ? '' : ' Fix the ✗ first: each one stops messages.'}`,
  )
  return `${out.join('\n')}\n`
}
