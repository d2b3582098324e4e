import { useState } from 'react'
import { get, isRouteMissing, qs } from '../api.ts'
import type { DoctorReport } from '../api-types.ts'
import { formatDateTime } from '../format.ts'
import { ErrorBox } from './error-box.tsx'

// The doctor (GET /api/v1/admin/diagnostics, as `wahub doctor`): every check with pass / warn /
// fail, what was seen and the fix. Run for the whole installation or one number.

const icons: Record<string, string> = { pass: '✓', warn: '!', fail: '✕' }

export function DoctorPanel(props: { channel?: string; label?: string }) {
  const [report, setReport] = useState<DoctorReport>()
  const [error, setError] = useState<unknown>()
  const [busy, setBusy] = useState(false)
  const [missing, setMissing] = useState(false)

  // A person clicking wants what Meta says now (Meta's answers are otherwise cached 5 minutes).
  const run = async () => {
    setBusy(true)
    setError(undefined)
    try {
      setReport(
        await get<DoctorReport>(`/api/v1/admin/diagnostics${qs({ channel: props.channel, fresh: true })}`),
      )
    } catch (err) {
      if (isRouteMissing(err)) setMissing(true)
      else setError(err)
    } finally {
      setBusy(false)
    }
  }

  const checks = report?.checks ?? []
  const order = { fail: 0, warn: 1, pass: 2 } as Record<string, number>
  const sorted = [...checks].sort((a, b) => (order[a.status] ?? 3) - (order[b.status] ?? 3))
  return (
    <section className="doctor" aria-label={props.label ?? 'Doctor'}>
      <div className="doctor-head">
        <button type="button" onClick={() => void run()} disabled={busy}>
          {busy ? 'Running doctor…' : report ? 'Run doctor again' : (props.label ?? 'Run doctor')}
        </button>
        {report ? (
          <p className="doctor-summary" role="status">
            <span className="status-pill fail">{report.summary.fail} failing</span>{' '}
            <span className="status-pill warn">{report.summary.warn} warnings</span>{' '}
            <span className="status-pill pass">{report.summary.pass} passing</span>
            <span className="muted small"> · {formatDateTime(report.generatedAt)}</span>
          </p>
        ) : null}
      </div>
      {missing ? (
        <p className="notice">
          This server has no doctor yet (GET /api/v1/admin/diagnostics). Run <code>wahub doctor</code> on the
          server.
        </p>
      ) : null}
      <ErrorBox error={error} title="The doctor could not run" />
      {report ? (
        <ul className="checks" aria-label="Doctor checks">
          {sorted.map((c, i) => (
            <li
              // biome-ignore lint/suspicious/noArrayIndexKey: one report's rows, never reordered
              key={i}
              className={`check ${c.status}`}
              data-check={c.id}
              data-status={c.status}
            >
              <span className={`status-pill ${c.status}`}>
                <span aria-hidden="true">{icons[c.status] ?? '·'}</span> {c.status}
              </span>
              <div className="check-body">
                <p className="check-title">
                  <strong>{c.title}</strong>
                  {c.subject ? <span className="muted"> · {c.subject}</span> : null}
                </p>
                {c.seen ? <p className="check-seen">{c.seen}</p> : null}
                {c.fix && c.status !== 'pass' ? (
                  <p className="check-fix">
                    <span className="label">Fix: </span>
                    {c.fix}
                  </p>
                ) : null}
              </div>
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  )
}
