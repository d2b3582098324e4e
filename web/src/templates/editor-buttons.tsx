import { useId } from 'react'
import { useTranslation } from 'react-i18next'
import { SelectField } from '../ui/select-field.tsx'
import {
  type ButtonDraft,
  type ButtonKind,
  buttonKinds,
  type Draft,
  isAuthentication,
  newButton,
  otpTypes,
  variablesOf,
} from './draft.ts'
import { FieldError } from './field-error.tsx'

// The buttons: quick replies, a link (its address may end in {{1}}, with an example), a phone
// number, a coupon code to copy, and for authentication templates the one-time-password button.
// Meta's limits (10 in all, 2 links, 1 phone, 1 code) are the server's to check; the error is
// shown beside the button it names.

function ButtonFields(props: {
  index: number
  button: ButtonDraft
  auth: boolean
  onChange: (b: ButtonDraft) => void
  onRemove: () => void
  error: string | undefined
}) {
  const { t } = useTranslation('templates')
  const id = useId()
  const b = props.button
  const set = (patch: Partial<ButtonDraft>) => props.onChange({ ...b, ...patch })
  const input = (key: 'text' | 'url' | 'example' | 'phone', label: string, type = 'text') => (
    <div className="field">
      <label htmlFor={`${id}-${key}`}>{label}</label>
      <input
        id={`${id}-${key}`}
        type={type}
        value={b[key]}
        onChange={(e) => set({ [key]: e.target.value })}
      />
    </div>
  )
  const kinds = props.auth ? (['OTP'] as ButtonKind[]) : buttonKinds.filter((k) => k !== 'OTP')
  return (
    <li className="button-draft" aria-label={t('buttons.number', { n: props.index + 1 })}>
      <div className="field-row">
        <SelectField
          label={t('buttons.kind')}
          value={b.kind}
          onValue={(v) => set({ kind: v as ButtonKind })}
          options={kinds.map((k) => [k, t(`buttons.kinds.${k}`)] as const)}
        />
        {b.kind === 'OTP' ? (
          <SelectField
            label={t('buttons.otpType')}
            value={b.otpType}
            onValue={(v) => set({ otpType: v as ButtonDraft['otpType'] })}
            options={otpTypes.map((o) => [o, t(`buttons.otp.${o}`)] as const)}
          />
        ) : null}
        {b.kind !== 'OTP' && b.kind !== 'COPY_CODE' ? input('text', t('buttons.text')) : null}
      </div>
      {b.kind === 'URL' ? input('url', t('buttons.url', { example: '{{1}}' }), 'url') : null}
      {b.kind === 'URL' && variablesOf(b.url).length > 0
        ? input('example', t('editor.exampleOf', { variable: '{{1}}' }))
        : null}
      {b.kind === 'PHONE_NUMBER' ? input('phone', t('buttons.phone'), 'tel') : null}
      {b.kind === 'COPY_CODE' ? input('example', t('buttons.code')) : null}
      <FieldError message={props.error} />
      <button type="button" className="link-button danger" onClick={props.onRemove}>
        {t('buttons.remove', { n: props.index + 1 })}
      </button>
    </li>
  )
}

export function EditorButtons(props: {
  draft: Draft
  set: (patch: Partial<Draft>) => void
  errors: Record<string, string>
}) {
  const { t } = useTranslation('templates')
  const { draft, set, errors } = props
  const auth = isAuthentication(draft)
  const buttons = draft.buttons
  const replace = (i: number, b: ButtonDraft) => set({ buttons: buttons.map((o, j) => (j === i ? b : o)) })
  return (
    <fieldset className="editor-section">
      <legend>{t('editor.buttons')}</legend>
      {buttons.length > 0 ? (
        <ol className="button-drafts">
          {buttons.map((b, i) => (
            <ButtonFields
              // biome-ignore lint/suspicious/noArrayIndexKey: buttons are edited in place, by position
              key={i}
              index={i}
              button={b}
              auth={auth}
              error={errors[`button.${i}`]}
              onChange={(nb) => replace(i, nb)}
              onRemove={() => set({ buttons: buttons.filter((_, j) => j !== i) })}
            />
          ))}
        </ol>
      ) : null}
      <FieldError message={errors.buttons} />
      <button
        type="button"
        className="secondary small"
        disabled={buttons.length >= 10 || (auth && buttons.length >= 1)}
        onClick={() => set({ buttons: [...buttons, newButton(auth ? 'OTP' : 'QUICK_REPLY')] })}
      >
        {t('buttons.add')}
      </button>
    </fieldset>
  )
}
