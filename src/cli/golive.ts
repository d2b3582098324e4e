import { runGolive } from '../diagnostics/golive.ts'
import { renderGolive } from '../diagnostics/golive-text.ts'
import { parseFlags, runAdmin } from './admin-io.ts'
import { type CliCommand, exitCodes } from './command.ts'

export const goliveCommand: CliCommand = {
  name: 'golive',
  summary: 'The go-live guide: every step from a Meta business to a live number, with its state and fix',
  usage: `wahub golive [--number PHONE_NUMBER_ID] [--waba WABA_ID] [--fresh] [--json]

The ordered steps from a Meta business to a live WhatsApp number (docs/ONBOARDING.md): business
verification, the app and its privacy policy, the WABA and its permanent token (type, expiry,
permissions, the WABAs it sees, from debug_token), the number (under the WABA, display name,
registration), the webhook (subscription, where Meta sends it), payment method, templates, Live
mode, the tenant, the first delivered message and the first webhook. Each is done, todo,
failing (with the fix), manual (confirm it in the place of Meta's screens named) or unknown.

  --number ID   the number to take live (Meta's phone_number_id or Wahub's id);
                default: the first real number
  --waba ID     a WABA without numbers yet
  --fresh       ask Meta again (answers are cached like doctor's)
  --json        the guide as JSON: { steps: [{ id, title, state, seen, fix, doctorCheckId, metaUiPlace }], summary, live, next }

Exits 1 when a step is failing, 0 otherwise.`,
  async run(argv, io) {
    const f = parseFlags(argv, { values: ['number', 'waba'], booleans: ['fresh'] })
    return runAdmin(
      io,
      f.json,
      (s) => runGolive(s, { number: f.value('number'), waba: f.value('waba'), fresh: f.has('fresh') }),
      renderGolive,
      (g) => (g.summary.failing > 0 ? exitCodes.failed : exitCodes.ok),
    )
  },
}
