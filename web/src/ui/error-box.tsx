import { ApiError } from '../api.ts'

/** An error as the server explained it: what went wrong and, separately, how to fix it. */
export function ErrorBox(props: { error: unknown; title?: string; onDismiss?: () => void }) {
  const { error } = props
  if (!error) return null
  const e = error instanceof ApiError ? error : null
  const message = e ? e.message : error instanceof Error ? error.message : String(error)
  const metaFix = e ? fixFromDetails(e.details) : null
  return (
    <div className="error-box" role="alert">
      <p className="error-title">
        <strong>{props.title ?? 'Something went wrong'}</strong>
        {e ? <code className="error-code">{e.code}</code> : null}
      </p>
      <p className="error-message">{message}</p>
      {e?.fix ? (
        <p className="error-fix">
          <span className="label">Fix: </span>
          {e.fix}
        </p>
      ) : null}
      {metaFix && metaFix !== e?.fix ? (
        <p className="error-fix">
          <span className="label">Meta: </span>
          {metaFix}
        </p>
      ) : null}
      {props.onDismiss ? (
        <button type="button" className="link-button" onClick={props.onDismiss}>
          Dismiss
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
