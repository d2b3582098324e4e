import { useId } from 'react'
import { useTranslation } from 'react-i18next'
import type { Waba } from '../api-types.ts'
import { SelectField } from '../ui/select-field.tsx'
import { categories, type Draft } from './draft.ts'
import { FieldError } from './field-error.tsx'

// Who the template belongs to and what kind it is: WABA, name, language, category and whether its
// variables are numbered or named. What Meta does not let change is shown, not editable.

export type EditorMode = 'create' | 'edit' | 'duplicate'

export function EditorBasics(props: {
  mode: EditorMode
  draft: Draft
  set: (patch: Partial<Draft>) => void
  wabas: Waba[]
  waba: string
  onWaba: (id: string) => void
  errors: Record<string, string>
}) {
  const { t } = useTranslation('templates')
  const id = useId()
  const { draft, set, mode, errors } = props
  const creating = mode === 'create'
  return (
    <fieldset className="editor-section">
      <legend>{t('editor.basics')}</legend>
      {creating && props.wabas.length > 1 ? (
        <SelectField
          label={t('editor.waba')}
          value={props.waba}
          onValue={props.onWaba}
          options={props.wabas.map((w) => [w.id, w.name ?? w.wabaId] as const)}
        />
      ) : null}
      <div className="field">
        <label htmlFor={`${id}-name`}>{t('editor.name')}</label>
        <input
          id={`${id}-name`}
          value={draft.name}
          readOnly={!creating}
          required
          pattern="[a-z0-9_]+"
          aria-invalid={errors.name ? true : undefined}
          aria-describedby={`${id}-name-help`}
          onChange={(e) => set({ name: e.target.value })}
        />
        <p id={`${id}-name-help`} className="muted small">
          {t('editor.nameHelp')}
        </p>
        <FieldError message={errors.name} />
      </div>
      <div className="field-row">
        <div className="field">
          <label htmlFor={`${id}-lang`}>{t('editor.language')}</label>
          <input
            id={`${id}-lang`}
            value={draft.language}
            readOnly={mode === 'edit'}
            required
            list={`${id}-langs`}
            aria-invalid={errors.language ? true : undefined}
            onChange={(e) => set({ language: e.target.value })}
          />
          <datalist id={`${id}-langs`}>
            {['en_US', 'en_GB', 'es', 'es_MX', 'pt_BR', 'th', 'fr', 'de', 'it', 'id', 'hi'].map((l) => (
              <option key={l} value={l} />
            ))}
          </datalist>
          <FieldError message={errors.language} />
        </div>
        <SelectField
          label={t('editor.category')}
          value={draft.category}
          disabled={mode === 'duplicate'}
          onValue={(category) => set({ category })}
          options={categories.map((c) => [c, t(`categories.${c}`)] as const)}
        />
        <SelectField
          label={t('editor.parameterFormat')}
          value={draft.parameterFormat}
          disabled={!creating}
          onValue={(v) => set({ parameterFormat: v as Draft['parameterFormat'] })}
          options={[
            ['POSITIONAL', t('editor.positional', { example: '{{1}}, {{2}}' })],
            ['NAMED', t('editor.named', { example: '{{customer_name}}' })],
          ]}
        />
      </div>
      <FieldError message={errors.category} />
    </fieldset>
  )
}
