import { runDoctor } from '../diagnostics/doctor.ts'
import { renderReport } from '../diagnostics/render-text.ts'
import { parseFlags, runAdmin } from './admin-io.ts'
import { type CliCommand, exitCodes } from './command.ts'

export const doctorCommand: CliCommand = {
  name: 'doctor',
  summary: 'Check everything that stops WhatsApp from working, with the fix for each',
  usage: `wahub doctor [--channel PHONE_NUMBER_ID] [--fresh] [--json]

Checks, with what it saw and the fix for each (docs/DIAGNOSTICS.md): the public URL and the
webhook handshake, app secrets and signature failures, each WABA's token (validity, expiry),
subscription and templates, each number (under its WABA, names, quality and limit,
registration, where Meta sends its webhooks), whether webhooks arrive, webhooks parked for
unknown numbers, and recent send failures by Meta error code.

  --channel ID  one number only (Meta's phone_number_id or Wahub's id), also one Wahub
                does not know (then: what arrived for it and how to add it)
  --fresh       ask Meta again (answers are cached for 5 minutes, and until the next
                admin action, so running doctor often never floods Meta)
  --json        the report as JSON: { checks: [{ id, title, subject, status, seen, fix }], summary, ok }

Exits 1 when any check fails (✗), 0 otherwise (warnings included).`,
  async run(argv, io) {
    const f = parseFlags(argv, { values: ['channel'], booleans: ['fresh'] })
    return runAdmin(
      io,
      f.json,
      (s) => runDoctor(s, { channel: f.value('channel'), fresh: f.has('fresh') }),
      renderReport,
      (report) => (report.ok ? exitCodes.ok : exitCodes.failed),
    )
  },
}
