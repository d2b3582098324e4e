import { useState } from 'react'
import { Trans, useTranslation } from 'react-i18next'
import { get, isRouteMissing, qs } from '../api.ts'
import type { DoctorReport } from '../api-types.ts'
import { formatDateTime } from '../format.ts'
import { ErrorBox } from '../ui/error-box.tsx'
import { useAction } from '../ui/server-state.ts'

// The doctor (GET /api/v1/admin/diagnostics, as `wahub doctor`): every check with pass / warn /
// fail, what was seen and the fix. Run for the whole installation or one number.

const icons: Record<string, string> = { pass: '✓', warn: '!', fail: '✕' }

export function DoctorPanel(props: { channel?: string; label?: string }) {
  const { t } = useTranslation('channels')
  const [report, setReport] = useState<DoctorReport>()
  const [missing, setMissing] = useState(false)
  const action = useAction()
  const busy = action.busy !== null

  // A person clicking wants what Meta says now (Meta's answers are otherwise cached 5 minutes).
  const run = () =>
    action.run('doctor', async () => {
      try {
        setReport(
          await get<DoctorReport>(`/api/v1/admin/diagnostics${qs({ channel: props.channel, fresh: true })}`),
        )
      } catch (err) {
        if (!isRouteMissing(err)) throw err
        setMissing(true)
      }
    })

  const checks = report?.checks ?? []
  const order = { fail: 0, warn: 1, pass: 2 } as Record<string, number>
  const sorted = [...checks].sort((a, b) => (order[a.status] ?? 3) - (order[b.status] ?? 3))
  return (
    <section className="doctor" aria-label={props.label ?? t('doctor.title')}>
      <div className="doctor-head">
        <button type="button" onClick={() => void run()} disabled={busy}>
          {busy ? t('doctor.running') : report ? t('doctor.again') : (props.label ?? t('doctor.run'))}
        </button>
        {report ? (
          <p className="doctor-summary" role="status">
            <span className="status-pill fail">{t('doctor.failing', { count: report.summary.fail })}</span>{' '}
            <span className="status-pill warn">{t('doctor.warnings', { count: report.summary.warn })}</span>{' '}
            <span className="status-pill pass">{t('doctor.passing', { count: report.summary.pass })}</span>
            <span className="muted small"> · {formatDateTime(report.generatedAt)}</span>
          </p>
        ) : null}
      </div>
      {missing ? (
        <p className="notice">
          <Trans t={t} i18nKey="doctor.missing" components={{ code: <code /> }} />
        </p>
      ) : null}
      <ErrorBox error={action.error} title={t('doctor.failed')} />
      {report ? (
        <ul className="checks" aria-label={t('doctor.checks')}>
          {sorted.map((c, i) => (
            <li
              // biome-ignore lint/suspicious/noArrayIndexKey: one report's rows, never reordered
              key={i}
              className={`check ${c.status}`}
              data-check={c.id}
              data-status={c.status}
            >
              <span className={`status-pill ${c.status}`}>
                <span aria-hidden="true">{icons[c.status] ?? '·'}</span>{' '}
                {t(`doctor.status.${c.status}`, { defaultValue: c.status })}
              </span>
              <div className="check-body">
                <p className="check-title">
                  <strong>{c.title}</strong>
                  {c.subject ? <span className="muted"> · {c.subject}</span> : null}
                </p>
                {c.seen ? <p className="check-seen">{c.seen}</p> : null}
                {c.fix && c.status !== 'pass' ? (
                  <p className="check-fix">
                    <span className="label">{t('common:error.fix')}</span>
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
