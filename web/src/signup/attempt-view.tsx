import { useTranslation } from 'react-i18next'
import type { SignupAttempt } from '../api-types.ts'

/** Each step of a signup attempt with its state, and the error and fix of the one that failed. */
export function AttemptView(props: { attempt: SignupAttempt }) {
  const { t } = useTranslation('signup')
  const a = props.attempt
  return (
    <section className="card" aria-label={t('stepsLabel')}>
      <p role="status">
        <strong>{t(`status.${a.status}`)}</strong>
      </p>
      <ol className="plain-list">
        {a.steps.map((s) => (
          <li key={s.step} data-step={s.step} data-state={s.state}>
            <span
              className={`status-pill ${s.state === 'done' ? 'pass' : s.state === 'failed' ? 'fail' : 'warn'}`}
            >
              {t(`state.${s.state}`)}
            </span>{' '}
            {t(`step.${s.step}`, { defaultValue: s.step })}
            {s.error ? (
              <p className="notice small">
                <strong>{s.error.code}</strong> {s.error.message} {s.error.fix}
              </p>
            ) : null}
          </li>
        ))}
      </ol>
    </section>
  )
}
