import { useTranslation } from 'react-i18next'
import type { GoliveGuide, GoliveStep } from '../api-types.ts'
import { StepAction } from './step-actions.tsx'

const marks: Record<string, string> = { done: '✓', todo: '○', failing: '✕', manual: '?', unknown: '…' }

/** One step of the guide: its state, what was seen, the fix, where in Meta, the doctor's finding. */
export function GoliveStepItem(props: {
  step: GoliveStep
  guide: GoliveGuide
  next: boolean
  onChanged: () => Promise<void>
}) {
  const { t } = useTranslation('golive')
  const s = props.step
  return (
    <li
      className={`golive-step ${s.state}${props.next ? ' next' : ''}`}
      data-step={s.id}
      data-state={s.state}
      aria-current={props.next ? 'step' : undefined}
    >
      <div className="golive-step-head">
        <span className={`status-pill ${s.state}`}>
          <span aria-hidden="true">{marks[s.state]}</span> {t(`state.${s.state}`)}
        </span>
        <h3>{t(`step.${s.id}`, { defaultValue: s.title })}</h3>
        {props.next ? <span className="golive-next">{t('next')}</span> : null}
      </div>
      <p className="golive-seen">{s.seen}</p>
      {s.fix ? (
        <p className="golive-fix">
          <span className="label">{t('common:error.fix')}</span>
          {s.fix}
        </p>
      ) : null}
      {s.metaUiPlace && s.state !== 'done' ? (
        <p className="golive-place">
          <span className="label">{t('inMeta')}</span>
          {s.metaUiPlace}
        </p>
      ) : null}
      {s.doctorCheckId ? (
        <a className="small" href="#golive-doctor">
          {t('doctorFinding', { id: s.doctorCheckId })}
        </a>
      ) : null}
      {/* The app step stays open once done: it shows the verify token, once, to paste into Meta. */}
      {s.state !== 'done' || s.id === 'app.connected' ? (
        <StepAction step={s} guide={props.guide} onChanged={props.onChanged} />
      ) : null}
    </li>
  )
}
