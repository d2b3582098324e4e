import { type ReactNode, useEffect, useId, useRef } from 'react'
import { useTranslation } from 'react-i18next'

// A modal dialog for managing a tenant's list (labels, canned replies): a title, the content,
// a Close button; Escape closes.

export function ManageDialog(props: { title: string; onClose: () => void; children: ReactNode }) {
  const { t } = useTranslation('inbox')
  const ref = useRef<HTMLDialogElement>(null)
  const ids = useId()
  useEffect(() => {
    const dialog = ref.current
    if (dialog && !dialog.open) dialog.showModal()
  }, [])
  return (
    <dialog
      ref={ref}
      className="manage-dialog"
      aria-labelledby={`${ids}-title`}
      onCancel={(e) => {
        e.preventDefault()
        props.onClose()
      }}
    >
      <div className="manage-head">
        <h2 id={`${ids}-title`}>{props.title}</h2>
        <button type="button" className="secondary small" onClick={props.onClose}>
          {t('manage.close')}
        </button>
      </div>
      {props.children}
    </dialog>
  )
}
