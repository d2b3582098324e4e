import './confirm-dialog.css'
import { type ReactNode, useCallback, useEffect, useId, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'

// One confirmation for every destructive action (disable or remove a user, revoke a key, delete a
// template, drop a webhook override): a modal <dialog> naming what will happen, with Cancel
// focused first so Enter or Escape never destroys anything by accident (issue 12, defect 6).

export type ConfirmRequest = {
  /** The question, naming the thing: "Disable ops@example.com?" */
  title: string
  /** What follows from it, in one or two sentences. */
  body?: string
  /** The confirming button's words: "Disable", "Revoke key". */
  confirmLabel: string
}

type Pending = ConfirmRequest & { resolve: (ok: boolean) => void }

/** `confirm(request)` resolves true only when the person pressed the confirming button. */
export function useConfirm(): { confirm: (request: ConfirmRequest) => Promise<boolean>; dialog: ReactNode } {
  const [pending, setPending] = useState<Pending | null>(null)
  const confirm = useCallback(
    (request: ConfirmRequest) => new Promise<boolean>((resolve) => setPending({ ...request, resolve })),
    [],
  )
  const settle = (ok: boolean) => {
    pending?.resolve(ok)
    setPending(null)
  }
  return { confirm, dialog: pending ? <ConfirmDialog request={pending} onSettle={settle} /> : null }
}

function ConfirmDialog(props: { request: ConfirmRequest; onSettle: (ok: boolean) => void }) {
  const { t } = useTranslation()
  const ref = useRef<HTMLDialogElement>(null)
  const ids = useId()
  useEffect(() => {
    const dialog = ref.current
    if (dialog && !dialog.open) dialog.showModal()
  }, [])
  return (
    <dialog
      ref={ref}
      className="confirm-dialog"
      aria-labelledby={`${ids}-title`}
      aria-describedby={props.request.body ? `${ids}-body` : undefined}
      onCancel={(e) => {
        e.preventDefault() // Escape: settle through React so the promise is answered
        props.onSettle(false)
      }}
    >
      <h2 id={`${ids}-title`}>{props.request.title}</h2>
      {props.request.body ? <p id={`${ids}-body`}>{props.request.body}</p> : null}
      <div className="confirm-actions">
        {/* biome-ignore lint/a11y/noAutofocus: the safe choice takes the focus in a modal */}
        <button type="button" className="secondary" autoFocus onClick={() => props.onSettle(false)}>
          {t('confirm.cancel')}
        </button>
        <button type="button" className="danger" onClick={() => props.onSettle(true)}>
          {props.request.confirmLabel}
        </button>
      </div>
    </dialog>
  )
}
