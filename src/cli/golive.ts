import { runGolive } from '../diagnostics/golive.ts'
import { renderGolive } from '../diagnostics/golive-text.ts'
import { WahubError } from '../errors.ts'
import { type CarryRequest, carrySandboxOver, sandboxCarryOver } from '../sandbox/carry-over.ts'
import { renderCarryOver, renderCarryResult } from '../sandbox/carry-over-text.ts'
import { cliActor, parseFlags, runAdmin } from './admin-io.ts'
import { type CliCommand, exitCodes, UsageError } from './command.ts'

export const goliveCommand: CliCommand = {
  name: 'golive',
  summary: 'The go-live guide: every step from a Meta business to a live number, with its state and fix',
  usage: `wahub golive [--number PHONE_NUMBER_ID] [--waba WABA_ID] [--fresh] [--json]
       wahub golive --from-sandbox [--waba WABA_ID] [--number PHONE_NUMBER_ID] [--submit authored|all|NAME:LANG,…] [--json]

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

Exits 1 when a step is failing, 0 otherwise.

--from-sandbox: going live from the first-run Sandbox (decision 0083). Without --number or
--submit it shows what carries over: the Sandbox's tenant (it stays, with its users, API keys and
canned replies), its numbers (never carried: they are the emulator's) and each Sandbox template
(offered, submitted with its review status at Meta, or not carried and why). Then:
  --number ID   the real number becomes the Sandbox tenant's default number
  --submit …    submits Sandbox templates to the real WABA (--waba, default the first real one):
                authored (those made in the Sandbox), all (every one offered), or NAME:LANG,…
Run it again to follow each template's review. Exits 1 when a submission failed.`,
  async run(argv, io) {
    const f = parseFlags(argv, { values: ['number', 'waba', 'submit'], booleans: ['fresh', 'from-sandbox'] })
    if (f.has('from-sandbox')) {
      if (f.has('fresh')) throw new UsageError('--fresh goes with the guide, not with --from-sandbox')
      const request: CarryRequest = { waba: f.value('waba'), number: f.value('number') }
      const submit = f.value('submit')
      if (submit !== undefined) request.templates = submitList(submit)
      if (!request.number && request.templates === undefined) {
        return runAdmin(
          io,
          f.json,
          async (s) => {
            const c = await sandboxCarryOver(s.db, request.waba)
            if (!c)
              throw new WahubError(
                'not_found',
                'There is no Sandbox to go live from (it was skipped, removed, or never created here).',
                undefined,
                'Follow the go-live guide: `wahub golive`.',
              )
            return c
          },
          (c) => `${renderCarryOver(c)}\n`,
        )
      }
      return runAdmin(
        io,
        f.json,
        (s) => carrySandboxOver(s, request, cliActor),
        renderCarryResult,
        (r) => (r.templates.some((t) => t.outcome === 'failed') ? exitCodes.failed : exitCodes.ok),
      )
    }
    if (f.has('submit')) throw new UsageError('--submit goes with --from-sandbox')
    return runAdmin(
      io,
      f.json,
      (s) => runGolive(s, { number: f.value('number'), waba: f.value('waba'), fresh: f.has('fresh') }),
      renderGolive,
      (g) => (g.summary.failing > 0 ? exitCodes.failed : exitCodes.ok),
    )
  },
}

function submitList(raw: string): CarryRequest['templates'] {
  if (raw === 'authored' || raw === 'all') return raw
  return raw
    .split(',')
    .filter(Boolean)
    .map((item) => {
      const [name, language, ...rest] = item.split(':')
      if (!name || !language || rest.length > 0)
        throw new UsageError(`--submit: "${item}" is not NAME:LANG (e.g. order_ready:en_US), authored or all`)
      return { name, language }
    })
}
