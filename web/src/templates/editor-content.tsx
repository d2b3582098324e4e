import { useId } from 'react'
import { useTranslation } from 'react-i18next'
import { SelectField } from '../ui/select-field.tsx'
import { TextField } from '../ui/text-field.tsx'
import { type Draft, headerFormats, isAuthentication, variablesOf } from './draft.ts'
import { FieldError } from './field-error.tsx'

// What the customer reads: the header (text, or a sample picture, video or document uploaded to
// Meta with the template, or a location), the body with its variables and an example of each, and
// the footer. Authentication templates have Meta's own wording: only its options are asked.

const accept: Record<string, string> = {
  IMAGE: 'image/jpeg,image/png',
  VIDEO: 'video/mp4',
  DOCUMENT: 'application/pdf',
}

export function EditorContent(props: {
  draft: Draft
  set: (patch: Partial<Draft>) => void
  file: File | null
  onFile: (file: File | null) => void
  keepsSample: boolean
  errors: Record<string, string>
}) {
  const { t } = useTranslation('templates')
  const id = useId()
  const { draft, set, errors } = props
  if (isAuthentication(draft)) {
    return (
      <fieldset className="editor-section">
        <legend>{t('editor.content')}</legend>
        <p className="muted small">{t('editor.authBody')}</p>
        <label className="checkbox">
          <input
            type="checkbox"
            checked={draft.securityRecommendation}
            onChange={(e) => set({ securityRecommendation: e.target.checked })}
          />
          {t('editor.securityRecommendation')}
        </label>
        <div className="field">
          <TextField
            label={t('editor.expiry')}
            inputMode="numeric"
            value={draft.expiryMinutes}
            aria-invalid={errors.footer ? true : undefined}
            onValue={(expiryMinutes) => set({ expiryMinutes })}
          />
          <FieldError message={errors.footer} />
        </div>
        <FieldError message={errors.body} />
      </fieldset>
    )
  }
  const variables = [
    ...variablesOf(draft.headerFormat === 'TEXT' ? draft.headerText : ''),
    ...variablesOf(draft.body),
  ]
  const media = accept[draft.headerFormat]
  return (
    <fieldset className="editor-section">
      <legend>{t('editor.content')}</legend>
      <SelectField
        label={t('editor.header')}
        value={draft.headerFormat}
        onValue={(v) => set({ headerFormat: v as Draft['headerFormat'] })}
        options={headerFormats.map((f) => [f, t(`header.format.${f}`)] as const)}
      />
      {draft.headerFormat === 'TEXT' ? (
        <div className="field">
          <TextField
            label={t('editor.headerText')}
            value={draft.headerText}
            aria-invalid={errors.header ? true : undefined}
            onValue={(headerText) => set({ headerText })}
          />
        </div>
      ) : null}
      {media ? (
        <div className="field">
          <label htmlFor={`${id}-file`}>
            {t('editor.sample', { kind: t(`header.format.${draft.headerFormat}`) })}
          </label>
          <input
            id={`${id}-file`}
            type="file"
            accept={media}
            aria-invalid={errors.header ? true : undefined}
            onChange={(e) => props.onFile(e.target.files?.[0] ?? null)}
          />
          <p className="muted small">
            {props.keepsSample && !props.file ? t('editor.sampleKept') : t('editor.sampleHelp')}
          </p>
        </div>
      ) : null}
      <FieldError message={errors.header} />
      <div className="field">
        <label htmlFor={`${id}-body`}>{t('editor.body')}</label>
        <textarea
          id={`${id}-body`}
          rows={5}
          value={draft.body}
          aria-invalid={errors.body ? true : undefined}
          aria-describedby={`${id}-body-help`}
          onChange={(e) => set({ body: e.target.value })}
        />
        <p id={`${id}-body-help`} className="muted small">
          {draft.parameterFormat === 'NAMED'
            ? t('editor.bodyHelpNamed', { example: '{{customer_name}}' })
            : t('editor.bodyHelp', { example: '{{1}}, {{2}}…' })}
        </p>
      </div>
      {variables.length > 0 ? (
        <div className="examples">
          <p className="small">{t('editor.examples')}</p>
          {variables.map((v) => (
            <div className="field" key={v}>
              <TextField
                label={t('editor.exampleOf', { variable: `{{${v}}}` })}
                value={draft.examples[v] ?? ''}
                onValue={(value) => set({ examples: { ...draft.examples, [v]: value } })}
              />
            </div>
          ))}
        </div>
      ) : null}
      <FieldError message={errors.body} />
      <div className="field">
        <TextField
          label={t('editor.footer')}
          value={draft.footer}
          aria-invalid={errors.footer ? true : undefined}
          onValue={(footer) => set({ footer })}
        />
        <FieldError message={errors.footer} />
      </div>
    </fieldset>
  )
}
