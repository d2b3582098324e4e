import { useTranslation } from 'react-i18next'
import { ApiError } from '../api.ts'

/**
 * An error as the server explained it: what went wrong and, separately, how to fix it. The text
 * comes from the error's `code` in the chosen language (i18n/<lang>/errors.json); where that
 * language has no sentence for the code (and always in English), the server's own message and fix.
 */
export function ErrorBox(props: { error: unknown; title?: string; onDismiss?: () => void }) {
  const { t } = useTranslation()
  const { error } = props
  if (!error) return null
  const e = error instanceof ApiError ? error : null
  const serverMessage = e ? e.message : error instanceof Error ? error.message : String(error)
  const message = e ? t(`${e.code}.message`, { ns: 'errors', defaultValue: serverMessage }) : serverMessage
  const fix = e?.fix ? t(`${e.code}.fix`, { ns: 'errors', defaultValue: e.fix }) : ''
  const metaFix = e ? fixFromDetails(e.details) : null
  return (
    <div className="error-box" role="alert">
      <p className="error-title">
        <strong>{props.title ?? t('error.title')}</strong>
        {e ? <code className="error-code">{e.code}</code> : null}
      </p>
      <p className="error-message">{message}</p>
      {fix ? (
        <p className="error-fix">
          <span className="label">{t('error.fix')}</span>
          {fix}
        </p>
      ) : null}
      {metaFix && metaFix !== e?.fix ? (
        <p className="error-fix">
          <span className="label">{t('error.meta')}</span>
          {metaFix}
        </p>
      ) : null}
      {props.onDismiss ? (
        <button type="button" className="link-button" onClick={props.onDismiss}>
          {t('error.dismiss')}
        </button>
      ) : null}
    </div>
  )
}

function fixFromDetails(details: unknown): string | null {
  if (!details || typeof details !== 'object') return null
  const d = details as Record<string, unknown>
  return typeof d.fix === 'string' ? d.fix : null
}
