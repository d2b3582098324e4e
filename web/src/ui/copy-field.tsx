import { useId, useState } from 'react'
import { useTranslation } from 'react-i18next'

/** A read-only value with a Copy button (callback URL, verify token, a new API key). */
export function CopyField(props: { label: string; value: string }) {
  const { t } = useTranslation()
  const id = useId()
  const [copied, setCopied] = useState(false)
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(props.value)
      setCopied(true)
      setTimeout(() => setCopied(false), 2000)
    } catch {
      const input = document.getElementById(id) as HTMLInputElement | null
      input?.select()
    }
  }
  return (
    <div className="copy-field">
      <label htmlFor={id}>{props.label}</label>
      <div className="copy-row">
        <input
          id={id}
          readOnly
          value={props.value}
          onFocus={(e) => e.currentTarget.select()}
          spellCheck={false}
        />
        <button type="button" onClick={copy} aria-label={`${t('copy.copy')} ${props.label}`}>
          {copied ? t('copy.copied') : t('copy.copy')}
        </button>
      </div>
    </div>
  )
}
