import { renderCarryOver } from '../sandbox/carry-over-text.ts'
import type { GoliveGuide, StepState } from './golive-types.ts'
import { at } from './read.ts'

// The text of `wahub golive`: each step on one line with its mark, and under every step that is
// not done what was seen, the fix and the place in Meta's screens.

const marks: Record<StepState, string> = { done: '✓', todo: '○', failing: '✗', manual: '?', unknown: '…' }

export function renderGolive(g: GoliveGuide): string {
  const about = g.number
    ? `number ${g.number.display ?? ''} (${g.number.phoneNumberId})`.replace('  ', ' ')
    : g.waba
      ? `WABA ${g.waba.wabaId}`
      : 'no WhatsApp number yet'
  const out = [`Wahub go-live guide — ${at(g.generatedAt)} — ${about}`, '']
  g.steps.forEach((s, i) => {
    out.push(`${String(i + 1).padStart(2)}. ${marks[s.state]} ${s.title} [${s.state}]: ${s.seen}`)
    if (s.state === 'done') return
    if (s.fix) out.push(`      fix: ${s.fix}`)
    if (s.metaUiPlace) out.push(`      in Meta: ${s.metaUiPlace}`)
    if (s.doctorCheckId)
      out.push(
        `      doctor: ${s.doctorCheckId} (wahub doctor${g.number ? ` --channel ${g.number.phoneNumberId}` : ''})`,
      )
  })
  const s = g.summary
  out.push(
    '',
    `${s.done} done, ${s.failing} failing, ${s.todo} to do, ${s.manual} to confirm in Meta's screens, ${s.unknown} not readable now.`,
    g.live
      ? 'Live: nothing Wahub can read stands in the way.'
      : `Next: ${g.steps.find((x) => x.id === g.next)?.title ?? '—'}.`,
  )
  if (g.sandbox) out.push('', renderCarryOver(g.sandbox))
  return `${out.join('\n')}\n`
}
