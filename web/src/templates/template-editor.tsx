import { type FormEvent, useEffect, useMemo, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { ApiError, get, patch, post } from '../api.ts'
import type { Template, Waba } from '../api-types.ts'
import { Link, navigate } from '../router.tsx'
import { ErrorBox } from '../ui/error-box.tsx'
import { PageHead } from '../ui/page-head.tsx'
import { queryClient, useAction, useLoad } from '../ui/server-state.ts'
import { type Draft, emptyDraft, fromTemplate, sectionOf, toComponents } from './draft.ts'
import { EditorBasics, type EditorMode } from './editor-basics.tsx'
import { EditorButtons } from './editor-buttons.tsx'
import { EditorContent } from './editor-content.tsx'
import { useTemplatePreview } from './use-preview.ts'
import { WaBubble } from './wa-bubble.tsx'

// Authoring a template: the form on one side, the message as WhatsApp will show it on the other
// (live, rendered by the server). Create submits it to Meta for review; edit sends it back to
// review; duplicate submits the same template in another language. A rule broken is answered by
// the server (422 template_invalid naming the field) and shown beside that part of the form.

type Obj = Record<string, unknown>
const isMedia = (f: string) => f === 'IMAGE' || f === 'VIDEO' || f === 'DOCUMENT'

function base64Of(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader()
    reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ''))
    reader.onerror = () => reject(reader.error)
    reader.readAsDataURL(file)
  })
}

export function TemplateEditor(props: { mode: EditorMode; id?: string }) {
  const { t } = useTranslation('templates')
  const { mode, id } = props
  const { data, error } = useLoad(['template-editor', mode, id], async () => {
    const wabas = mode === 'create' ? (await get<{ wabas: Waba[] }>('/api/v1/admin/wabas')).wabas : []
    const loaded = id
      ? (await get<{ template: Template }>(`/api/v1/admin/templates/${encodeURIComponent(id)}`)).template
      : null
    return { wabas, template: loaded }
  })
  const [draft, setDraft] = useState<Draft | null>(mode === 'create' ? emptyDraft : null)
  const [waba, setWaba] = useState('')
  const [file, setFile] = useState<File | null>(null)
  const [tried, setTried] = useState(false)
  const action = useAction()
  const original = data?.template ?? null

  useEffect(() => {
    if (draft === null && original) {
      const d = fromTemplate(original)
      setDraft(mode === 'duplicate' ? { ...d, language: '' } : d)
    }
    if (!waba && data?.wabas.length) setWaba(data.wabas[0].id)
  }, [draft, original, mode, waba, data])

  const current = draft ?? emptyDraft
  const set = (p: Partial<Draft>) => {
    setDraft((d) => ({ ...(d ?? emptyDraft), ...p }))
    if (action.error) action.reset() // the refusal was about the draft as it was
  }
  const built = useMemo(() => {
    const { components, sections } = toComponents(current)
    // Edit and duplicate keep the sample Meta already holds unless a new file is chosen.
    const kept = original?.components.find((c) => (c as Obj).type === 'HEADER') as Obj | undefined
    const keepsSample = !!kept && isMedia(current.headerFormat) && kept.format === current.headerFormat
    const i = sections.indexOf('header')
    if (keepsSample && !file && i !== -1) components[i] = kept
    return { components, sections, keepsSample }
  }, [current, original, file])
  const live = useTemplatePreview({
    components: built.components,
    category: current.category,
    parameter_format: current.parameterFormat,
  })
  const imageUrl = useMemo(() => (file?.type.startsWith('image/') ? URL.createObjectURL(file) : null), [file])
  useEffect(() => () => (imageUrl ? URL.revokeObjectURL(imageUrl) : undefined), [imageUrl])

  const errors: Record<string, string> = {}
  if (tried && live?.problem) errors[sectionOf(live.problem.field, built.sections)] = live.problem.message
  const refused =
    action.error instanceof ApiError && action.error.code === 'template_invalid' ? action.error : null
  const refusedField = String((refused?.details as { field?: string } | undefined)?.field ?? '')
  if (refused) errors[sectionOf(refusedField, built.sections)] = refused.message

  const submit = (e: FormEvent) => {
    e.preventDefault()
    setTried(true)
    void action.run('save', async () => {
      const header_media =
        file && isMedia(current.headerFormat)
          ? { data_base64: await base64Of(file), mime_type: file.type, file_name: file.name }
          : undefined
      const components = built.components
      if (mode === 'create') {
        await post(`/api/v1/admin/wabas/${encodeURIComponent(waba)}/templates`, {
          name: current.name,
          language: current.language,
          category: current.category,
          parameter_format: current.parameterFormat,
          components,
          ...(header_media ? { header_media } : {}),
        })
      } else if (mode === 'edit') {
        await patch(`/api/v1/admin/templates/${encodeURIComponent(id ?? '')}`, {
          components,
          ...(current.category !== original?.category ? { category: current.category } : {}),
          ...(header_media ? { header_media } : {}),
        })
      } else {
        await post(`/api/v1/admin/templates/${encodeURIComponent(id ?? '')}/duplicate`, {
          language: current.language,
          components,
        })
      }
      await queryClient.invalidateQueries({ queryKey: ['templates'] })
      await queryClient.invalidateQueries({ queryKey: ['template-editor'] })
      navigate('/templates')
    })
  }

  const title = t(`editor.title.${mode}`, { name: original?.name ?? '' })
  return (
    <div className="page template-editor">
      <PageHead title={title} intro={t(`editor.intro.${mode}`)} error={error} errorTitle={t('loadFailed')} />
      <p>
        <Link href="/templates">{t('editor.back')}</Link>
      </p>
      {draft ? (
        <form className="editor-grid" onSubmit={submit} noValidate>
          <div className="editor-form">
            <EditorBasics
              mode={mode}
              draft={current}
              set={set}
              wabas={data?.wabas ?? []}
              waba={waba}
              onWaba={setWaba}
              errors={errors}
            />
            <EditorContent
              draft={current}
              set={set}
              file={file}
              onFile={setFile}
              keepsSample={built.keepsSample}
              errors={errors}
            />
            <EditorButtons draft={current} set={set} errors={errors} />
            {refused ? null : <ErrorBox error={action.error} title={t('editor.failed')} />}
            <button type="submit" disabled={action.busy !== null}>
              {action.busy ? t('editor.submitting') : t(`editor.submit.${mode}`)}
            </button>
          </div>
          <aside className="editor-preview" aria-live="polite">
            <h2 className="small">{t('preview.title')}</h2>
            {live ? <WaBubble preview={live.preview} imageUrl={imageUrl} /> : null}
            {live?.problem ? (
              <p className="preview-problem" data-testid="preview-problem">
                {t('preview.problem', { message: live.problem.message })}
              </p>
            ) : null}
          </aside>
        </form>
      ) : null}
    </div>
  )
}
